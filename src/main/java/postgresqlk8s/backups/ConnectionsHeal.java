package postgresqlk8s.backups;

import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.Event;
import jujuops.HookOutcome;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.patroni.MemberStatus;
import postgresqlk8s.patroni.PatroniConfig;
import postgresqlk8s.pgbackrest.PgBackRestInfo;
import postgresqlk8s.s3.S3Requirer;

/**
 * update-status after a replica's backup that did not end in its own action: the charm process was killed
 * (or Patroni could not be reloaded) after "Block new connections" and before "Allow new connections". A
 * dispatch that dies saves nothing, so the trace is what was already written outside the charm: Patroni's
 * configuration in the workload, which Patroni loaded and reports as this member's {@code noloadbalance}
 * tag. With no restore in progress (a restore refuses connections too) and no backup holding pgBackRest's
 * lock in this pod, connections are allowed again. Juju runs one hook or action of a unit at a time, so
 * this hook running means the backup's action is over; only its pgBackRest may still run in the workload.
 */
final class ConnectionsHeal {

    private static final Logger LOG = Logs.get(ConnectionsHeal.class);

    private final ClusterFacts facts;
    private final S3Requirer s3;
    private final Supplier<Seams> seams;

    ConnectionsHeal(ClusterFacts facts, S3Requirer s3, Supplier<Seams> seams) {
        this.facts = facts;
        this.s3 = s3;
        this.seams = seams;
    }

    public HookOutcome handle(Event event) {
        // Before the peer relation there is no cluster, so no replica's backup can have refused connections:
        // Patroni is not asked (every update-status would pay its REST call in a cold JVM, ~0.1 s, for nothing)
        if (!facts.hasPeers() || !areNewConnectionsRefused() || isRestoreInProgress() || isBackupRunningHere()) {
            return HookOutcome.done();
        }
        try {
            seams.get().patroniConfig().apply(PatroniConfig.Settings.normal(facts.stanza()));
            LOG.warn("new connections were still refused after a backup that ended without its action; allowed again");
        } catch (PatroniConfig.ConfigException e) {
            LOG.error("new connections are still refused after a backup and could not be allowed again: {}", e.getMessage());
        }
        return HookOutcome.done();
    }

    /** Patroni runs this member with the configuration a replica's backup writes. */
    boolean areNewConnectionsRefused() {
        return facts.member().map(MemberStatus::noloadbalance).orElse(false);
    }

    boolean isRestoreInProgress() {
        return facts.appData(PeerKeys.RESTORING_BACKUP).isPresent();
    }

    /**
     * pgBackRest says a backup of the stanza holds its lock in this pod. When it cannot say (no S3 settings,
     * an unreadable repository), no backup is taken to run: a replica closed to clients for good is the
     * failure this check exists to end.
     */
    boolean isBackupRunningHere() {
        S3Gate gate = new S3Gate(s3);
        if (facts.stanza().isEmpty() || !gate.isComplete()) {
            return false;
        }
        try {
            Optional<PgBackRestInfo.Stanza> stanza = new Repository(seams.get(), facts.stanzaName(), gate.parameters()).stanza();
            boolean running = stanza.map(PgBackRestInfo.Stanza::backupRunning).orElse(false);
            if (running) {
                LOG.info("a backup still runs in this pod; new connections stay refused until it ends");
            }
            return running;
        } catch (Repository.RepositoryException e) {
            LOG.warn("cannot tell whether a backup runs here ({}); allowing new connections again", e.getMessage());
            return false;
        }
    }
}
