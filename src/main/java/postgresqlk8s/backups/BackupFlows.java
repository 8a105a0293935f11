package postgresqlk8s.backups;

import java.util.Map;
import java.util.function.Supplier;

import jujuops.ActionEvent;
import jujuops.ActionObserver;
import jujuops.ActionOutcome;
import jujuops.Event;
import jujuops.Framework;
import jujuops.HookEvent;
import jujuops.HookObserver;
import jujuops.HookOutcome;
import jujuops.Lazy;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.cluster.PeerTls;
import postgresqlk8s.s3.S3Requirer;

/**
 * Wires the backup flowcharts to their events. Seams are built on first use, so an event that needs
 * none (a no-op update-status) creates no client at all. One observer for the hooks and one for the
 * actions route by event instead of a lambda per event: every hook is a new JVM, and its first lambda
 * costs ~15 ms of set-up.
 */
public final class BackupFlows implements HookObserver {

    public static final String S3_ENDPOINT = "s3-parameters";
    static final HookEvent PEER_JOINED = HookEvent.relationJoined(PeerKeys.ENDPOINT);
    static final HookEvent PEER_DEPARTED = HookEvent.relationDeparted(PeerKeys.ENDPOINT);
    static final HookEvent PEER_CHANGED = HookEvent.relationChanged(PeerKeys.ENDPOINT);
    /** The workload container (re)started: its own files, /etc/pgbackrest.conf among them, are new. */
    static final HookEvent PEBBLE_READY = HookEvent.pebbleReady("postgresql");
    static final ActionEvent CREATE_BACKUP = ActionEvent.named("create-backup");
    static final ActionEvent LIST_BACKUPS = ActionEvent.named("list-backups");
    static final ActionEvent RESTORE = ActionEvent.named("restore");

    private final Framework framework;
    private final Supplier<Seams> seams;
    private final S3Requirer s3;
    private final ClusterFacts facts;
    /** The s3-credentials-changed flow ran in this dispatch (one instance lives for one dispatch). */
    private boolean s3FlowRan;

    private BackupFlows(Framework framework, Supplier<Seams> seams, S3Requirer s3) {
        this.framework = framework;
        this.seams = seams;
        this.s3 = s3;
        this.facts = new ClusterFacts(framework, seams);
    }

    /** Registers the flows; {@link #observeOnceTheDatabaseStarted()} then adds what must follow the database's own flows. */
    public static BackupFlows register(Framework framework, Supplier<Seams> seamsFactory) {
        BackupFlows flows = new BackupFlows(framework, Lazy.of(seamsFactory), S3Requirer.register(framework, S3_ENDPOINT));
        Actions actions = flows.new Actions();
        framework.observe(S3Requirer.CREDENTIALS_CHANGED, "BackupFlows.onS3CredentialsChanged", flows);
        framework.observe(S3Requirer.CREDENTIALS_GONE, "BackupFlows.onS3CredentialsGone", flows);
        framework.observe(CREATE_BACKUP, "BackupFlows.onCreateBackup", actions);
        framework.observe(LIST_BACKUPS, "BackupFlows.onListBackups", actions);
        framework.observe(RESTORE, "BackupFlows.onRestore", actions);
        framework.observe(HookEvent.UPDATE_STATUS, "BackupFlows.onUpdateStatus", flows);
        framework.observe(HookEvent.CONFIG_CHANGED, "BackupFlows.onConfigChanged", flows);
        // After the certificates flow installed or removed this unit's TLS files (not on every relation hook).
        framework.observe(PeerTls.CHANGED, "BackupFlows.onCertificates", flows);
        // Before DatabaseFlows starts Patroni on it (registered first), so that archiving finds its configuration.
        framework.observe(PEBBLE_READY, "BackupFlows.onPebbleReady", flows);
        framework.observe(PEER_JOINED, "BackupFlows.onPeers", flows);
        framework.observe(PEER_DEPARTED, "BackupFlows.onPeers", flows);
        // Every unit shows the leader's record of another cluster's repository, whoever leads.
        framework.observe(PEER_CHANGED, "BackupFlows.onSharedS3Block", flows);
        framework.observe(HookEvent.LEADER_ELECTED, "BackupFlows.onSharedS3Block", flows);
        return flows;
    }

    /**
     * Not in the flowchart: a workload container started again (a crash, a primary lost to Kubernetes)
     * comes back with Pebble's layer re-added, where pgBackRest's TLS server is disabled, so the server
     * the replicas' backups (and the primary's {@code pgbackrest check}) reach stays down until some peer
     * or certificates hook. Its step asks Patroni this unit's role and whether the primary's server
     * answers, which only means something once the database flow started Patroni on this pebble-ready:
     * so it is observed after that flow (registration order is delivery order), with facts of its own
     * (the ones read before Patroni started would say this unit has no role).
     */
    public void observeOnceTheDatabaseStarted() {
        framework.observe(PEBBLE_READY, "BackupFlows.onPebbleReadyTlsServer", new TlsServerOnceStarted());
    }

    @Override
    public HookOutcome handle(Event event) {
        if (event.is(S3Requirer.CREDENTIALS_CHANGED)) {
            s3FlowRan = true;
            // new settings (or a repository taken over): a block they leave is re-checked at the next update-status
            new S3BlockRecheck(framework, facts, s3, seams).reset();
            return new S3CredentialsChangedFlow(framework, facts, s3, seams.get()).handle(event);
        }
        if (event.is(PEBBLE_READY)) {
            // not in the flowchart: a container started again (a crash, an eviction) lost pgBackRest's
            // configuration with the rest of its own files; WAL archiving and backups need it back. It may
            // be a new pod with other CPU limits: the tuning reads them again.
            facts.tuning().forgetCpus();
            return new S3CredentialsChangedFlow(framework, facts, s3, seams.get()).configurePgBackRest();
        }
        if (event.is(HookEvent.CONFIG_CHANGED)) {
            return new TuningChangedFlow(facts, new S3CredentialsChangedFlow(framework, facts, s3, seams.get())).handle();
        }
        if (event.is(S3Requirer.CREDENTIALS_GONE)) {
            return new S3CredentialsGoneFlow(facts, seams.get()).handle(event);
        }
        if (event.is(HookEvent.UPDATE_STATUS)) {
            RestoreOutcomeCheck check = new RestoreOutcomeCheck(facts, s3, seams);
            HookOutcome restore = check.handle(event);
            new ConnectionsHeal(facts, s3, seams).handle(event);
            // not in the flowchart: asynchronous archiving hides a slow S3 from PostgreSQL; say when it is behind
            new ArchiveLag(facts, s3, seams).look();
            if (check.continuesAnotherStanza()) {
                // not in the flowchart: the restored database owns the other cluster's stanza now; take the
                // repository over and run the stanza steps for it (deferred with the event if they must wait)
                framework.emit(jujuops.Event.custom(S3Requirer.CREDENTIALS_CHANGED,
                        Map.of(S3CredentialsChangedFlow.CLAIM_REPOSITORY, "true")));
            }
            if (!s3FlowRan) {
                // not in the flowchart: a block by S3 not answering heals when it answers again (bounded, with
                // back-off); skipped when the flow already ran in this dispatch, so S3 is asked once a hook
                new S3BlockRecheck(framework, facts, s3, seams).handle(event);
            }
            return restore;
        }
        if (event.is(PEER_CHANGED) || event.is(HookEvent.LEADER_ELECTED)) {
            new SharedS3Block(facts).follow();
            return HookOutcome.done();
        }
        if (event.is(PEER_JOINED) || event.is(PEER_DEPARTED)) {
            // not in the flowchart: a new unit learns of another cluster's repository from its first peer hook
            new SharedS3Block(facts).follow();
        }
        if (event.is(PeerTls.CHANGED) || event.is(PEER_JOINED)
                || event.is(PEER_DEPARTED)) {
            return new TlsServerFlow(facts, s3, seams).handle(event);
        }
        throw new IllegalStateException("BackupFlows has no flow for " + event.name());
    }

    /** The TLS server's step on pebble-ready, after the database flow (a class, not a lambda: see the class comment). */
    private final class TlsServerOnceStarted implements HookObserver {
        @Override
        public HookOutcome handle(Event event) {
            return new TlsServerFlow(new ClusterFacts(framework, seams), s3, seams).handle(event);
        }
    }

    /** The backup actions. */
    private final class Actions implements ActionObserver {
        @Override
        public ActionOutcome handle(Event event) {
            if (event.is(CREATE_BACKUP)) {
                return new CreateBackupFlow(framework, facts, s3, seams.get()).handle(event);
            }
            if (event.is(LIST_BACKUPS)) {
                return new ListBackupsFlow(facts, s3, seams.get()).handle(event);
            }
            if (event.is(RESTORE)) {
                return new RestoreFlow(framework, facts, s3, seams.get()).handle(event);
            }
            throw new IllegalStateException("BackupFlows has no action " + event.name());
        }
    }
}
