package postgresqlk8s.backups;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.Event;
import jujuops.Framework;
import jujuops.ActionOutcome;
import jujuops.model.ActionContext;
import jujuops.model.Status;
import postgresqlk8s.patroni.MemberStatus;
import postgresqlk8s.patroni.Patroni;
import postgresqlk8s.patroni.PatroniConfig;
import postgresqlk8s.pgbackrest.BackupId;
import postgresqlk8s.pgbackrest.BackupLabel;
import postgresqlk8s.pgbackrest.BackupRecord;
import postgresqlk8s.pgbackrest.BackupType;
import postgresqlk8s.pgbackrest.LockHolders;
import postgresqlk8s.pgbackrest.PgBackRest;
import postgresqlk8s.s3.ObjectStoreException;
import postgresqlk8s.s3.S3Parameters;
import postgresqlk8s.s3.S3Requirer;
import postgresqlk8s.workload.ExecResult;
import postgresqlk8s.workload.WorkloadUnreachableException;

/**
 * The "create-backup" flowchart. {@link #handle} and {@link #firstRefusal} ask its diamonds in chart
 * order, one boolean method each, named after the chart's question; the checks the port adds are marked
 * where they run. Where the flow differs from the chart, and why:
 * <ul>
 * <li>The chart sets Active only on the primary's branch of the last "Is current unit a replica?"; here
 *     both branches end the backup's Maintenance the same way: the unit's concerns ({@code UnitStatuses})
 *     say its status again at the end of the action, Active when nothing is wrong (the Python charm sets
 *     Active on both branches).</li>
 * <li>The chart fails or finishes the action before that last question; here the action's result is
 *     returned, and so applied, after connections are allowed again: one place applies outcomes, and a
 *     replica must not stay closed to clients whatever the backup's fate.</li>
 * <li>"Upload error logs to S3" has no diamond: its failure is logged, and the action fails with the
 *     backup's error, which is what the user needs.</li>
 * </ul>
 */
final class CreateBackupFlow {

    private static final Logger LOG = Logs.get(CreateBackupFlow.class);
    private static final Pattern NEW_LABEL = Pattern.compile("new backup label = (\\S+)");
    /** How long to wait for Patroni to apply a change of connectivity: past two of its 10 s cycles. */
    static final int CONNECTIVITY_POLLS = 25;
    static final java.time.Duration CONNECTIVITY_POLL = java.time.Duration.ofSeconds(1);
    /** The step of the pause before a backup that met another unit's at its start tries again ({@link #collisionPause}). */
    static final java.time.Duration COLLISION_PAUSE = java.time.Duration.ofSeconds(5);
    /** After the reason a backup's exec was lost: pgBackRest in the pod may outlive the exec. */
    static final String MAY_RUN_ON = "; pgBackRest may still be running in the pod, and a backup is refused until it ends";
    static final String LOCK_HELD = "another pgBackRest backup of %s is still running in this unit's pod (it holds pgBackRest's lock);"
            + " try again once it ends";
    /** As {@link #LOCK_HELD}, where peers' backups take this pod's lock too, through its TLS server ({@link LockHolders}). */
    static final String LOCK_HELD_IN_CLUSTER = "another backup of %s is running, on another unit or still on this one"
            + " (pgBackRest's lock in this unit's pod is held); only one backup of the cluster runs at a time, try again once it ends";
    static final String ANOTHER_UNIT_BACKS_UP = "another unit's backup of %s is running (pgBackRest's lock on %s is held);"
            + " only one backup of the cluster runs at a time, try again once it ends";

    private final Framework framework;
    private final ClusterFacts facts;
    private final S3Requirer s3;
    private final Seams seams;
    /** The repository's error when a differential or incremental backup could not look for its full one. */
    private Optional<String> listFailure = Optional.empty();

    CreateBackupFlow(Framework framework, ClusterFacts facts, S3Requirer s3, Seams seams) {
        this.framework = framework;
        this.facts = facts;
        this.s3 = s3;
        this.seams = seams;
    }

    public ActionOutcome handle(Event event) {
        ClientsAhead ahead = ClientsAhead.start(seams);
        ActionContext action = framework.action().orElseThrow();
        String typeParam = action.params().getOrDefault("type", "full").toString();
        Optional<BackupType> type = BackupType.fromParam(typeParam);
        if (type.isEmpty()) {
            // not in the flowchart: the action's own parameter, refused before any question as the reference does
            ahead.cancel();
            return ActionOutcome.fail(Refusal.INVALID_BACKUP_TYPE.words(typeParam));
        }
        // Read first (reads only; the checks below still decide in flowchart order) so that the other
        // core can open the S3 connection the metadata upload will reuse while this one asks Juju.
        S3Gate gate = new S3Gate(s3);
        ahead.s3Settings(gate.isComplete() ? Optional.of(gate.parameters()) : Optional.<S3Parameters>empty());
        Optional<String> refused = firstRefusal(gate);
        if (refused.isPresent()) {
            LOG.warn("create-backup refused: {}", refused.get());
            return ActionOutcome.fail(refused.get());
        }
        S3Parameters settings = gate.parameters();
        Repository repository = new Repository(seams, facts.stanzaName(), settings);
        if (!hasAFullBackupToReference(type.get(), repository)) {
            // not in the flowchart: pgBackRest would silently take a full backup instead; the reference refuses
            return ActionOutcome.fail(listFailure.map(Refusal.LIST_FAILED::words)
                    .orElse(Refusal.NO_FULL_BACKUP_TO_REFERENCE.words(type.get().param())));
        }
        BackupId requested = BackupId.of(LocalDateTime.now(seams.clock().withZone(ZoneOffset.UTC)));
        if (!couldUploadMetadataToS3(settings, requested)) {
            return ActionOutcome.fail(Refusal.METADATA_UPLOAD_FAILED.words());
        }
        return backUp(action, type.get(), settings, repository, requested);
    }

    /** The chart's questions before anything is touched, in its order, with the port's checks marked. */
    private Optional<String> firstRefusal(S3Gate gate) {
        if (isUnitBlocked()) {
            return Optional.of(Refusal.UNIT_BLOCKED.words());
        }
        if (!canTellThisUnitsRole()) {
            // not in the flowchart: the two role questions ask Patroni; in a cluster of several units a
            // silent Patroni leaves the role unknown, and the reference answers that the database is offline
            return Optional.of(Refusal.DATABASE_OFFLINE.words());
        }
        if (isPrimaryInATlsEnabledMultiUnitCluster()) {
            return Optional.of(Refusal.UNIT_IS_PRIMARY.words());
        }
        if (isReplicaWithTlsDisabled()) {
            return Optional.of(Refusal.TLS_NOT_ENABLED.words());
        }
        if (!hasStanzaBeenInitialised()) {
            return Optional.of(Refusal.STANZA_NOT_INITIALISED.words());
        }
        if (!gate.isS3RelationEstablished()) {
            return Optional.of(Refusal.S3_RELATION_MISSING.words());
        }
        if (gate.hasMissingS3Parameters()) {
            return Optional.of(Refusal.MISSING_S3_PARAMETERS.words(gate.missingNames()));
        }
        if (gate.hasInvalidS3Parameters()) {
            // not in the flowchart: the values are all there but pgBackRest cannot use them; say which
            return Optional.of(Refusal.INVALID_S3_PARAMETERS.words(gate.invalidReason()));
        }
        if (!isDatabaseOnline()) {
            // not in the flowchart: a single unit passes the role questions without Patroni; pgBackRest still needs the database
            return Optional.of(Refusal.DATABASE_OFFLINE.words());
        }
        if (!isDatabaseRunning()) {
            // not in the flowchart: the reference refuses a member Patroni has not started
            return Optional.of(Refusal.NOT_RUNNING.words());
        }
        return Optional.empty();
    }

    boolean isUnitBlocked() {
        return facts.isBlocked();
    }

    /** Patroni says what this member is, or the cluster has one unit (whose role is then not asked). */
    boolean canTellThisUnitsRole() {
        return facts.member().isPresent() || facts.singleUnit();
    }

    /** Backups on the primary of a multi-unit TLS cluster go to a replica instead. */
    boolean isPrimaryInATlsEnabledMultiUnitCluster() {
        return facts.tlsEnabled() && !facts.singleUnit() && facts.member().map(MemberStatus::isPrimary).orElse(false);
    }

    /**
     * A replica needs TLS to ask the primary to push the WAL its backup depends on. Patroni answers from
     * this pod; Juju's goal-state is a hook-tool call: a primary backs itself up whatever the number of
     * units, so the usual case needs no goal-state.
     */
    boolean isReplicaWithTlsDisabled() {
        return !facts.tlsEnabled() && isReplica() && !facts.singleUnit();
    }

    boolean hasStanzaBeenInitialised() {
        return facts.stanza().isPresent();
    }

    boolean isDatabaseOnline() {
        return facts.member().isPresent();
    }

    boolean isDatabaseRunning() {
        return facts.member().map(MemberStatus::isRunning).orElse(false);
    }

    /** Differential and incremental backups need a full one to build on; a full one needs none. */
    boolean hasAFullBackupToReference(BackupType type, Repository repository) {
        if (type == BackupType.FULL) {
            return true;
        }
        try {
            List<BackupRecord> backups = repository.backups();
            return backups.stream().anyMatch(b -> !b.failed() && b.type() == BackupType.FULL);
        } catch (Repository.RepositoryException e) {
            listFailure = Optional.of(e.getMessage());
            return false;
        }
    }

    /** "Was it possible to upload metadata file to test connectivity to S3?" */
    boolean couldUploadMetadataToS3(S3Parameters settings, BackupId requested) {
        String metadata = "Date Backup Requested: " + requested + "\n"
                + "Model Name: " + framework.model().modelName() + "\n"
                + "Application Name: " + framework.model().appName() + "\n"
                + "Unit Name: " + framework.model().unitName() + "\n"
                + "Juju Version: " + framework.context().jujuVersion() + "\n";
        try {
            seams.objectStore().put(settings, settings.key("backup/" + facts.stanzaName() + "/latest"), metadata);
            return true;
        } catch (ObjectStoreException e) {
            LOG.warn("S3 connectivity probe failed: {}",
                    settings.redactor().apply(e.getMessage()));
            return false;
        }
    }

    private ActionOutcome backUp(ActionContext action, BackupType type, S3Parameters settings, Repository repository, BackupId requested) {
        // Asked once, before the backup: a failover during it may make this unit the primary, and the
        // connections it blocked must be allowed again all the same.
        boolean replica = isReplica();
        if (replica) {
            setConnectivity(false);
        }
        try {
            framework.model().setUnitStatus(Status.maintenance(Messages.CREATING_BACKUP));
            action.log("Creating " + (type == BackupType.INCREMENTAL ? "an " : "a ") + type.action() + " of " + facts.stanzaName());
            // Both branches of the chart's last "Is current unit a replica?" end the maintenance status: the
            // unit's concerns say again what it is (Active when nothing is wrong; see the class comment).
            return backUpAndUploadLogs(action, type, settings, repository, requested, replica);
        } finally {
            // Every way out, an exception's too. A process killed before this line leaves Patroni's
            // configuration refusing connections: ConnectionsHeal allows them again on the next update-status.
            if (replica) {
                setConnectivity(true);
            }
        }
    }

    /** "Has backup creation succeeded?" then "Were backup logs uploaded to S3?" (or the error logs uploaded). */
    private ActionOutcome backUpAndUploadLogs(ActionContext action, BackupType type, S3Parameters settings, Repository repository,
            BackupId requested, boolean replica) {
        BackupWatch.Ending ending;
        try {
            ending = backUp(action, type, repository, replica);
            if (startedAtOnceWithAnotherUnit(ending)) {
                java.time.Duration pause = collisionPause(facts.unitName());
                LOG.info("another unit's backup held a lock this backup needed as it started; trying once more in {} s", pause.toSeconds());
                action.log("Another unit's backup started at the same moment; trying once more in " + pause.toSeconds() + " s");
                seams.pause().pause(pause);
                ending = backUp(action, type, repository, replica);
            }
        } catch (WorkloadUnreachableException e) {
            // not in the flowchart: no answer from the pod, so no logs to upload. The exec may have been lost
            // after pgBackRest started (a cut connection, an API server restart), and closing an exec stops no
            // process: the user learns that it may run on, and what that means for the next backup.
            LOG.error("backup failed: {}", e.getMessage());
            return ActionOutcome.fail(Refusal.BACKUP_FAILED.words(e.getMessage() + MAY_RUN_ON));
        }
        if (ending instanceof BackupWatch.Stopped stopped) {
            // not in the flowchart: stopped because the repository does not answer (BackupWatch); uploading
            // the error logs to it would only wait out the S3 client's timeouts (up to a minute) on top
            LOG.error("backup failed: {}", stopped.reason());
            return ActionOutcome.fail(Refusal.BACKUP_FAILED.words(stopped.reason()));
        }
        ExecResult result = ((BackupWatch.Finished) ending).result();
        BackupId id = labelIn(result).map(BackupLabel::id).orElse(requested);
        if (!hasBackupCreationSucceeded(result)) {
            wereBackupLogsUploaded(settings, repository, result, id); // "Upload error logs to S3": no diamond
            // not in the flowchart: pgBackRest's lock is a flock(), which ends with its process, so a lock
            // that refuses this backup belongs to a backup still running (here, one whose action was killed or
            // lost its exec; or another unit's): say so (lockHeldElsewhere)
            String hint = lockHeldElsewhere(result).orElseGet(() -> repository.hint(result));
            LOG.error("backup failed: {}", hint);
            return ActionOutcome.fail(Refusal.BACKUP_FAILED.words(hint));
        }
        if (!wereBackupLogsUploaded(settings, repository, result, id)) {
            // The chart fails the action; the backup itself is in the repository (list-backups shows it, a
            // restore may use it), which the reference's words do not say: the action's log does.
            LOG.error("backup {} was created, but its log could not be uploaded to S3", id);
            action.log("Backup " + id + " was created; only its log could not be uploaded to S3");
            return ActionOutcome.fail(Refusal.LOG_UPLOAD_FAILED.words());
        }
        LOG.info("backup {} created", id);
        return ActionOutcome.results(Map.of("backup-status", Messages.BACKUP_CREATED));
    }

    private static BackupWatch.Ending backUp(ActionContext action, BackupType type, Repository repository, boolean replica)
            throws WorkloadUnreachableException {
        return new BackupWatch(repository, BackupWatch.Timing.PRODUCTION, action::log).run(() -> repository.pgbackrest().backup(type, !replica));
    }

    /**
     * Not in the flowchart: two units' backups that start at the same moment each take their own pod's
     * lock first and then find the other's on the peers they check, so pgBackRest refuses both and neither
     * runs. A backup refused for a peer's lock is tried once more after a pause that differs by unit
     * ({@link #collisionPause}): the first to try again finds the locks free and runs, the other finds it
     * running and fails with the words that say so. A backup that was already running when this one
     * started refuses the second try the same way, a few seconds later.
     */
    private static boolean startedAtOnceWithAnotherUnit(BackupWatch.Ending ending) {
        if (!(ending instanceof BackupWatch.Finished finished) || finished.result().succeeded()) {
            return false;
        }
        ExecResult result = finished.result();
        return result.exitCode() != PgBackRest.LOCK_ACQUIRE_ERROR
                && !LockHolders.remote(result.stdout() + "\n" + result.stderr()).isEmpty();
    }

    /** 5, 10, 15 or 20 s by the unit's number, so that two units' second tries do not meet again. */
    static java.time.Duration collisionPause(String unitName) {
        int slash = unitName.lastIndexOf('/');
        int ordinal;
        try {
            ordinal = Integer.parseInt(unitName.substring(slash + 1));
        } catch (NumberFormatException e) {
            ordinal = 0;
        }
        return COLLISION_PAUSE.multipliedBy(1 + Math.floorMod(ordinal, 4));
    }

    /**
     * Not in the flowchart: pgBackRest refused this backup because another backup of the stanza holds its
     * lock, in this pod or on the peers it checked (the primary's among them); the words say so, and
     * that only one backup of the cluster runs at a time, rather than pgBackRest's lock file path or its
     * "unable to find primary cluster". Nothing was written to the repository: pgBackRest takes its locks
     * before it does.
     */
    private Optional<String> lockHeldElsewhere(ExecResult result) {
        List<String> peers = LockHolders.remote(result.stdout() + "\n" + result.stderr());
        if (result.exitCode() != PgBackRest.LOCK_ACQUIRE_ERROR && !peers.isEmpty()) {
            return Optional.of(ANOTHER_UNIT_BACKS_UP.formatted(facts.stanzaName(),
                    String.join(", ", peers.stream().map(LockHolders::shortName).toList())));
        }
        if (result.exitCode() == PgBackRest.LOCK_ACQUIRE_ERROR) {
            boolean peersBackUpThroughThisPod = facts.tlsEnabled() && !facts.singleUnit();
            return Optional.of((peersBackUpThroughThisPod ? LOCK_HELD_IN_CLUSTER : LOCK_HELD).formatted(facts.stanzaName()));
        }
        return Optional.empty();
    }

    boolean isReplica() {
        return facts.member().map(m -> !m.isPrimary()).orElse(false);
    }

    boolean hasBackupCreationSucceeded(ExecResult result) {
        return result.succeeded();
    }

    boolean wereBackupLogsUploaded(S3Parameters settings, Repository repository, ExecResult result, BackupId id) {
        String logs = "Stdout:\n" + repository.redactor().apply(result.stdout()) + "\n\nStderr:\n"
                + repository.redactor().apply(result.stderr()) + "\n";
        try {
            seams.objectStore().put(settings, settings.key("backup/" + facts.stanzaName() + "/" + id + "/backup.log"), logs);
            return true;
        } catch (ObjectStoreException e) {
            LOG.warn("could not upload the backup log: {}", repository.redactor().apply(e.getMessage()));
            return false;
        }
    }

    private static Optional<BackupLabel> labelIn(ExecResult result) {
        Matcher m = NEW_LABEL.matcher(result.stdout());
        while (m.find()) {
            try {
                return Optional.of(new BackupLabel(m.group(1)));
            } catch (IllegalArgumentException ignored) {
                // not a label after all; keep looking
            }
        }
        return Optional.empty();
    }

    /**
     * Patroni takes a reload at its next cycle, up to {@code loop_wait} (10 s) later, and then writes
     * {@code pg_hba.conf} and reloads PostgreSQL right after it sets the member's tags: so the new rules are
     * in force once GET /patroni reports the {@code noloadbalance} tag as applied. Measured on the local
     * stack: without this wait the backup began while logins were still accepted, and the action ended
     * while they were still refused.
     */
    private void setConnectivity(boolean accept) {
        try {
            seams.patroniConfig().apply(new PatroniConfig.Settings(facts.stanza(), Optional.empty(), accept));
        } catch (PatroniConfig.ConfigException e) {
            LOG.error("could not {} new connections: {}", accept ? "allow" : "block", e.getMessage());
            return;
        }
        for (int poll = 0; poll < CONNECTIVITY_POLLS; poll++) {
            if (hasPatroniApplied(accept)) {
                return;
            }
            seams.pause().pause(CONNECTIVITY_POLL);
        }
        // Blocking: the backup goes on all the same. Allowing: ConnectionsHeal finishes it on update-status.
        LOG.warn("Patroni has not applied the configuration that {} new connections yet", accept ? "allows" : "refuses");
    }

    private boolean hasPatroniApplied(boolean accept) {
        try {
            return seams.patroni().member().noloadbalance() != accept;
        } catch (Patroni.PatroniUnavailableException e) {
            return false;
        }
    }
}
