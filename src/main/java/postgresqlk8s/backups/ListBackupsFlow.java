package postgresqlk8s.backups;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.Event;
import jujuops.ActionOutcome;
import postgresqlk8s.pgbackrest.StanzaName;
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
        // The workload client (client-java, TLS) is built on the other core while the gate asks Juju for
        // the S3 settings, as create-backup's ClientsAhead does; a refused action leaves it unused.
        Thread ahead = new Thread(new WorkloadClientAhead(seams), "workload-client-ahead");
        ahead.setDaemon(true);
        ahead.start();
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
        StanzaName ours = repository.pgbackrest().stanza();
        // Our stanza's history files are listed beside info, a second pgBackRest process in the pod, rather
        // than after it: each is a process start, a TLS handshake and S3 requests, so one after the other
        // the action cost about both (docs/performance.md, list_backups_300_*).
        FutureTask<List<Timeline>> ourTimelines = new FutureTask<>(new TimelinesOf(repository, ours));
        Thread beside = new Thread(ourTimelines, "history-listing");
        beside.setDaemon(true); // a listing still running must not keep the dispatch alive
        beside.start();
        try {
            // not in the flowchart: another cluster's stanza is listed when ours is absent, so it can be restored
            listing = repository.listing();
            timelines = listing.stanza().equals(ours) ? result(ourTimelines) : repository.timelines(listing.stanza());
            return true;
        } catch (Repository.RepositoryException e) {
            LOG.warn("pgBackRest did not return the backups list: {}", e.getMessage());
            listFailure = e.getMessage();
            return false;
        }
    }

    /** Builds the workload client; a failure is left for the flow's own exec to report. */
    private static final class WorkloadClientAhead implements Runnable {
        private final Seams seams;

        WorkloadClientAhead(Seams seams) {
            this.seams = seams;
        }

        @Override
        public void run() {
            seams.exec().prepare();
        }
    }

    /** A stanza's timelines, on the listing's own thread (a class, not a lambda: no method handles spun in a hook). */
    private static final class TimelinesOf implements Callable<List<Timeline>> {
        private final Repository repository;
        private final StanzaName stanza;

        TimelinesOf(Repository repository, StanzaName stanza) {
            this.repository = repository;
            this.stanza = stanza;
        }

        @Override
        public List<Timeline> call() throws Repository.RepositoryException {
            return repository.timelines(stanza);
        }
    }

    /** The listing's timelines, or its failure as the call would have thrown it. */
    private static List<Timeline> result(FutureTask<List<Timeline>> task) throws Repository.RepositoryException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Repository.RepositoryException("interrupted while listing the timelines");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Repository.RepositoryException failed) {
                throw failed;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
