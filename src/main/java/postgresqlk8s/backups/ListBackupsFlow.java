package postgresqlk8s.backups;

import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.Event;
import jujuops.ActionOutcome;
import postgresqlk8s.pgbackrest.Timeline;
import postgresqlk8s.s3.S3Parameters;
import postgresqlk8s.s3.S3Requirer;

/** The "list-backups" flowchart. */
final class ListBackupsFlow {

    private static final Logger LOG = Logs.get(ListBackupsFlow.class);

    private final ClusterFacts facts;
    private final S3Requirer s3;
    private final Seams seams;
    /** What "Does pgBackRest return the backups list?" found: the list and its stanza, or pgBackRest's error. */
    private Repository.Listing listing;
    /** The timelines restores started in that stanza's archive. */
    private List<Timeline> timelines = List.of();
    private String listFailure = "";

    ListBackupsFlow(ClusterFacts facts, S3Requirer s3, Seams seams) {
        this.facts = facts;
        this.s3 = s3;
        this.seams = seams;
    }

    public ActionOutcome handle(Event event) {
        S3Gate gate = new S3Gate(s3);
        if (!gate.isS3RelationEstablished()) {
            return ActionOutcome.fail(Refusal.S3_RELATION_MISSING.words());
        }
        if (gate.hasMissingS3Parameters()) {
            return ActionOutcome.fail(Refusal.MISSING_S3_PARAMETERS.words(gate.missingNames()));
        }
        if (gate.hasInvalidS3Parameters()) {
            // not in the flowchart: the values are all there but pgBackRest cannot use them; say which
            return ActionOutcome.fail(Refusal.INVALID_S3_PARAMETERS.words(gate.invalidReason()));
        }
        S3Parameters settings = gate.parameters();
        Repository repository = new Repository(seams, facts.stanzaName(), settings);
        if (!doesPgBackRestReturnTheBackupsList(repository)) {
            return ActionOutcome.fail(Refusal.LIST_FAILED.words(listFailure));
        }
        return ActionOutcome.results(Map.of("backups", BackupList.format(settings, listing.stanza(), listing.backups(), timelines)));
    }

    /**
     * "Does pgBackRest return the backups list?"; keeps the list and the timelines restores started (the
     * history files in the stanza's archive, as the reference lists them), or why there are none. The
     * list is this cluster's stanza's, or the one other cluster's the repository holds when it has none
     * of ours ({@link Repository#listing}).
     */
    boolean doesPgBackRestReturnTheBackupsList(Repository repository) {
        try {
            // not in the flowchart: another cluster's stanza is listed when ours is absent, so it can be restored
            listing = repository.listing();
            timelines = repository.timelines(listing.stanza());
            return true;
        } catch (Repository.RepositoryException e) {
            LOG.warn("pgBackRest did not return the backups list: {}", e.getMessage());
            listFailure = e.getMessage();
            return false;
        }
    }
}
