package postgresqlk8s.backups;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.Event;
import jujuops.Framework;
import jujuops.ActionOutcome;
import jujuops.model.ActionContext;
import jujuops.model.Status;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.cluster.UnitStatuses;
import postgresqlk8s.kubernetes.ClusterStateStore;
import postgresqlk8s.patroni.MemberStatus;
import postgresqlk8s.patroni.PatroniConfig;
import postgresqlk8s.pgbackrest.BackupId;
import postgresqlk8s.pgbackrest.BackupRecord;
import postgresqlk8s.pgbackrest.PgBackRest;
import postgresqlk8s.pgbackrest.RestoreTarget;
import postgresqlk8s.pgbackrest.StanzaName;
import postgresqlk8s.pgbackrest.Timeline;
import postgresqlk8s.s3.S3Requirer;
import postgresqlk8s.workload.Command;
import postgresqlk8s.workload.DataDirectory;
import postgresqlk8s.workload.ExecResult;
import postgresqlk8s.workload.WorkloadCommandException;
import postgresqlk8s.workload.WorkloadLayout;
import postgresqlk8s.workload.WorkloadService;
import postgresqlk8s.workload.WorkloadUnreachableException;

/**
 * The "restore" flowchart: after the checks, stop the database, remove Patroni's cluster state, empty
 * the data directory, and start it again with Patroni bootstrapping from the backup. The action then
 * follows the restore in its log while the backup's files are written ({@link RestoreFollow}), and
 * update-status tells how it went ({@link RestoreOutcomeCheck}). {@link #firstRefusal} and {@link #restore} ask the
 * chart's diamonds in its order, one boolean method each; the checks the port adds are marked where they
 * run. Where the flow differs from the chart, and why:
 * <ul>
 * <li>"Has user provided a backup id?" also counts a {@code restore-to-time} alone (a point-in-time
 *     restore from the latest backup), as the reference's words say.</li>
 * <li>The restore-to-time format and the S3 settings are checked after "Is current unit leader?" and
 *     before "Is backup id valid?", which needs the repository.</li>
 * <li>After the data directory is emptied, a failure to configure Patroni or to start the database
 *     leaves the database stopped and the unit Blocked: starting it without the restore method would
 *     create a new, empty cluster. The chart has no edge there.</li>
 * <li>After the start, the action follows the restore before it returns its result, unchanged: the
 *     chart ends at the start, and the reference's action returns there, with nothing to show for
 *     minutes on a big backup.</li>
 * </ul>
 */
final class RestoreFlow {

    private static final Logger LOG = Logs.get(RestoreFlow.class);

    private final Framework framework;
    private final ClusterFacts facts;
    private final S3Requirer s3;
    private final Seams seams;
    /** What "Is backup id valid?" found: the base backup, the time and the timeline, when it is. */
    private Optional<RestorePlan.Plan> plan = Optional.empty();
    /** The stanza the backup is in, when not this cluster's: another cluster's, listed because ours is absent. */
    private Optional<StanzaName> source = Optional.empty();
    /** How long the archive check before a restore may take: the WAL switch, then its archiving. */
    static final java.time.Duration COMMIT_DEADLINE = java.time.Duration.ofSeconds(20);
    /** The error of the last step that failed, for the refusal's words. */
    private String failure = "";

    RestoreFlow(Framework framework, ClusterFacts facts, S3Requirer s3, Seams seams) {
        this.framework = framework;
        this.facts = facts;
        this.s3 = s3;
        this.seams = seams;
    }

    /** The action's two parameters, read once. */
    record Request(Optional<String> backupId, Optional<String> restoreToTime) {}

    public ActionOutcome handle(Event event) {
        ActionContext action = framework.action().orElseThrow();
        Request request = new Request(param(action, "backup-id"), param(action, "restore-to-time"));
        S3Gate gate = new S3Gate(s3);
        Optional<String> refused = firstRefusal(request, gate);
        if (refused.isPresent()) {
            LOG.warn("restore refused: {}", refused.get());
            return ActionOutcome.fail(refused.get());
        }
        Repository repository = new Repository(seams, facts.stanzaName(), gate.parameters());
        try {
            if (!isBackupIdValid(request, repository)) {
                return ActionOutcome.fail(failure);
            }
            if (!canTheTargetBeReached(repository)) {
                // not in the flowchart: a restore that cannot succeed is refused while the database still runs
                return ActionOutcome.fail(failure);
            }
        } catch (Repository.RepositoryException e) {
            // not in the flowchart: the repository could not be read, so the id can be neither valid nor invalid
            return ActionOutcome.fail(Refusal.LIST_FAILED.words(e.getMessage()));
        }
        action.log("Restoring " + describe(plan.orElseThrow()));
        // not in the flowchart: a backup of another cluster's stanza is restored from that stanza (restore-stanza)
        PgBackRest from = source.map(repository::pgbackrest).orElse(repository.pgbackrest());
        return restore(action, plan.orElseThrow().target(), from);
    }

    /** The chart's questions before anything is touched, in its order, with the port's checks marked. */
    Optional<String> firstRefusal(Request request, S3Gate gate) {
        if (!hasUserProvidedABackupId(request)) {
            return Optional.of(Refusal.NO_RESTORE_TARGET.words());
        }
        if (!isWorkloadContainerAccessible()) {
            return Optional.of(Refusal.WORKLOAD_NOT_READY.words());
        }
        if (isUnitBlocked()) {
            return Optional.of(Refusal.CLUSTER_BLOCKED.words());
        }
        if (!isSingleUnitCluster()) {
            return Optional.of(Refusal.MORE_THAN_ONE_UNIT.words());
        }
        if (!isLeader()) {
            return Optional.of(Refusal.NOT_LEADER.words());
        }
        if (!isRestoreToTimeWellFormed(request)) {
            // not in the flowchart: the time goes into pgBackRest's command and PostgreSQL's recovery; a bad
            // one must be refused before the data directory is emptied, not found by the recovery after it
            return Optional.of(Refusal.BAD_RESTORE_TIME.words());
        }
        if (!gate.isS3RelationEstablished()) {
            // not in the flowchart: "Is backup id valid?" reads the repository, which needs the S3 relation
            return Optional.of(Refusal.S3_RELATION_MISSING.words());
        }
        if (gate.hasMissingS3Parameters()) {
            // not in the flowchart: as above, the repository needs the settings
            return Optional.of(Refusal.MISSING_S3_PARAMETERS.words(gate.missingNames()));
        }
        if (gate.hasInvalidS3Parameters()) {
            // not in the flowchart: all there but pgBackRest cannot use them; say which
            return Optional.of(Refusal.INVALID_S3_PARAMETERS.words(gate.invalidReason()));
        }
        return Optional.empty();
    }

    /** A backup id, or a restore-to-time alone; blank values count as none. */
    boolean hasUserProvidedABackupId(Request request) {
        return request.backupId().isPresent() || request.restoreToTime().isPresent();
    }

    boolean isWorkloadContainerAccessible() {
        return new WorkloadService(seams.exec(), seams.layout().pebble()).reachable();
    }

    /** Blocked, unless by a failed restore or another cluster's repository, which a restore is meant to fix. */
    boolean isUnitBlocked() {
        Status status = facts.unitStatus();
        return status.is(Status.Kind.BLOCKED)
                && !status.message().equals(Messages.RESTORE_FAILED)
                && !status.message().equals(Messages.ANOTHER_CLUSTER);
    }

    boolean isSingleUnitCluster() {
        return facts.singleUnit();
    }

    boolean isLeader() {
        return facts.isLeader();
    }

    /** No time given, or one PostgreSQL accepts (or {@code latest}). */
    boolean isRestoreToTimeWellFormed(Request request) {
        return request.restoreToTime().map(RestoreTarget::isValidTime).orElse(true);
    }

    /**
     * "Is backup id valid?": the backup-id names a finished backup of this stanza (or a timeline that
     * list-backups shows, with a time), and the time and timeline lead to a base backup
     * ({@link RestorePlan}). Keeps the plan when it is, the refusal's words in {@link #failure} when not.
     * The stanza is this cluster's, or the one other cluster's the repository holds when it has none of
     * ours ({@link Repository#listing}).
     */
    boolean isBackupIdValid(Request request, Repository repository) throws Repository.RepositoryException {
        Repository.Listing listing = repository.listing();
        StanzaName stanza = listing.stanza();
        source = Optional.of(stanza).filter(s -> !s.equals(repository.pgbackrest().stanza()));
        backups = listing.backups();
        // a backup-id that names a backup needs no timelines; one that may name a timeline, or a time alone, does
        boolean mayNameATimeline = request.backupId().map(id -> !isBackupOf(id)).orElse(true);
        List<Timeline> timelines = mayNameATimeline ? repository.timelines(stanza) : List.of();
        RestorePlan planner = new RestorePlan(backups, timelines, tl -> repository.history(stanza, tl));
        try {
            plan = Optional.of(planner.plan(request.backupId(), request.restoreToTime()));
            return true;
        } catch (RestorePlan.NoRestore e) {
            failure = e.getMessage();
            return false;
        }
    }

    /** The stanza's backups, read once for the questions that need them. */
    private List<BackupRecord> backups = List.of();

    private boolean isBackupOf(String id) {
        return backups.stream().anyMatch(b -> b.id().value().equals(id));
    }

    /**
     * Not in the flowchart: whether the restore can reach its target, asked before the database is
     * stopped. A time must lie in the archived WAL of its timeline. On the timeline the database runs on,
     * the WAL up to now is archived first (a commit, then pgBackRest's check, which switches the WAL
     * segment and waits for it to be archived), so a time up to now, or latest, finds every transaction
     * committed before the restore; a time later than that is refused. On an older timeline the time must
     * not be after its newest archived segment. When not, {@link #failure} says why. A restore of a backup
     * alone archives the WAL up to now too, but goes on when it cannot: a restore may be what fixes it.
     */
    boolean canTheTargetBeReached(Repository repository) throws Repository.RepositoryException {
        RestorePlan.Plan p = plan.orElseThrow();
        if (p.target().time().isEmpty()) {
            // A backup alone: it is finished, so it can be restored. The history it replaces stays
            // recoverable to its last commit if its WAL is archived first; when that fails, say so and go on.
            if (source.isEmpty() && isTheRunningTimeline(facts.member().map(MemberStatus::timeline).orElse(-1L))) {
                archiveUpToNow(repository).ifPresent(why -> LOG.warn(
                        "the WAL since the last archived segment was not archived before the restore: {}", why));
            }
            return true;
        }
        Optional<java.time.Instant> at = p.target().instant();
        java.time.Instant end;
        if (source.isEmpty() && isTheRunningTimeline(p.timeline())) {
            Optional<String> notArchived = archiveUpToNow(repository);
            if (notArchived.isPresent()) {
                failure = Refusal.ARCHIVE_NOT_CURRENT.words(notArchived.get());
                return false;
            }
            end = seams.clock().instant();
        } else {
            if (at.isEmpty()) {
                return true; // latest on an older timeline: whatever its archive holds
            }
            Optional<Long> newest = repository.archiveEnd(source.orElse(repository.pgbackrest().stanza()), p.timeline());
            end = java.time.Instant.ofEpochSecond(newest.orElse(Long.MIN_VALUE / 2));
        }
        if (at.isPresent() && at.get().isAfter(end)) {
            failure = Refusal.TIME_AFTER_ARCHIVE_END.words(p.target().time().get() + " is after the end of the archived WAL on timeline "
                    + Timeline.text(p.timeline()) + " (" + BackupId.ofEpochSecond(end.getEpochSecond()) + ")");
            return false;
        }
        return true;
    }

    /** This unit's database runs, and on that timeline (of this cluster's stanza: another's numbers name other timelines). */
    private boolean isTheRunningTimeline(long timeline) {
        Optional<MemberStatus> member = facts.member();
        return member.isPresent() && member.get().isRunning() && member.get().timeline() == timeline;
    }

    /** A commit, then pgBackRest's check: empty when the WAL up to now is in the archive, else why not. */
    private Optional<String> archiveUpToNow(Repository repository) {
        WorkloadLayout layout = seams.layout();
        try {
            ExecResult commit = seams.exec().run(Command.asPostgres(COMMIT_DEADLINE, layout.pgBinDir() + "/psql",
                    "-h", layout.pgSocketDir(), "-p", Integer.toString(layout.pgPort()), "-d", "postgres",
                    "-X", "-A", "-t", "-c", "select txid_current()"));
            if (!commit.succeeded()) {
                return Optional.of(repository.hint(commit));
            }
            ExecResult check = repository.pgbackrest().check();
            return check.succeeded() ? Optional.empty() : Optional.of(repository.hint(check));
        } catch (WorkloadUnreachableException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static String describe(RestorePlan.Plan p) {
        StringBuilder s = new StringBuilder();
        s.append(p.base().map(b -> "backup " + b.id()).orElse("the latest backup"));
        p.target().time().ifPresent(t -> s.append(t.equals(RestoreTarget.LATEST) ? " to the end of the archived WAL" : " to " + t));
        if (p.timeline() > 0) {
            s.append(" on timeline ").append(Timeline.text(p.timeline()));
        }
        return s.toString();
    }

    private ActionOutcome restore(ActionContext action, RestoreTarget target, PgBackRest pgbackrest) {
        facts.statuses().set(UnitStatuses.Concern.RESTORE, Status.maintenance(Messages.RESTORING_BACKUP));
        new RestoreStall(facts.stored()).forget(); // an earlier restore's watch says nothing of this one
        RestoreProgress progress = new RestoreProgress(facts.stored());
        progress.expect(plan.flatMap(RestorePlan.Plan::base)
                .map(postgresqlk8s.pgbackrest.BackupRecord::databaseBytes).orElse(java.util.OptionalLong.empty()));
        framework.model().setUnitStatus(Status.maintenance(Messages.RESTORING_BACKUP)); // shown while the action runs
        long timelineBefore = facts.member().map(m -> m.timeline()).orElse(0L);
        WorkloadService services = new WorkloadService(seams.exec(), seams.layout().pebble());
        action.log("Stopping the database");
        if (!hasDatabaseStopped(services)) {
            return restoreAbandoned(Refusal.STOP_FAILED.words(failure));
        }
        action.log("Removing the previous cluster information");
        if (!wasPreviousClusterInfoRemoved()) {
            return startDatabaseAgain(services, Refusal.CLUSTER_INFO_FAILED.words(failure));
        }
        action.log("Emptying the data directory");
        if (!wasDataDirectoryEmptied()) {
            return startDatabaseAgain(services, Refusal.DATA_DIR_FAILED.words(failure));
        }
        // From here the old cluster is gone: starting the database without the restore method would
        // create a new, empty cluster. On failure it stays stopped, Blocked, and a new restore can follow.
        try {
            configureRestore(target, pgbackrest, timelineBefore);
        } catch (PatroniConfig.ConfigException e) {
            // not in the flowchart: Patroni may refuse the configuration
            return restoreFailed(Refusal.CONFIGURE_RESTORE_FAILED.words(e.getMessage()));
        }
        java.time.Instant announced = seams.clock().instant();
        try {
            action.log("Starting the database to restore " + target.backup().map(Object::toString).orElse("to the target time"));
            services.start(WorkloadService.POSTGRESQL);
        } catch (WorkloadUnreachableException | WorkloadCommandException e) {
            // not in the flowchart: Pebble may fail to start the service
            return restoreFailed(Refusal.START_FAILED.words(e.getMessage()));
        }
        // not in the flowchart: the action tells how far the restore is while its files are written
        new RestoreFollow(seams, progress, action::log).follow(announced);
        return ActionOutcome.results(Map.of("restore-status", Messages.RESTORE_STARTED));
    }

    boolean hasDatabaseStopped(WorkloadService services) {
        try {
            services.stop(WorkloadService.POSTGRESQL);
            return true;
        } catch (WorkloadUnreachableException | WorkloadCommandException e) {
            failure = e.getMessage();
            return false;
        }
    }

    /** Patroni's Kubernetes DCS state (its Endpoints objects) deleted. */
    boolean wasPreviousClusterInfoRemoved() {
        try {
            seams.clusterState().deleteClusterState();
            return true;
        } catch (ClusterStateStore.ClusterStateException e) {
            failure = e.getMessage();
            return false;
        }
    }

    boolean wasDataDirectoryEmptied() {
        try {
            new DataDirectory(seams.exec(), seams.layout().dataDir()).empty();
            return true;
        } catch (WorkloadUnreachableException | WorkloadCommandException e) {
            failure = e.getMessage();
            return false;
        }
    }

    /** "Start database again", then the refusal; Blocked when even that fails. */
    private ActionOutcome startDatabaseAgain(WorkloadService services, String refusal) {
        try {
            services.start(WorkloadService.POSTGRESQL);
            return restoreAbandoned(refusal);
        } catch (WorkloadUnreachableException | WorkloadCommandException e) {
            LOG.error("could not start the database again: {}", e.getMessage());
            return restoreFailed(refusal);
        }
    }

    /** Nothing was lost: the database runs the old cluster again, and the restore has nothing to say. */
    private ActionOutcome restoreAbandoned(String refusal) {
        facts.statuses().clear(UnitStatuses.Concern.RESTORE);
        return ActionOutcome.fail(refusal);
    }

    /** The old cluster is gone or stopped: Blocked until a restore succeeds. */
    private ActionOutcome restoreFailed(String refusal) {
        facts.statuses().set(UnitStatuses.Concern.RESTORE, Status.blocked(Messages.RESTORE_FAILED));
        return ActionOutcome.fail(refusal);
    }

    private void configureRestore(RestoreTarget target, PgBackRest pgbackrest, long timelineBefore)
            throws PatroniConfig.ConfigException {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put(PeerKeys.RESTORING_BACKUP, target.backup().map(Object::toString).orElse("latest"));
        keys.put(PeerKeys.RESTORE_STANZA, pgbackrest.stanza().value());
        keys.put(PeerKeys.RESTORE_TO_TIME, target.time().orElse(""));
        keys.put(PeerKeys.RESTORE_TIMELINE, target.time().isPresent() ? target.timeline().orElse("") : "");
        keys.put(PeerKeys.RESTORE_FROM_TIMELINE, timelineBefore > 0 ? Long.toString(timelineBefore) : "");
        String command = pgbackrest.restoreCommand(target);
        keys.put(PeerKeys.RESTORE_COMMAND, command);
        facts.putAppData(keys);
        seams.patroniConfig().apply(new PatroniConfig.Settings(facts.stanza(), Optional.of(command), true));
    }

    private static Optional<String> param(ActionContext action, String key) {
        Object v = action.params().get(key);
        if (v == null) {
            return Optional.empty();
        }
        return Optional.of(v.toString()).filter(s -> !s.isBlank());
    }
}
