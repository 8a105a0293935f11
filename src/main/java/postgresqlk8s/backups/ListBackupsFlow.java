package postgresqlk8s.backups;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.Event;
import jujuops.Outcome;
import postgresqlk8s.pgbackrest.BackupRecord;
import postgresqlk8s.s3.S3Parameters;
import postgresqlk8s.s3.S3Requirer;

/** The "list-backups" flowchart. */
public final class ListBackupsFlow {

    private static final Logger LOG = Logs.get(ListBackupsFlow.class);

    private final ClusterFacts facts;
    private final S3Requirer s3;
    private final Seams seams;

    ListBackupsFlow(ClusterFacts facts, S3Requirer s3, Seams seams) {
        this.facts = facts;
        this.s3 = s3;
        this.seams = seams;
    }

    public Outcome handle(Event event) {
        S3Gate gate = new S3Gate(s3);
        if (!gate.isS3RelationEstablished()) {
            return Outcome.fail(Messages.S3_RELATION_MISSING);
        }
        Optional<String> missing = gate.missingS3Parameters();
        if (missing.isPresent()) {
            return Outcome.fail(missing.get());
        }
        S3Parameters settings = gate.parameters();
        List<BackupRecord> backups;
        try {
            backups = new Repository(seams, facts.stanzaName(), settings).backups();
        } catch (Repository.RepositoryException e) {
            LOG.warn("pgBackRest did not return the backups list: {}", e.getMessage());
            return Outcome.fail(Messages.LIST_FAILED + e.getMessage());
        }
        return Outcome.results(Map.of("backups", BackupList.format(settings, facts.stanzaName(), backups)));
    }
}
