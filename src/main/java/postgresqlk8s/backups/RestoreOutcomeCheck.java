package postgresqlk8s.backups;

import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.Event;
import jujuops.HookOutcome;
import jujuops.model.Status;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.cluster.UnitStatuses;
import postgresqlk8s.patroni.MemberStatus;
import postgresqlk8s.patroni.PatroniConfig;
import postgresqlk8s.pgbackrest.StanzaName;
import postgresqlk8s.s3.S3Requirer;
import postgresqlk8s.workload.DataDirectory;
import postgresqlk8s.workload.WorkloadCommandException;
import postgresqlk8s.workload.WorkloadService;
import postgresqlk8s.workload.WorkloadUnreachableException;

/**
 * update-status during a restore: the database service gone means the restore failed (Blocked); Patroni
 * running on a newer timeline means it worked (restore keys cleared, Active); a bootstrap that failed
 * while the service runs means it failed too; anything else, wait.
 *
 * <p>What Patroni 3.0 does when the bootstrap's pgBackRest restore fails (the restore command exits
 * non-zero, or PostgreSQL stops in recovery, e.g. "recovery ended before configured recovery target was
 * reached" when WAL is missing): it removes the initialize key, moves the data directory aside to
 * {@code <data dir>.failed} and exits ("Failed to bootstrap cluster"). The service is then inactive, until
 * Pebble, which restarts a service that exits, starts Patroni again: the initialize key is gone, so it
 * bootstraps from the backup again, fails again, and so on without end. Between restarts the service
 * looks active, so the moved-aside directory is the trace that stays; the restore flow removes it before
 * it starts, and this check stops the service when it finds it, which ends the loop. Each attempt is
 * bounded by pgBackRest's and PostgreSQL's own timeouts, so the check answers within one attempt and an
 * update-status.
 *
 * <p>Those timeouts are long when S3 goes away in the middle of the restore (minutes, up to pgBackRest's
 * 30-minute protocol timeout), so the check also takes a restore as failed when its data directory has
 * not changed size for a while and the repository does not answer ({@link RestoreStall}); stopping the
 * service ends the restore.
 *
 * <p>A backup restored from another cluster's stanza ({@link PeerKeys#RESTORE_STANZA} not this cluster's)
 * gives this database that cluster's system identifier, so this cluster continues that stanza from then
 * on ({@link PeerKeys#ADOPTED_STANZA}, which {@link ClusterFacts#stanzaName()} follows) and
 * {@link #continuesAnotherStanza()} tells the caller to run the stanza steps again for it.
 */
final class RestoreOutcomeCheck {

    private static final Logger LOG = Logs.get(RestoreOutcomeCheck.class);

    private final ClusterFacts facts;
    private final S3Requirer s3;
    private final java.util.function.Supplier<Seams> seams;
    /** The restore that succeeded was of another stanza than the one this cluster used until now. */
    private boolean stanzaChanged;
    /** {@link #hasRestoreStalled()} found the repository not answering (not merely no settings). */
    private boolean stalledForS3;
    /** The data directory's size {@link #hasRestoreStalled()} measured, for the status's percent ({@link RestoreProgress}). */
    private Optional<Long> written = Optional.empty();

    /** Takes the seams lazily: an update-status with no restore in progress builds no client. */
    RestoreOutcomeCheck(ClusterFacts facts, S3Requirer s3, java.util.function.Supplier<Seams> seams) {
        this.facts = facts;
        this.s3 = s3;
        this.seams = seams;
    }

    public HookOutcome handle(Event event) {
        if (!isRestoreInProgress()) {
            return HookOutcome.done();
        }
        Optional<String> service = databaseServiceState();
        if (service.isEmpty()) {
            return HookOutcome.done();
        }
        if (service.get().equals(WorkloadService.BACKOFF)) {
            return restartedByPebble();
        }
        stall().serviceRuns();
        if (!service.get().equals(WorkloadService.ACTIVE)) {
            if (stall().isToResumeWhenS3Answers()) {
                return resumeIfS3Answers();
            }
            LOG.error("restore failed: the database service is not running");
            stall().forget();
            facts.statuses().set(UnitStatuses.Concern.RESTORE, Status.blocked(Messages.RESTORE_FAILED));
            return HookOutcome.done();
        }
        if (hasRestoredClusterStarted()) {
            return finish();
        }
        if (hasBootstrapFailed()) {
            return failed("Patroni could not bootstrap the cluster from the backup (the data directory was moved to "
                    + dataDirectory().failedBootstrap() + ")");
        }
        Optional<String> stalled = hasRestoreStalled();
        if (stalled.isPresent()) {
            HookOutcome outcome = failed(stalled.get());
            if (stalledForS3) {
                stall().resumeWhenS3Answers();
            }
            return outcome;
        }
        RestoreProgress progress = new RestoreProgress(facts.stored());
        facts.statuses().set(UnitStatuses.Concern.RESTORE, Status.maintenance(progress.status(written.flatMap(progress::percent))));
        return HookOutcome.done();
    }

    /** Patroni moved the data directory aside since the restore began: a bootstrap from the backup failed. */
    boolean hasBootstrapFailed() {
        try {
            return dataDirectory().hasFailedBootstrap();
        } catch (WorkloadUnreachableException | WorkloadCommandException e) {
            LOG.warn("cannot tell whether the bootstrap failed: {}", e.getMessage());
            return false;
        }
    }

    /**
     * Not in the flowchart: why the restore is taken as failed though it still runs, or empty. Its data
     * directory has stayed the same size for {@link RestoreStall#PATIENCE} and the repository does not
     * answer now; while the repository answers, the restore is left to pgBackRest however slow it is.
     */
    Optional<String> hasRestoreStalled() {
        long bytes;
        try {
            bytes = dataDirectory().size();
        } catch (WorkloadUnreachableException | WorkloadCommandException e) {
            LOG.warn("cannot tell whether the restore makes progress: {}", e.getMessage());
            return Optional.empty();
        }
        written = Optional.of(bytes);
        java.time.Duration unchanged = stall().unchangedFor(bytes, seams.get().clock().instant());
        if (!stall().exhausted(unchanged)) {
            LOG.info("restoring: the data directory holds {} bytes ({}), unchanged for {} s", bytes,
                    new RestoreProgress(facts.stored()).percent(bytes).map(p -> p + "% of the backup").orElse("the backup's size unknown"),
                    unchanged.toSeconds());
            return Optional.empty();
        }
        S3Gate settings = new S3Gate(s3);
        if (!settings.isComplete()) {
            return Optional.of("no progress for " + unchanged.toSeconds() + " s, and no usable S3 settings to read the backup with");
        }
        Optional<String> unanswered = restoreRepositoryUnanswered(settings);
        if (unanswered.isEmpty()) {
            LOG.info("restoring: no progress for {} s, but the repository answers; leaving the restore to pgBackRest", unchanged.toSeconds());
            return Optional.empty();
        }
        stalledForS3 = true;
        return Optional.of("no progress for " + unchanged.toSeconds() + " s, and the repository does not answer: " + unanswered.get());
    }

    /**
     * Not in the flowchart: a restore stopped because the repository did not answer resumes once it
     * answers again, as the operator asked for it and nothing of the old cluster is left to keep: Patroni's
     * cluster state goes (a bootstrap cut short leaves its initialize key), the data directory is emptied,
     * and the service starts, with the restore still configured as its bootstrap. One bounded listing a
     * hook while the repository stays silent; until then the unit stays Blocked.
     */
    private HookOutcome resumeIfS3Answers() {
        S3Gate settings = new S3Gate(s3);
        Optional<String> unanswered = settings.isComplete() ? restoreRepositoryUnanswered(settings) : Optional.of("no usable S3 settings");
        if (unanswered.isPresent()) {
            LOG.info("the restore waits for the repository: {}", unanswered.get());
            facts.statuses().set(UnitStatuses.Concern.RESTORE, Status.blocked(Messages.RESTORE_FAILED));
            return HookOutcome.done();
        }
        LOG.info("the repository answers again: resuming the restore of {}", facts.appData(PeerKeys.RESTORING_BACKUP).orElse("latest"));
        try {
            seams.get().clusterState().deleteClusterState();
            dataDirectory().empty();
            new WorkloadService(seams.get().exec(), seams.get().layout().pebble()).start(WorkloadService.POSTGRESQL);
        } catch (postgresqlk8s.kubernetes.ClusterStateStore.ClusterStateException | WorkloadUnreachableException
                | WorkloadCommandException e) {
            LOG.warn("could not resume the restore yet: {}", e.getMessage());
            return HookOutcome.done();
        }
        stall().forget();
        facts.statuses().set(UnitStatuses.Concern.RESTORE, Status.maintenance(Messages.RESTORING_BACKUP));
        return HookOutcome.done();
    }

    /** Why the restore's stanza does not answer one bounded listing with these (complete) settings; empty when it answers. */
    private Optional<String> restoreRepositoryUnanswered(S3Gate settings) {
        StanzaName stanza = facts.appData(PeerKeys.RESTORE_STANZA).map(StanzaName::new).orElse(facts.stanzaName());
        return new Repository(seams.get(), stanza, settings.parameters()).unanswered(stanza);
    }

    private RestoreStall stall() {
        return new RestoreStall(facts.stored());
    }

    /**
     * Blocked; the database service is stopped, which ends a restore still running (Pebble stops a
     * service's whole process group: Patroni and the pgBackRest it runs) and keeps Pebble from starting a
     * failing bootstrap again.
     */
    private HookOutcome failed(String why) {
        LOG.error("restore failed: {}", why);
        stall().forget();
        try {
            new WorkloadService(seams.get().exec(), seams.get().layout().pebble()).stop(WorkloadService.POSTGRESQL);
        } catch (WorkloadUnreachableException | WorkloadCommandException e) {
            LOG.warn("could not stop the database service after the failed restore: {}", e.getMessage());
        }
        facts.statuses().set(UnitStatuses.Concern.RESTORE, Status.blocked(Messages.RESTORE_FAILED));
        return HookOutcome.done();
    }

    private DataDirectory dataDirectory() {
        return new DataDirectory(seams.get().exec(), seams.get().layout().dataDir());
    }

    boolean isRestoreInProgress() {
        return facts.appData(PeerKeys.RESTORING_BACKUP).isPresent() && facts.isLeader();
    }

    /** Is the database service running? Pebble's state of it; empty when the workload cannot be asked right now. */
    Optional<String> databaseServiceState() {
        try {
            return Optional.of(new WorkloadService(seams.get().exec(), seams.get().layout().pebble()).current(WorkloadService.POSTGRESQL));
        } catch (WorkloadUnreachableException | WorkloadCommandException e) {
            LOG.warn("cannot tell whether the database runs: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Not in the flowchart: the service exited and Pebble is starting it again ({@code backoff}), as it
     * does on a crash in production. That is not yet a failed restore: the unit stays restoring and the
     * next update-status looks again; only a service Pebble has kept restarting for
     * {@link RestoreStall#PATIENCE} fails the restore.
     */
    private HookOutcome restartedByPebble() {
        java.time.Duration restarting = stall().restartingFor(seams.get().clock().instant());
        if (stall().exhausted(restarting)) {
            LOG.error("restore failed: the database service keeps failing (Pebble has restarted it for {} s)", restarting.toSeconds());
            stall().forget();
            facts.statuses().set(UnitStatuses.Concern.RESTORE, Status.blocked(Messages.RESTORE_FAILED));
            return HookOutcome.done();
        }
        LOG.warn("restoring: the database service exited and Pebble starts it again (for {} s now); looking again on the next update-status",
                restarting.toSeconds());
        facts.statuses().set(UnitStatuses.Concern.RESTORE, Status.maintenance(Messages.RESTORING_BACKUP));
        return HookOutcome.done();
    }

    /** Patroni runs the member on a timeline newer than the one before the restore. */
    boolean hasRestoredClusterStarted() {
        Optional<MemberStatus> member = facts.member();
        if (member.isEmpty() || !member.get().isRunning() || !member.get().isPrimary()) {
            return false;
        }
        long before;
        try {
            Optional<String> recorded = facts.appData(PeerKeys.RESTORE_FROM_TIMELINE);
            before = recorded.isPresent() ? Long.parseLong(recorded.get()) : 0L;
        } catch (NumberFormatException e) {
            LOG.warn("peer data {} is not a timeline; taking any running primary as restored", PeerKeys.RESTORE_FROM_TIMELINE);
            before = 0;
        }
        return member.get().timeline() > before;
    }

    /** The restore succeeded from another stanza than this cluster's, which it now continues. */
    boolean continuesAnotherStanza() {
        return stanzaChanged;
    }

    private HookOutcome finish() {
        Map<String, String> keys = new java.util.HashMap<>(Map.of(PeerKeys.RESTORING_BACKUP, "", PeerKeys.RESTORE_STANZA, "",
                PeerKeys.RESTORE_TO_TIME, "", PeerKeys.RESTORE_TIMELINE, "", PeerKeys.RESTORE_FROM_TIMELINE, "",
                PeerKeys.RESTORE_COMMAND, ""));
        Optional<String> from = facts.appData(PeerKeys.RESTORE_STANZA);
        if (from.isPresent() && !from.get().equals(facts.stanzaName().value())) {
            // not in the flowchart: the database now has the other stanza's system identifier; continue that stanza
            LOG.info("restored from stanza {}: this cluster continues it", from.get());
            keys.put(PeerKeys.ADOPTED_STANZA, from.get().equals(facts.ownStanzaName().value()) ? "" : from.get());
            keys.put(PeerKeys.STANZA, "");
            stanzaChanged = true;
        }
        facts.putAppData(keys);
        stall().forget();
        new RestoreProgress(facts.stored()).forget();
        try {
            seams.get().patroniConfig().apply(PatroniConfig.Settings.normal(facts.stanza()));
        } catch (PatroniConfig.ConfigException e) {
            LOG.warn("restore done, but the bootstrap method could not be removed from Patroni's configuration: {}", e.getMessage());
        }
        LOG.info("restore succeeded");
        facts.statuses().clear(UnitStatuses.Concern.RESTORE); // the database's concern says Active again
        return HookOutcome.done();
    }
}
