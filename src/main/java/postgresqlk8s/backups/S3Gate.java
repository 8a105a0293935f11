package postgresqlk8s.backups;

import java.util.Optional;

import postgresqlk8s.s3.S3Parameters;
import postgresqlk8s.s3.S3Requirer;
import postgresqlk8s.s3.S3Settings;

/**
 * The two S3 decisions every action flow starts from: is the relation there, and are its settings
 * complete. Reads the provider's databag once.
 */
final class S3Gate {

    private final Optional<S3Settings.Reading> reading;

    S3Gate(S3Requirer requirer) {
        this.reading = requirer.read();
    }

    boolean isS3RelationEstablished() {
        return reading.isPresent();
    }

    /** The action failure for missing or unusable settings, if any. */
    Optional<String> missingS3Parameters() {
        S3Settings.Reading r = reading.orElseThrow();
        if (r instanceof S3Settings.Missing) {
            return Optional.of(Messages.MISSING_S3_PARAMETERS + ((S3Settings.Missing) r).pythonList());
        }
        if (r instanceof S3Settings.Invalid) {
            return Optional.of(Messages.INVALID_S3_PARAMETERS + ((S3Settings.Invalid) r).reason());
        }
        return Optional.empty();
    }

    S3Parameters parameters() {
        return ((S3Settings.Complete) reading.orElseThrow()).parameters();
    }

    /** The first failure of the two checks, in flowchart order. */
    Optional<String> failure() {
        if (!isS3RelationEstablished()) {
            return Optional.of(Messages.S3_RELATION_MISSING);
        }
        return missingS3Parameters();
    }
}
