package postgresqlk8s.backups;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.Event;
import jujuops.Framework;
import jujuops.Outcome;
import jujuops.model.ActionContext;
import jujuops.model.Status;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.kubernetes.ClusterStateStore;
import postgresqlk8s.patroni.PatroniConfig;
import postgresqlk8s.pgbackrest.BackupId;
import postgresqlk8s.pgbackrest.BackupRecord;
import postgresqlk8s.pgbackrest.PgBackRest;
import postgresqlk8s.pgbackrest.RestoreTarget;
import postgresqlk8s.s3.S3Requirer;
import postgresqlk8s.workload.DataDirectory;
import postgresqlk8s.workload.WorkloadCommandException;
import postgresqlk8s.workload.WorkloadService;
import postgresqlk8s.workload.WorkloadUnreachableException;

/**
 * The "restore" flowchart: after the checks, stop the database, remove Patroni's cluster state, empty
 * the data directory, and start it again with Patroni bootstrapping from the backup. update-status then
 * tells how it went ({@link RestoreOutcomeCheck}).
 */
public final class RestoreFlow {

    private static final Logger LOG = Logs.get(RestoreFlow.class);

    private final Framework framework;
    private final ClusterFacts facts;
    private final S3Requirer s3;
    private final Seams seams;

    RestoreFlow(Framework framework, ClusterFacts facts, S3Requirer s3, Seams seams) {
        this.framework = framework;
        this.facts = facts;
        this.s3 = s3;
        this.seams = seams;
    }

    /** The action's two parameters, read once. */
    record Request(Optional<String> backupId, Optional<String> restoreToTime) {}

    public Outcome handle(Event event) {
        ActionContext action = framework.action().orElseThrow();
        Request request = new Request(param(action, "backup-id"), param(action, "restore-to-time"));
        Optional<String> refused = firstFailedCheck(request);
        if (refused.isPresent()) {
            LOG.warn("restore refused: {}", refused.get());
            return Outcome.fail(refused.get());
        }
        Repository repository = new Repository(seams, facts.stanzaName(), new S3Gate(s3).parameters());
        Optional<RestoreTarget> target;
        try {
            target = validTarget(request, repository);
        } catch (Repository.RepositoryException e) {
            return Outcome.fail(Messages.LIST_FAILED + e.getMessage());
        }
        if (target.isEmpty()) {
            return Outcome.fail(Messages.INVALID_BACKUP_ID + request.backupId().orElse(""));
        }
        return restore(action, target.get(), repository.pgbackrest());
    }

    /** The refusals before anything is touched, in flowchart order. */
    Optional<String> firstFailedCheck(Request request) {
        if (!hasUserProvidedBackupId(request)) {
            return Optional.of(Messages.NO_RESTORE_TARGET);
        }
        if (request.restoreToTime().isPresent() && !RestoreTarget.isValidTime(request.restoreToTime().get())) {
            return Optional.of(Messages.BAD_RESTORE_TIME);
        }
        Optional<String> s3Failure = new S3Gate(s3).failure();
        if (s3Failure.isPresent()) {
            return s3Failure;
        }
        if (!isWorkloadContainerAccessible()) {
            return Optional.of(Messages.WORKLOAD_NOT_READY);
        }
        if (isUnitBlocked()) {
            return Optional.of(Messages.CLUSTER_BLOCKED);
        }
        if (!isSingleUnitCluster()) {
            return Optional.of(Messages.MORE_THAN_ONE_UNIT);
        }
        if (!isLeader()) {
            return Optional.of(Messages.NOT_LEADER);
        }
        return Optional.empty();
    }

    boolean hasUserProvidedBackupId(Request request) {
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

    /** "Is backup id valid?": well formed, and a finished backup of this stanza. Empty when not. */
    Optional<RestoreTarget> validTarget(Request request, Repository repository) throws Repository.RepositoryException {
        if (request.backupId().isEmpty()) {
            return Optional.of(new RestoreTarget(Optional.empty(), request.restoreToTime(), Optional.empty()));
        }
        Optional<BackupId> id = BackupId.parse(request.backupId().get());
        if (id.isEmpty()) {
            return Optional.empty();
        }
        List<BackupRecord> backups = repository.backups();
        for (BackupRecord b : backups) {
            if (!b.failed() && b.id().equals(id.get())) {
                Optional<String> timeline = request.restoreToTime().isPresent() && !b.timeline().isEmpty()
                        ? Optional.of(b.timeline()) : Optional.empty();
                return Optional.of(new RestoreTarget(Optional.of(b.label()), request.restoreToTime(), timeline));
            }
        }
        return Optional.empty();
    }

    private Outcome restore(ActionContext action, RestoreTarget target, PgBackRest pgbackrest) {
        framework.model().setUnitStatus(Status.maintenance(Messages.RESTORING_BACKUP));
        long timelineBefore = facts.member().map(m -> m.timeline()).orElse(0L);
        WorkloadService services = new WorkloadService(seams.exec(), seams.layout().pebble());
        try {
            action.log("Stopping the database");
            services.stop(WorkloadService.POSTGRESQL);
        } catch (WorkloadUnreachableException | WorkloadCommandException e) {
            return Outcome.fail(Messages.STOP_FAILED + e.getMessage()).withStatus(Status.active());
        }
        Optional<String> failure = removePreviousCluster(action);
        if (failure.isPresent()) {
            return startDatabaseAgain(services, failure.get());
        }
        // From here the old cluster is gone: starting the database without the restore method would
        // create a new, empty cluster. On failure it stays stopped, Blocked, and a new restore can follow.
        try {
            configureRestore(target, pgbackrest, timelineBefore);
        } catch (PatroniConfig.ConfigException e) {
            return Outcome.fail(Messages.CONFIGURE_RESTORE_FAILED + e.getMessage()).withStatus(Status.blocked(Messages.RESTORE_FAILED));
        }
        try {
            action.log("Starting the database to restore " + target.backup().map(Object::toString).orElse("to the target time"));
            services.start(WorkloadService.POSTGRESQL);
        } catch (WorkloadUnreachableException | WorkloadCommandException e) {
            return Outcome.fail(Messages.START_FAILED + e.getMessage()).withStatus(Status.blocked(Messages.RESTORE_FAILED));
        }
        return Outcome.results(Map.of("restore-status", Messages.RESTORE_STARTED));
    }

    /** "Was previous cluster info removed?" then "Was the data directory emptied?"; the failure, if any. */
    private Optional<String> removePreviousCluster(ActionContext action) {
        try {
            action.log("Removing the previous cluster information");
            seams.clusterState().deleteClusterState();
        } catch (ClusterStateStore.ClusterStateException e) {
            return Optional.of(Messages.CLUSTER_INFO_FAILED + e.getMessage());
        }
        try {
            action.log("Emptying the data directory");
            new DataDirectory(seams.exec(), seams.layout().dataDir()).empty();
        } catch (WorkloadUnreachableException | WorkloadCommandException e) {
            return Optional.of(Messages.DATA_DIR_FAILED + e.getMessage());
        }
        return Optional.empty();
    }

    private Outcome startDatabaseAgain(WorkloadService services, String failure) {
        try {
            services.start(WorkloadService.POSTGRESQL);
            return Outcome.fail(failure).withStatus(Status.active());
        } catch (WorkloadUnreachableException | WorkloadCommandException e) {
            LOG.error("could not start the database again: {}", e.getMessage());
            return Outcome.fail(failure).withStatus(Status.blocked(Messages.RESTORE_FAILED));
        }
    }

    private void configureRestore(RestoreTarget target, PgBackRest pgbackrest, long timelineBefore)
            throws PatroniConfig.ConfigException {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put(PeerKeys.RESTORING_BACKUP, target.backup().map(Object::toString).orElse("latest"));
        keys.put(PeerKeys.RESTORE_STANZA, pgbackrest.stanza().value());
        keys.put(PeerKeys.RESTORE_TO_TIME, target.time().orElse(""));
        keys.put(PeerKeys.RESTORE_FROM_TIMELINE, timelineBefore > 0 ? Long.toString(timelineBefore) : "");
        facts.putAppData(keys);
        seams.patroniConfig().apply(new PatroniConfig.Settings(
                facts.stanza(), Optional.of(pgbackrest.restoreCommand(target)), true));
    }

    private static Optional<String> param(ActionContext action, String key) {
        Object v = action.params().get(key);
        if (v == null) {
            return Optional.empty();
        }
        return Optional.of(v.toString()).filter(s -> !s.isBlank());
    }
}
