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
import jujuops.Outcome;
import jujuops.model.ActionContext;
import jujuops.model.Status;
import postgresqlk8s.patroni.MemberStatus;
import postgresqlk8s.patroni.PatroniConfig;
import postgresqlk8s.pgbackrest.BackupId;
import postgresqlk8s.pgbackrest.BackupLabel;
import postgresqlk8s.pgbackrest.BackupRecord;
import postgresqlk8s.pgbackrest.BackupType;
import postgresqlk8s.s3.ObjectStoreException;
import postgresqlk8s.s3.S3Parameters;
import postgresqlk8s.s3.S3Requirer;
import postgresqlk8s.workload.ExecResult;
import postgresqlk8s.workload.WorkloadUnreachableException;

/** The "create-backup" flowchart. Checks in flowchart order; the backup itself through pgBackRest. */
public final class CreateBackupFlow {

    private static final Logger LOG = Logs.get(CreateBackupFlow.class);
    private static final Pattern NEW_LABEL = Pattern.compile("new backup label = (\\S+)");

    private final Framework framework;
    private final ClusterFacts facts;
    private final S3Requirer s3;
    private final Seams seams;

    CreateBackupFlow(Framework framework, ClusterFacts facts, S3Requirer s3, Seams seams) {
        this.framework = framework;
        this.facts = facts;
        this.s3 = s3;
        this.seams = seams;
    }

    public Outcome handle(Event event) {
        ClientsAhead ahead = ClientsAhead.start(seams);
        ActionContext action = framework.action().orElseThrow();
        String typeParam = action.params().getOrDefault("type", "full").toString();
        Optional<BackupType> type = BackupType.fromParam(typeParam);
        if (type.isEmpty()) {
            ahead.cancel();
            return Outcome.fail(Messages.invalidBackupType(typeParam));
        }
        // Read first (reads only; the checks below still decide in flowchart order) so that the other
        // core can open the S3 connection the metadata upload will reuse while this one asks Juju.
        S3Gate gate = new S3Gate(s3);
        ahead.s3Settings(gate.failure().isEmpty() ? Optional.of(gate.parameters()) : Optional.<S3Parameters>empty());
        Optional<String> refused = firstFailedCheck(gate);
        if (refused.isPresent()) {
            LOG.warn("create-backup refused: {}", refused.get());
            return Outcome.fail(refused.get());
        }
        S3Parameters settings = gate.parameters();
        Repository repository = new Repository(seams, facts.stanzaName(), settings);
        Optional<String> noReference = hasNoFullBackupToReference(type.get(), repository);
        if (noReference.isPresent()) {
            return Outcome.fail(noReference.get());
        }
        BackupId requested = BackupId.of(LocalDateTime.now(seams.clock().withZone(ZoneOffset.UTC)));
        if (!wasPossibleToUploadMetadata(settings, requested)) {
            return Outcome.fail(Messages.METADATA_UPLOAD_FAILED);
        }
        return backUp(action, type.get(), settings, repository, requested);
    }

    /** The refusals before anything is touched, each a flowchart decision, in flowchart order. */
    private Optional<String> firstFailedCheck(S3Gate gate) {
        if (isUnitBlocked()) {
            return Optional.of(Messages.UNIT_BLOCKED);
        }
        Optional<String> role = isPrimaryInTlsEnabledMultiUnitCluster().or(this::isReplicaWithTlsDisabled);
        if (role.isPresent()) {
            return role;
        }
        if (!hasStanzaBeenInitialised()) {
            return Optional.of(Messages.STANZA_NOT_INITIALISED);
        }
        Optional<String> s3Failure = gate.failure();
        if (s3Failure.isPresent()) {
            return s3Failure;
        }
        if (!isMemberRunning()) {
            return Optional.of(facts.member().isEmpty() ? Messages.DATABASE_OFFLINE : Messages.NOT_RUNNING);
        }
        return Optional.empty();
    }

    boolean isUnitBlocked() {
        return facts.isBlocked();
    }

    /** Backups on the primary of a multi-unit TLS cluster go to a replica instead. */
    Optional<String> isPrimaryInTlsEnabledMultiUnitCluster() {
        if (!facts.tlsEnabled() || facts.singleUnit()) {
            return Optional.empty();
        }
        Optional<MemberStatus> member = facts.member();
        if (member.isEmpty()) {
            return Optional.of(Messages.DATABASE_OFFLINE);
        }
        return member.get().isPrimary() ? Optional.of(Messages.UNIT_IS_PRIMARY) : Optional.empty();
    }

    /** A replica needs TLS to ask the primary to push the WAL its backup depends on. */
    Optional<String> isReplicaWithTlsDisabled() {
        if (facts.tlsEnabled()) {
            return Optional.empty();
        }
        // Patroni answers from this pod; Juju's goal-state is a hook-tool call. A primary backs itself
        // up whatever the number of units, so the usual case needs no goal-state.
        Optional<MemberStatus> member = facts.member();
        if (member.isPresent() && member.get().isPrimary() || facts.singleUnit()) {
            return Optional.empty();
        }
        return Optional.of(member.isEmpty() ? Messages.DATABASE_OFFLINE : Messages.TLS_NOT_ENABLED);
    }

    boolean hasStanzaBeenInitialised() {
        return facts.stanza().isPresent();
    }

    boolean isMemberRunning() {
        return facts.member().map(MemberStatus::isRunning).orElse(false);
    }

    /** Differential and incremental backups need a full one to build on. */
    Optional<String> hasNoFullBackupToReference(BackupType type, Repository repository) {
        if (type == BackupType.FULL) {
            return Optional.empty();
        }
        try {
            List<BackupRecord> backups = repository.backups();
            boolean hasFull = backups.stream().anyMatch(b -> !b.failed() && b.type() == BackupType.FULL);
            return hasFull ? Optional.empty() : Optional.of(Messages.noFullBackupToReference(type.param()));
        } catch (Repository.RepositoryException e) {
            return Optional.of(Messages.LIST_FAILED + e.getMessage());
        }
    }

    boolean wasPossibleToUploadMetadata(S3Parameters settings, BackupId requested) {
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

    private Outcome backUp(ActionContext action, BackupType type, S3Parameters settings, Repository repository, BackupId requested) {
        boolean replica = isReplica();
        if (replica) {
            setConnectivity(false);
        }
        framework.model().setUnitStatus(Status.maintenance(Messages.CREATING_BACKUP));
        action.log("Creating " + (type == BackupType.INCREMENTAL ? "an " : "a ") + type.action() + " of " + facts.stanzaName());
        Outcome outcome;
        try {
            ExecResult result = repository.pgbackrest().backup(type, !replica);
            outcome = result.succeeded()
                    ? afterSuccess(settings, repository, result, requested)
                    : afterFailure(settings, repository, result, requested);
        } catch (WorkloadUnreachableException e) {
            outcome = Outcome.fail(Messages.BACKUP_FAILED + e.getMessage());
        }
        if (replica) {
            setConnectivity(true);
        }
        return outcome.withStatus(Status.active());
    }

    boolean isReplica() {
        return facts.member().map(m -> !m.isPrimary()).orElse(false);
    }

    private Outcome afterSuccess(S3Parameters settings, Repository repository, ExecResult result, BackupId requested) {
        BackupId id = labelIn(result).map(BackupLabel::id).orElse(requested);
        if (!wereBackupLogsUploaded(settings, repository, result, id)) {
            return Outcome.fail(Messages.LOG_UPLOAD_FAILED);
        }
        LOG.info("backup {} created", id);
        return Outcome.results(Map.of("backup-status", Messages.BACKUP_CREATED));
    }

    private Outcome afterFailure(S3Parameters settings, Repository repository, ExecResult result, BackupId requested) {
        BackupId id = labelIn(result).map(BackupLabel::id).orElse(requested);
        wereBackupLogsUploaded(settings, repository, result, id);
        String hint = repository.hint(result);
        LOG.error("backup failed: {}", hint);
        return Outcome.fail(Messages.BACKUP_FAILED + hint);
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

    private void setConnectivity(boolean accept) {
        try {
            seams.patroniConfig().apply(new PatroniConfig.Settings(facts.stanza(), Optional.empty(), accept));
        } catch (PatroniConfig.ConfigException e) {
            LOG.error("could not {} new connections: {}", accept ? "allow" : "block", e.getMessage());
        }
    }
}
