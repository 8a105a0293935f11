package postgresqlk8s.backups;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.Event;
import jujuops.Framework;
import jujuops.HookOutcome;
import jujuops.model.Status;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.cluster.UnitStatuses;
import postgresqlk8s.patroni.MemberStatus;
import postgresqlk8s.patroni.Patroni;
import postgresqlk8s.patroni.PatroniConfig;
import postgresqlk8s.pgbackrest.PgBackRestInfo;
import postgresqlk8s.pgbackrest.StanzaName;
import postgresqlk8s.pgbackrest.TlsServer;
import postgresqlk8s.s3.ObjectStoreException;
import postgresqlk8s.s3.S3Parameters;
import postgresqlk8s.s3.S3Requirer;
import postgresqlk8s.s3.S3Settings;
import postgresqlk8s.workload.ControlData;
import postgresqlk8s.workload.ExecResult;
import postgresqlk8s.workload.SystemId;
import postgresqlk8s.workload.WorkloadCommandException;
import postgresqlk8s.workload.WorkloadUnreachableException;

/**
 * The "s3-credentials-changed" flowchart: configure pgBackRest on every unit; on the leader create the
 * stanza, prove WAL archiving reaches S3, then settle the pgBackRest TLS server ({@link TlsServerStep}).
 * {@link #handle} asks the chart's diamonds in its order, one boolean method each; the checks the port
 * adds are marked where they run. Where the flow differs from the chart, and why:
 * <ul>
 * <li>"Is unit in blocked state?" does not count a Blocked status that earlier S3 settings caused: new
 *     settings are meant to fix it. For the same reason a non-leader so blocked goes back to Active.</li>
 * <li>When the leader is a replica, the stanza is made and checked in the primary's pod (pgBackRest needs
 *     the primary's database); the questions stay the leader's.</li>
 * <li>When "Is WAL archiving to S3 working?" answers no, the stanza is forgotten again (and archiving
 *     switched off), so create-backup's "Has stanza been initialised?" answers no too.</li>
 * <li>Set Active at the end: the chart's boxes lead to return, but the unit left Maintenance
 *     ("initialising stanza", "checking stanza") on its way.</li>
 * <li>"Could initialise pgBackRest stanza?" guards the repository as the reference does, by three things:
 *     the model UUID in {@code model-uuid.txt}, the names of the stanzas pgBackRest finds under the path
 *     (any other than ours is another cluster's; {@code [invalid]} means the repository cannot be read),
 *     and our stanza's database system identifier against the primary's {@code pg_controldata}. The UUID
 *     is written only once all three pass. Another cluster's repository blocks the whole application: the
 *     leader records it in the peer data and every unit shows it ({@link SharedS3Block}).</li>
 * <li>After this cluster restored another cluster's backup it continues that cluster's stanza
 *     ({@link ClusterFacts#stanzaName()}); the update-status that saw the restore succeed raises this flow
 *     with {@link #CLAIM_REPOSITORY}, which writes this model's UUID over the other's before the guard, so
 *     the guard then passes (the stanza's system identifier is now this database's) and the stanza steps
 *     run again for it.</li>
 * <li>A block because S3 or the stanza could not be reached does not wait for new settings: update-status
 *     runs this flow again, with back-off ({@link S3BlockRecheck}).</li>
 * </ul>
 */
final class S3CredentialsChangedFlow {

    static final String MODEL_UUID_MARKER = "model-uuid.txt";
    /** Set in the event when a restore made this cluster continue another cluster's stanza: take the repository over. */
    static final String CLAIM_REPOSITORY = "claim-repository";
    static final int CHECK_ATTEMPTS = 3;
    /**
     * Each check's wait for its WAL segment (pgBackRest's default is 60 s): three checks and the pauses
     * between them stay under a minute, so the hook stays inside Juju's patience for one.
     */
    static final java.time.Duration CHECK_ARCHIVE_TIMEOUT = java.time.Duration.ofSeconds(10);
    static final Duration CHECK_PAUSE = Duration.ofSeconds(5);
    /** pgBackRest's ArchiveTimeoutError: a WAL segment did not reach the repository within archive-timeout. */
    static final String ARCHIVE_TIMEOUT = "082";
    /**
     * pgBackRest's ArchiveCommandInvalidError: archive_command is not pgBackRest's archive-push (2.45 on the
     * real stack: "ERROR: [068]: archive_command '/bin/true' must contain pgbackrest").
     */
    static final String ARCHIVE_COMMAND_INVALID = "068";
    private static final Logger LOG = Logs.get(S3CredentialsChangedFlow.class);

    private final Framework framework;
    private final ClusterFacts facts;
    private final S3Requirer s3;
    private final Seams seams;
    /** Why "Could initialise pgBackRest stanza?" or "Is WAL archiving to S3 working?" answered no. */
    private String blockedBy = "";
    /** This run takes the repository over from the cluster whose backup was restored ({@link #CLAIM_REPOSITORY}). */
    private boolean claim;

    S3CredentialsChangedFlow(Framework framework, ClusterFacts facts, S3Requirer s3, Seams seams) {
        this.framework = framework;
        this.facts = facts;
        this.s3 = s3;
        this.seams = seams;
    }

    public HookOutcome handle(Event event) {
        claim = event.get(CLAIM_REPOSITORY).isPresent();
        if (!hasClusterInitialised()) {
            LOG.info("cluster not initialised yet; deferring the S3 settings");
            return HookOutcome.defer();
        }
        Optional<S3Settings.Reading> reading = s3.read();
        if (!areAllRequiredSettingsProvided(reading)) {
            LOG.info("S3 settings incomplete: {}", reading.map(Object::toString).orElse("no relation"));
            return HookOutcome.done();
        }
        if (reading.get() instanceof S3Settings.Invalid invalid) {
            // not in the flowchart: settings all there but unusable (an http endpoint, say) block as "Update
            // backup settings" failing does, before anything is written
            LOG.warn("S3 settings unusable: {}", invalid.reason());
            return blockUnit(withHint(Messages.STANZA_FAILED, invalid.reason()));
        }
        S3Parameters settings = ((S3Settings.Complete) reading.get()).parameters();
        Repository repository = new Repository(seams, facts.stanzaName(), settings);
        Optional<TlsServer> tls;
        try {
            tls = TlsServers.ofThisUnit(facts, seams);
            repository.configure(settings, tls, facts.tuning().tuning(seams.exec()));
        } catch (WorkloadUnreachableException e) {
            // not in the flowchart: no pod to write the settings into yet; a later hook retries them
            LOG.warn("workload not reachable, will retry the S3 settings: {}", e.getMessage());
            return HookOutcome.defer();
        } catch (WorkloadCommandException e) {
            // not in the flowchart: "Update backup settings" failing blocks, as a stanza that cannot be made does
            return blockUnit(withHint(Messages.STANZA_FAILED, e.getMessage()));
        }
        if (!isLeader()) {
            // not in the flowchart: a non-leader's own pgBackRest takes the settings; a block by earlier ones clears
            return settled();
        }
        if (isUnitBlocked()) {
            return HookOutcome.done();
        }
        try {
            return initialiseStanza(settings, repository, tls);
        } catch (WorkloadUnreachableException e) {
            // not in the flowchart: the pod went away mid-way; a later hook retries
            LOG.warn("workload not reachable while initialising the stanza: {}", e.getMessage());
            return HookOutcome.defer();
        }
    }

    /**
     * Not in the flowchart: writes this unit's pgBackRest configuration for the S3 settings, and nothing
     * else (no S3 call, no stanza step: the database may not run yet). Without usable settings, nothing.
     */
    HookOutcome configurePgBackRest() {
        Optional<S3Settings.Reading> reading = s3.read();
        if (reading.isEmpty() || !(reading.get() instanceof S3Settings.Complete complete)) {
            return HookOutcome.done();
        }
        S3Parameters settings = complete.parameters();
        try {
            new Repository(seams, facts.stanzaName(), settings)
                    .configure(settings, TlsServers.ofThisUnit(facts, seams), facts.tuning().tuning(seams.exec()));
            LOG.info("pgBackRest's configuration written for the workload container");
            return HookOutcome.done();
        } catch (WorkloadUnreachableException e) {
            LOG.warn("workload not reachable, will write pgBackRest's configuration later: {}", e.getMessage());
            return HookOutcome.defer();
        } catch (WorkloadCommandException e) {
            return blockUnit(withHint(Messages.STANZA_FAILED, e.getMessage()));
        }
    }

    boolean hasClusterInitialised() {
        return facts.clusterInitialised();
    }

    /** Related, and no required key missing; the values may still be unusable ({@link S3Settings.Invalid}). */
    boolean areAllRequiredSettingsProvided(Optional<S3Settings.Reading> reading) {
        return reading.isPresent() && !(reading.get() instanceof S3Settings.Missing);
    }

    boolean isLeader() {
        return facts.isLeader();
    }

    /**
     * Blocked for a reason other than the S3 settings, which new settings are meant to fix, or a tuning
     * option (not in the flowchart: the pgBackRest settings in force stay usable, and the option's fix
     * writes them again but makes no stanza).
     */
    boolean isUnitBlocked() {
        Status status = facts.unitStatus();
        boolean byOption = facts.statuses().get(UnitStatuses.Concern.CONFIG).filter(status::equals).isPresent();
        return status.is(Status.Kind.BLOCKED) && !byOption
                && Messages.S3_BLOCKS.stream().noneMatch(status.message()::startsWith);
    }

    private HookOutcome initialiseStanza(S3Parameters settings, Repository repository, Optional<TlsServer> tls)
            throws WorkloadUnreachableException {
        framework.model().setUnitStatus(Status.maintenance(Messages.INITIALISING_STANZA));
        Optional<String> primaryName = primarysPodName();
        Seams primary = primaryName.map(seams.otherPods()::of).orElse(seams);
        Repository atPrimary = repository;
        if (primary != seams) {
            atPrimary = new Repository(primary, facts.stanzaName(), settings);
            try {
                // this unit's tuning: the primary's pod has the same template, so the same CPUs
                atPrimary.configure(settings, TlsServers.ofPod(facts, primaryName.get(), primary),
                        facts.tuning().tuning(seams.exec()));
            } catch (WorkloadCommandException e) {
                // not in the flowchart: the leader is a replica, and the primary's pod refused the settings
                return blockUnit(withHint(Messages.STANZA_FAILED, e.getMessage()));
            }
        }
        if (!couldInitialiseStanza(settings, atPrimary, primary)) {
            return blockUnit(blockedBy);
        }
        framework.model().setUnitStatus(Status.maintenance(Messages.CHECKING_STANZA));
        if (!isWalArchivingToS3Working(atPrimary)) {
            forgetStanza(primary);
            return blockUnit(blockedBy);
        }
        try {
            new TlsServerStep(facts, seams, repository.pgbackrest(), tls).run();
        } catch (WorkloadCommandException e) {
            // not in the flowchart: the TLS server is for replicas' backups; this unit's backups work without it
            LOG.warn("could not settle the pgBackRest TLS server: {}", e.getMessage());
        }
        return settled();
    }

    /**
     * The S3 concern blocks the unit with this reason until new settings, the relation's end, or, when S3
     * did not answer, an update-status that finds it answering again ({@link S3BlockRecheck}).
     */
    private HookOutcome blockUnit(String reason) {
        if (facts.isLeader()) {
            // not in the flowchart: another cluster's repository blocks every unit, whoever leads
            new SharedS3Block(facts).record(reason);
        }
        facts.statuses().set(UnitStatuses.Concern.S3, Status.blocked(reason));
        return HookOutcome.done();
    }

    /**
     * The S3 concern has nothing against the unit: on the leader, nothing stands against the repository any
     * more; a non-leader still shows another cluster's repository while the leader's record says so.
     */
    private HookOutcome settled() {
        facts.statuses().set(UnitStatuses.Concern.S3, Status.active());
        SharedS3Block shared = new SharedS3Block(facts);
        if (facts.isLeader()) {
            shared.clear();
        } else {
            // not in the flowchart: this unit's settings are fine, but the repository is another cluster's
            shared.follow();
        }
        return HookOutcome.done();
    }

    /**
     * Where the stanza is made and checked: pgBackRest needs the primary's database, so when the leader is
     * a replica (leadership and Patroni's primary are chosen apart) its steps run in the primary's pod,
     * whose pgBackRest it configures first. The flowchart's decisions stay the leader's.
     */
    private Optional<String> primarysPodName() {
        Optional<MemberStatus> me = facts.member();
        if (me.isEmpty() || me.get().isPrimary()) {
            return Optional.empty();
        }
        try {
            Optional<String> primary = seams.patroni().primaryName();
            if (primary.isPresent()) {
                LOG.info("this leader is a replica: the stanza is made and checked in the primary's pod {}", primary.get());
            }
            return primary;
        } catch (Patroni.PatroniUnavailableException e) {
            LOG.warn("Patroni does not say which member is the primary: {}", e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * "Could initialise pgBackRest stanza?": bucket, repository ownership, stanza-create, archiving on.
     * When not, {@link #blockedBy} says why.
     */
    boolean couldInitialiseStanza(S3Parameters settings, Repository repository, Seams primary)
            throws WorkloadUnreachableException {
        String marker = settings.key(MODEL_UUID_MARKER);
        String uuid = framework.model().modelUuid();
        Optional<String> owner;
        try {
            seams.objectStore().ensureBucket(settings);
            owner = seams.objectStore().get(settings, marker);
        } catch (ObjectStoreException e) {
            return bucketFailed(repository, e);
        }
        boolean ours = owner.isPresent() && owner.get().strip().equals(uuid);
        if (owner.isPresent() && !ours && !claim) {
            LOG.info("the repository's model-uuid.txt names another model");
            return blocked(Messages.ANOTHER_CLUSTER);
        }
        if (!doesTheRepositoryHoldOnlyOurStanza(repository, primary)) {
            return false;
        }
        if (!ours) {
            try {
                seams.objectStore().put(settings, marker, uuid);
            } catch (ObjectStoreException e) {
                return bucketFailed(repository, e);
            }
        }
        ExecResult created = repository.pgbackrest().stanzaCreate();
        if (!created.succeeded()) {
            return blocked(withHint(Messages.STANZA_FAILED, repository.hint(created)));
        }
        facts.putAppData(Map.of(PeerKeys.STANZA, facts.stanzaName().value()));
        try {
            archiveInto(Optional.of(facts.stanzaName()), primary);
        } catch (PatroniConfig.ConfigException e) {
            forgetStanza(primary);
            return blocked(withHint(Messages.STANZA_FAILED, e.getMessage()));
        }
        return true;
    }

    private boolean bucketFailed(Repository repository, ObjectStoreException e) {
        // the reference's words carry no hint here; the reason goes to the log only, secrets masked
        LOG.warn("S3 bucket not usable: {}", repository.redactor().apply(e.getMessage()));
        return blocked(Messages.BUCKET_FAILED);
    }

    /**
     * The rest of the reference's ownership guard (not in the flowchart, which has the model UUID only):
     * every stanza pgBackRest finds under the path is ours, and ours was made for this database (its
     * system identifier is the primary's, whose pod makes the stanza). A repository pgBackRest cannot read
     * ({@code [invalid]}) or whose answer is malformed blocks with the reason, before anything is written.
     */
    boolean doesTheRepositoryHoldOnlyOurStanza(Repository repository, Seams primary) throws WorkloadUnreachableException {
        PgBackRestInfo info;
        try {
            info = repository.info();
        } catch (Repository.RepositoryException e) {
            return blocked(withHint(Messages.STANZA_FAILED, e.getMessage()));
        }
        for (PgBackRestInfo.Stanza stanza : info.stanzas()) {
            if (stanza.name().equals(PgBackRestInfo.Stanza.INVALID)) {
                String problem = repository.redactor().apply(stanza.problem().orElse(""));
                LOG.warn("pgBackRest cannot read the repository: {}", problem);
                return blocked(withHint(Messages.STANZA_FAILED, problem));
            }
            if (!stanza.name().equals(facts.stanzaName().value())) {
                LOG.info("the repository holds stanza {}, not this cluster's {}", stanza.name(), facts.stanzaName());
                return blocked(Messages.ANOTHER_CLUSTER);
            }
            if (stanza.systemId().isPresent()) {
                SystemId database;
                try {
                    database = new ControlData(primary.exec(), primary.layout()).systemId();
                } catch (WorkloadCommandException e) {
                    return blocked(withHint(Messages.STANZA_FAILED, e.getMessage()));
                }
                if (!database.equals(stanza.systemId().get())) {
                    LOG.info("stanza {} was made for database system {}, this database is {}",
                            stanza.name(), stanza.systemId().get(), database);
                    return blocked(Messages.ANOTHER_CLUSTER);
                }
            }
        }
        return true;
    }

    /** WAL archiving on this unit and, when it is another, on the primary (the others follow the peer data). */
    private void archiveInto(Optional<StanzaName> stanza, Seams primary) throws PatroniConfig.ConfigException {
        seams.patroniConfig().apply(PatroniConfig.Settings.normal(stanza));
        if (primary != seams) {
            primary.patroniConfig().apply(PatroniConfig.Settings.normal(stanza));
        }
    }

    /**
     * "Is WAL archiving to S3 working?": pgBackRest's check, retried while Patroni applies archive_command
     * (the two errors that settling gives), not when the repository failed it: a repository that does not
     * answer fails it once, within the I/O timeout's bound. When not, {@link #blockedBy} says why.
     */
    boolean isWalArchivingToS3Working(Repository repository) throws WorkloadUnreachableException {
        ExecResult check = null;
        for (int attempt = 1; attempt <= CHECK_ATTEMPTS; attempt++) {
            check = repository.pgbackrest().check(CHECK_ARCHIVE_TIMEOUT);
            if (check.succeeded()) {
                return true;
            }
            if (!isArchivingStillSettling(check)) {
                break;
            }
            if (attempt < CHECK_ATTEMPTS) {
                seams.pause().pause(CHECK_PAUSE);
            }
        }
        return blocked(withHint(Messages.STANZA_FAILED, repository.hint(check)));
    }

    /**
     * The check failed as it does while Patroni has not applied the new archive_command yet: the old
     * command is not pgBackRest's ({@code [068]}), or the segment the check switched to went elsewhere and
     * never reached the repository ({@code [082]}).
     */
    static boolean isArchivingStillSettling(ExecResult check) {
        String output = check.stderr() + "\n" + check.stdout();
        return output.contains("[" + ARCHIVE_COMMAND_INVALID + "]") || output.contains("[" + ARCHIVE_TIMEOUT + "]");
    }

    /** A "no" to one of the stanza questions, with the Blocked message it leads to. */
    private boolean blocked(String message) {
        blockedBy = message;
        return false;
    }

    private void forgetStanza(Seams primary) {
        facts.putAppData(Map.of(PeerKeys.STANZA, ""));
        try {
            archiveInto(Optional.empty(), primary);
        } catch (PatroniConfig.ConfigException e) {
            LOG.error("could not switch WAL archiving off again: {}", e.getMessage());
        }
    }

    static String withHint(String message, String hint) {
        String h = hint == null ? "" : hint.strip();
        if (h.length() > postgresqlk8s.pgbackrest.ErrorHint.STATUS_MAX) {
            h = h.substring(0, postgresqlk8s.pgbackrest.ErrorHint.STATUS_MAX);
        }
        return h.isEmpty() ? message : message + ": " + h;
    }
}
