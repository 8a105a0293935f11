package postgresqlk8s.database;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.Event;
import jujuops.Framework;
import jujuops.HookEvent;
import jujuops.HookObserver;
import jujuops.HookOutcome;
import jujuops.model.Relation;
import jujuops.model.Status;
import postgresqlk8s.backups.Seams;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.cluster.PeerTls;
import postgresqlk8s.cluster.UnitStatuses;
import postgresqlk8s.patroni.MemberStatus;
import postgresqlk8s.patroni.Patroni;
import postgresqlk8s.kubernetes.ClusterStateStore;
import postgresqlk8s.kubernetes.UnitPod;
import postgresqlk8s.patroni.PatroniConfig;
import postgresqlk8s.patroni.PatroniYaml;
import postgresqlk8s.pgbackrest.StanzaName;
import postgresqlk8s.workload.Command;
import postgresqlk8s.workload.ControlData;
import postgresqlk8s.workload.DataDirectory;
import postgresqlk8s.workload.ExecResult;
import postgresqlk8s.workload.WorkloadCommandException;
import postgresqlk8s.workload.WorkloadFiles;
import postgresqlk8s.workload.WorkloadService;
import postgresqlk8s.workload.WorkloadUnreachableException;

/**
 * The workload core the backup flows stand on: on {@code postgresql-pebble-ready} render Patroni's
 * configuration, add the Pebble layer and start the database; once Patroni reports a primary the
 * leader records the cluster as initialised; update-status keeps the unit's status true.
 */
public final class DatabaseFlows implements HookObserver {

    static final int START_POLLS = 60;
    static final Duration START_POLL = Duration.ofSeconds(1);
    /**
     * How long pebble-ready waits for the database in all, by the clock: the polls alone could take
     * minutes when Patroni accepts connections and answers none (5 s each), and a hook must stay well
     * inside Juju's patience; update-status sees the database come up after that.
     */
    static final Duration START_WAIT = Duration.ofSeconds(30);
    static final String WAITING = "waiting for the database to start";
    static final HookEvent PEBBLE_READY = HookEvent.pebbleReady("postgresql");
    static final HookEvent PEERS_CHANGED = HookEvent.relationChanged(PeerKeys.ENDPOINT);
    /** Unit-local memory: the stanza this unit's Patroni configuration archives to ("" for none). */
    static final String RENDERED_STANZA = "rendered-stanza";
    static final String AWAITING_PASSWORDS = "waiting for the leader to generate the database passwords";
    static final String AWAITING_LEADER = "waiting for the leader to initialise the cluster";
    static final String FAILED_TO_START = "failed to start the database: ";
    private static final Duration VOLUME_DEADLINE = Duration.ofSeconds(30);
    private static final Logger LOG = Logs.get(DatabaseFlows.class);

    private final Framework framework;
    private final Supplier<Seams> seams;
    private final UnitStatuses statuses;

    private DatabaseFlows(Framework framework, Supplier<Seams> seams) {
        this.framework = framework;
        this.seams = seams;
        this.statuses = new UnitStatuses(framework.stored());
    }

    public static void register(Framework framework, Supplier<Seams> seams) {
        DatabaseFlows flows = new DatabaseFlows(framework, seams);
        framework.observe(HookEvent.LEADER_ELECTED, "DatabaseFlows.onLeaderElected", flows);
        framework.observe(PEBBLE_READY, "DatabaseFlows.onPebbleReady", flows);
        framework.observe(HookEvent.UPDATE_STATUS, "DatabaseFlows.onUpdateStatus", flows);
        framework.observe(PEERS_CHANGED, "DatabaseFlows.onPeersChanged", flows);
        // After the certificates flow installed or removed this unit's TLS files (not on every relation hook).
        framework.observe(PeerTls.CHANGED, "DatabaseFlows.onCertificates", flows);
    }

    /** Routes by event; one observer instead of a lambda per event keeps hook start-up lean. */
    @Override
    public HookOutcome handle(Event event) {
        if (event.is(HookEvent.LEADER_ELECTED)) {
            return onLeaderElected(event);
        }
        if (event.is(PEBBLE_READY)) {
            return onPebbleReady(event);
        }
        if (event.is(HookEvent.UPDATE_STATUS)) {
            return onUpdateStatus(event);
        }
        if (event.is(PEERS_CHANGED)) {
            return onPeersChanged(event);
        }
        if (event.is(PeerTls.CHANGED)) {
            return onCertificates(event);
        }
        throw new IllegalStateException("DatabaseFlows has no flow for " + event.name());
    }

    private Optional<Relation> peers() {
        return framework.model().peers(PeerKeys.ENDPOINT);
    }

    private Optional<String> appData(Relation peers, String key) {
        Optional<String> value = peers.localAppData().get(key);
        return value.isPresent() && !value.get().isEmpty() ? value : Optional.empty();
    }

    HookOutcome onLeaderElected(Event event) {
        Optional<Relation> peers = peers();
        if (peers.isPresent()) {
            ensurePasswords(peers.get());
        }
        return HookOutcome.done();
    }

    /** The database passwords, generated once by the leader; they live in the peer relation. */
    private static final List<String> PASSWORDS =
            List.of(PeerKeys.SUPERUSER_PASSWORD, PeerKeys.REPLICATION_PASSWORD, PeerKeys.REWIND_PASSWORD);

    /** The leader generates any password the peer data lacks (all on first use); it never changes one. */
    private void ensurePasswords(Relation peers) {
        if (!framework.model().isLeader()) {
            return;
        }
        Map<String, String> missing = new LinkedHashMap<>();
        for (String key : PASSWORDS) {
            if (appData(peers, key).isEmpty()) {
                missing.put(key, Passwords.generate());
            }
        }
        if (!missing.isEmpty()) {
            peers.localAppData().putAll(missing);
        }
    }

    private boolean hasPasswords(Relation peers) {
        return PASSWORDS.stream().allMatch(key -> appData(peers, key).isPresent());
    }

    HookOutcome onPebbleReady(Event event) {
        Optional<Relation> peers = peers();
        if (peers.isEmpty()) {
            return HookOutcome.defer();
        }
        ensurePasswords(peers.get());
        if (!hasPasswords(peers.get())) {
            LOG.info("the peer data lacks a database password; waiting for the leader to generate it");
            say(Status.waiting(AWAITING_PASSWORDS));
            return HookOutcome.defer();
        }
        if (!framework.model().isLeader() && appData(peers.get(), PeerKeys.CLUSTER_INITIALISED).isEmpty()) {
            // Only the leader bootstraps; the others join its cluster as replicas once it runs.
            LOG.info("waiting for the leader to initialise the cluster");
            say(Status.waiting(AWAITING_LEADER));
            return HookOutcome.defer();
        }
        Optional<StanzaName> stanza = appData(peers.get(), PeerKeys.STANZA).map(StanzaName::new);
        Optional<String> restoreCommand = appData(peers.get(), PeerKeys.RESTORE_COMMAND);
        if (framework.model().isLeader() && appData(peers.get(), PeerKeys.RESTORING_BACKUP).isPresent() && restoreCommand.isPresent()) {
            try {
                if (!hasRestoredDatabaseStarted()) {
                    return startRestoreAgain(stanza, restoreCommand.get());
                }
            } catch (WorkloadUnreachableException | UnitPod.PodException e) {
                LOG.warn("workload not reachable yet: {}", e.getMessage());
                return HookOutcome.defer();
            } catch (WorkloadCommandException | PatroniConfig.ConfigException | ClusterStateStore.ClusterStateException e) {
                LOG.error("could not start the restore again: {}", e.getMessage());
                say(Status.blocked(FAILED_TO_START + e.getMessage()));
                return HookOutcome.done();
            }
        }
        try {
            startDatabase(stanza);
        } catch (WorkloadUnreachableException | UnitPod.PodException e) {
            LOG.warn("workload not reachable yet: {}", e.getMessage());
            return HookOutcome.defer();
        } catch (WorkloadCommandException | PatroniConfig.ConfigException e) {
            LOG.error("could not start the database: {}", e.getMessage());
            say(Status.blocked(FAILED_TO_START + e.getMessage()));
            return HookOutcome.done();
        }
        say(Status.maintenance(WAITING));
        framework.model().setUnitStatus(Status.maintenance(WAITING)); // shown while the polls below run
        return awaitPrimary(peers.get());
    }

    private void startDatabase(Optional<StanzaName> stanza) throws WorkloadUnreachableException,
            WorkloadCommandException, PatroniConfig.ConfigException, UnitPod.PodException {
        WorkloadService services = prepareWorkload(PatroniConfig.Settings.normal(stanza));
        framework.stored().put(RENDERED_STANZA, stanza.map(StanzaName::value).orElse(""));
        if (!services.isRunning(WorkloadService.POSTGRESQL)) {
            services.start(WorkloadService.POSTGRESQL);
        }
    }

    /** The volume, the pod's labels, Patroni's configuration and the Pebble layer, as the database needs them. */
    private WorkloadService prepareWorkload(PatroniConfig.Settings settings) throws WorkloadUnreachableException,
            WorkloadCommandException, PatroniConfig.ConfigException, UnitPod.PodException {
        Seams s = seams.get();
        prepareVolume(s);
        s.pod().label(PatroniYaml.labels("patroni-" + framework.model().appName()));
        s.patroniConfig().apply(settings);
        String layerFile = s.layout().patroniConf() + ".layer.json";
        new WorkloadFiles(s.exec()).write(layerFile, PebbleLayer.render(s.layout()), "root", "0644");
        WorkloadService services = new WorkloadService(s.exec(), s.layout().pebble());
        services.addLayer(PebbleLayer.LABEL, layerFile);
        return services;
    }

    /**
     * Whether the database a restore brings back has come up: PostgreSQL was promoted at the end of the
     * restore's recovery (pg_control in production or shut down after it, and neither backup_label nor
     * recovery.signal left). pgBackRest restores pg_control last, so a restore cut short has none.
     */
    private boolean hasRestoredDatabaseStarted() throws WorkloadUnreachableException, WorkloadCommandException {
        Seams s = seams.get();
        Optional<String> state = new ControlData(s.exec(), s.layout()).clusterState();
        boolean promoted = state.isPresent() && (state.get().equals("in production") || state.get().equals("shut down"));
        return promoted && !new DataDirectory(s.exec(), s.layout().dataDir()).hasUnfinishedRecovery();
    }

    /**
     * Not in the flowchart: the workload container started again (a crash, an eviction) while the restore
     * ran, which killed Patroni's bootstrap half-way. Starting Patroni as usual would drop the restore from
     * its configuration and, with the cut-short bootstrap's initialize key left in Kubernetes, wait for a
     * leader that never comes (or, without it, create an empty cluster). So the restore starts again as the
     * restore action starts it: Patroni's cluster state deleted, the data directory emptied, the same
     * restore command as the bootstrap. update-status then follows it as before.
     */
    private HookOutcome startRestoreAgain(Optional<StanzaName> stanza, String restoreCommand) throws WorkloadUnreachableException,
            WorkloadCommandException, PatroniConfig.ConfigException, UnitPod.PodException, ClusterStateStore.ClusterStateException {
        LOG.info("the workload started again during a restore that had not finished: starting the restore again");
        Seams s = seams.get();
        WorkloadService services = prepareWorkload(new PatroniConfig.Settings(stanza, Optional.of(restoreCommand), true));
        if (services.isRunning(WorkloadService.POSTGRESQL)) {
            services.stop(WorkloadService.POSTGRESQL);
        }
        s.clusterState().deleteClusterState();
        new DataDirectory(s.exec(), s.layout().dataDir()).empty();
        services.start(WorkloadService.POSTGRESQL);
        return HookOutcome.done();
    }

    /**
     * A fresh data volume belongs to root (only MicroK8s' hostpath volumes are world-writable): the data
     * directory is made for postgres, and the volume given to postgres so Patroni can rename a failed
     * data directory beside it.
     */
    private static void prepareVolume(Seams s) throws WorkloadUnreachableException, WorkloadCommandException {
        String user = s.layout().pgUser();
        List<Command> steps = List.of(
                Command.asRoot(VOLUME_DEADLINE, "chown", user + ":" + user, s.layout().storageDir()),
                Command.asRoot(VOLUME_DEADLINE, "install", "-d", "-o", user, "-g", user, "-m", "0700", s.layout().dataDir()));
        for (Command step : steps) {
            ExecResult r = s.exec().run(step);
            if (!r.succeeded()) {
                throw new WorkloadCommandException("could not prepare the data volume (" + String.join(" ", step.argv())
                        + "): exit " + r.exitCode() + " " + r.stderr().strip());
            }
        }
    }

    /**
     * A non-leader archives WAL into the stanza too once the leader recorded it (it may become the
     * primary), so its Patroni configuration follows the stanza in the peer data.
     */
    HookOutcome onPeersChanged(Event event) {
        Optional<Relation> peers = peers();
        Optional<String> rendered = framework.stored().get(RENDERED_STANZA);
        if (peers.isEmpty() || rendered.isEmpty() || appData(peers.get(), PeerKeys.RESTORING_BACKUP).isPresent()) {
            return HookOutcome.done();
        }
        Optional<StanzaName> stanza = appData(peers.get(), PeerKeys.STANZA).map(StanzaName::new);
        if (rendered.get().equals(stanza.map(StanzaName::value).orElse(""))) {
            return HookOutcome.done();
        }
        try {
            seams.get().patroniConfig().apply(PatroniConfig.Settings.normal(stanza));
        } catch (PatroniConfig.ConfigException e) {
            LOG.warn("could not update Patroni's configuration for the stanza: {}", e.getMessage());
            return HookOutcome.defer();
        }
        framework.stored().put(RENDERED_STANZA, stanza.map(StanzaName::value).orElse(""));
        return HookOutcome.done();
    }

    /**
     * Certificates came or went: Patroni's configuration is written again, so that PostgreSQL serves TLS
     * with the unit's files exactly while its unit records TLS as enabled (the configuration reads that
     * when it is rendered), and Patroni reloads it. Not before the database was first configured, and not
     * during a restore, whose bootstrap configuration stays as the restore wrote it.
     */
    HookOutcome onCertificates(Event event) {
        Optional<Relation> peers = peers();
        if (peers.isEmpty() || framework.stored().get(RENDERED_STANZA).isEmpty()
                || appData(peers.get(), PeerKeys.RESTORING_BACKUP).isPresent()) {
            return HookOutcome.done();
        }
        Optional<StanzaName> stanza = appData(peers.get(), PeerKeys.STANZA).map(StanzaName::new);
        try {
            seams.get().patroniConfig().apply(PatroniConfig.Settings.normal(stanza));
        } catch (PatroniConfig.ConfigException e) {
            LOG.warn("could not update Patroni's configuration for TLS: {}", e.getMessage());
            return HookOutcome.defer();
        }
        framework.stored().put(RENDERED_STANZA, stanza.map(StanzaName::value).orElse(""));
        return HookOutcome.done();
    }

    /** Polls Patroni a bounded time; the leader records the cluster once a primary runs. */
    private HookOutcome awaitPrimary(Relation peers) {
        java.time.Clock clock = seams.get().clock();
        java.time.Instant deadline = clock.instant().plus(START_WAIT);
        for (int poll = 0; poll < START_POLLS && clock.instant().isBefore(deadline); poll++) {
            Optional<MemberStatus> member = member();
            if (member.isPresent() && member.get().isRunning()) {
                recordInitialised(peers, member.get());
                say(Status.active());
                return HookOutcome.done();
            }
            seams.get().pause().pause(START_POLL);
        }
        LOG.info("database not up yet; update-status will check again");
        return HookOutcome.done();
    }

    private void recordInitialised(Relation peers, MemberStatus member) {
        if (framework.model().isLeader() && member.isPrimary() && appData(peers, PeerKeys.CLUSTER_INITIALISED).isEmpty()) {
            peers.localAppData().put(PeerKeys.CLUSTER_INITIALISED, "True");
            LOG.info("cluster initialised");
        }
    }

    private Optional<MemberStatus> member() {
        try {
            return Optional.of(seams.get().patroni().member());
        } catch (Patroni.PatroniUnavailableException e) {
            return Optional.empty();
        }
    }

    /**
     * Keeps the database's say true: Active while it runs, Waiting while it does not, except that a
     * database that failed to start stays Blocked until it runs. Other concerns (a restore, S3) speak for
     * themselves; the most urgent is shown.
     */
    HookOutcome onUpdateStatus(Event event) {
        Optional<Relation> peers = peers();
        if (peers.isEmpty()) {
            return HookOutcome.done();
        }
        Optional<MemberStatus> member = member();
        if (member.isPresent() && member.get().isRunning()) {
            recordInitialised(peers.get(), member.get());
            say(Status.active());
        } else if (!failedToStart()) {
            say(Status.waiting(WAITING));
        }
        return HookOutcome.done();
    }

    private boolean failedToStart() {
        Optional<Status> said = statuses.get(UnitStatuses.Concern.DATABASE);
        return said.isPresent() && said.get().is(Status.Kind.BLOCKED);
    }

    private void say(Status status) {
        statuses.set(UnitStatuses.Concern.DATABASE, status);
    }
}
