package postgresqlk8s.backups;

import java.util.Optional;

import postgresqlk8s.s3.S3Parameters;
import postgresqlk8s.s3.S3Requirer;
import postgresqlk8s.s3.S3Settings;

/**
 * The two S3 decisions every action flow asks ("Is S3 relation established?", "Has missing S3
 * parameters?") and the port's third (are the values usable), each a boolean; the words for the
 * refusals come from {@link #missingNames()} and {@link #invalidReason()}. Reads the provider's
 * databag once.
 */
final class S3Gate {

    private final Optional<S3Settings.Reading> reading;

    S3Gate(S3Requirer requirer) {
        this.reading = requirer.read();
    }

    boolean isS3RelationEstablished() {
        return reading.isPresent();
    }

    /** Asked only once the relation is established. */
    boolean hasMissingS3Parameters() {
        return reading.orElseThrow() instanceof S3Settings.Missing;
    }

    /** All there, but a value pgBackRest cannot use (an http endpoint, say). */
    boolean hasInvalidS3Parameters() {
        return reading.orElseThrow() instanceof S3Settings.Invalid;
    }

    /** The settings usable as they are: related, none missing, none invalid. */
    boolean isComplete() {
        return reading.isPresent() && reading.get() instanceof S3Settings.Complete;
    }

    /** The missing keys as the reference lists them: {@code ['bucket', 'secret-key']}. */
    String missingNames() {
        return ((S3Settings.Missing) reading.orElseThrow()).pythonList();
    }

    String invalidReason() {
        return ((S3Settings.Invalid) reading.orElseThrow()).reason();
    }

    S3Parameters parameters() {
        return ((S3Settings.Complete) reading.orElseThrow()).parameters();
    }
}
