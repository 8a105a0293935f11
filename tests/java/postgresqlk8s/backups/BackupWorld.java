package postgresqlk8s.backups;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jujuops.model.Status;
import jujuops.testing.Context;
import jujuops.testing.RelationState;
import jujuops.testing.Result;
import jujuops.testing.State;
import jujuops.testing.TestEvent;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.cluster.UnitStatuses;
import postgresqlk8s.s3.IntegratorData;
import postgresqlk8s.workload.ExecResult;
import postgresqlk8s.workload.WorkloadLayout;

/**
 * The world the backup flows run in during a test: the real framework on fake hook tools, and a
 * scripted fake for every seam. States are built from what the real s3-integrator writes.
 */
final class BackupWorld {

    static final String UNIT = "postgresql-k8s/0";
    /** The repository root, which holds the charm's metadata.yaml and actions.yaml (tests run there). */
    static final Path CHARM_DIR = Path.of("");
    static final String MODEL = "dev";
    static final String STANZA = "dev.patroni-postgresql-k8s";
    static final String ACCESS_KEY = IntegratorData.ACCESS_KEY;
    static final String SECRET_KEY = IntegratorData.SECRET_KEY;
    static final Instant NOW = Instant.parse("2026-11-25T18:36:13Z");

    /** The provider's application databag, as s3-integrator writes it (empty strings for unset fields). */
    static final Map<String, String> INTEGRATOR_DATA = Map.copyOf(IntegratorData.typical());

    final FakeWorkloadExec exec = new FakeWorkloadExec();
    final FakeObjectStore s3 = new FakeObjectStore();
    final FakePatroni patroni = new FakePatroni();
    final FakeClusterStateStore clusterState = new FakeClusterStateStore();
    final FakeUnitPod pod = new FakeUnitPod();
    final FakePatroniConfig patroniConfig = new FakePatroniConfig();
    final List<Duration> pauses = new ArrayList<>();
    /** What the seams' clock says; a test moves it between runs. */
    Instant now = NOW;
    int seamsBuilt;

    {
        // Patroni runs what was last applied: its member reports the noloadbalance tag of that configuration.
        patroniConfig.patroniLoads = settings -> {
            if (patroni.member != null) {
                patroni.member = new postgresqlk8s.patroni.MemberStatus(patroni.member.role(), patroni.member.state(),
                        patroni.member.timeline(), !settings.acceptConnections());
            }
        };
    }
    /** The pods of the application's other units, each a world of its own, made when first asked for. */
    private final java.util.Map<String, BackupWorld> otherPods = new java.util.HashMap<>();

    /** Another unit's pod, e.g. the primary's when this unit is a replica. */
    BackupWorld otherPod(String name) {
        return otherPods.computeIfAbsent(name, n -> new BackupWorld());
    }

    boolean touchedOtherPods() {
        return !otherPods.isEmpty();
    }


    /** When set, each pause moves the seams' clock on by its length, as a real wait would. */
    boolean pausesTakeTime;

    Seams seams() {
        seamsBuilt++;
        Clock clock = pausesTakeTime ? new WorldClock() : Clock.fixed(now, ZoneOffset.UTC);
        Seams.Pause pause = d -> {
            pauses.add(d);
            if (pausesTakeTime) {
                now = now.plus(d);
            }
        };
        return new Seams(exec, s3, patroni, clusterState, pod, patroniConfig, clock, pause, WorkloadLayout.PRODUCTION,
                p -> otherPod(p).seams());
    }

    /** Reads {@link #now} at each call. */
    private final class WorldClock extends Clock {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return Clock.fixed(now, zone);
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    Context context() {
        return new Context(fw -> {
            announceTlsChangeOnCertificatesHooks(fw);
            BackupFlows.register(fw, this::seams).observeOnceTheDatabaseStarted();
            UnitStatuses.register(fw);
        }, CHARM_DIR, UNIT, MODEL);
    }

    /**
     * Stands in for the certificates flow (postgresqlk8s.tls, tested in TlsFlowTest): a certificates
     * relation hook announces that this unit's TLS changed, as the flow does once it installed or removed
     * the files. Register it first, where the charm registers the flow.
     */
    static void announceTlsChangeOnCertificatesHooks(jujuops.Framework fw) {
        jujuops.HookObserver announce = event -> {
            fw.emit(jujuops.Event.custom(postgresqlk8s.cluster.PeerTls.CHANGED, Map.of()));
            return jujuops.HookOutcome.done();
        };
        fw.observe(jujuops.HookEvent.relationChanged("certificates"), "Test.announceTlsChange", announce);
        fw.observe(jujuops.HookEvent.relationBroken("certificates"), "Test.announceTlsChange", announce);
    }

    Result run(TestEvent event, State state) {
        return context().run(event, state);
    }

    static RelationState s3Relation(Map<String, String> providerData) {
        return RelationState.of("s3-parameters", 3, "s3-integrator").withRemoteAppData(providerData);
    }

    static Map<String, String> dataWith(String key, String value) {
        Map<String, String> d = new LinkedHashMap<>(INTEGRATOR_DATA);
        if (value == null) {
            d.remove(key);
        } else {
            d.put(key, value);
        }
        return d;
    }

    static RelationState peers(Map<String, String> appData, Map<String, String> unitData) {
        return new RelationState(PeerKeys.ENDPOINT, 1, "postgresql-k8s", appData, unitData, Map.of(), Map.of());
    }

    /** A one-unit cluster that is up, with the s3 relation complete and no stanza yet; this unit leads. */
    static State initialised() {
        return State.empty()
                .withLeader(true)
                .withUnitStatus(Status.active())
                .withStored(said(UnitStatuses.Concern.DATABASE, Status.active()))
                .withRelation(peers(Map.of(PeerKeys.CLUSTER_INITIALISED, "True"), Map.of()))
                .withRelation(s3Relation(INTEGRATOR_DATA));
    }

    /**
     * The unit's stored state when this concern said this status and the database runs: what
     * {@link UnitStatuses} keeps (its format is the charm's stored state across upgrades, so it is
     * written out here, not borrowed).
     */
    static Map<String, String> said(UnitStatuses.Concern concern, Status status) {
        Map<String, String> stored = new LinkedHashMap<>();
        stored.put("status.database", "active:");
        stored.put("status." + concern.name().toLowerCase(java.util.Locale.ROOT), status.kind().jujuName() + ":" + status.message());
        return stored;
    }

    /** As {@link #initialised()}, with the stanza created and checked. */
    static State withStanza() {
        return initialised().withRelation(
                peers(Map.of(PeerKeys.CLUSTER_INITIALISED, "True", PeerKeys.STANZA, STANZA), Map.of()));
    }

    static State withPeerData(State state, Map<String, String> appData, Map<String, String> unitData) {
        return state.withRelation(peers(appData, unitData));
    }

    /** The other units' hosts in a three-unit cluster, as pgbackrest.conf names them. */
    static final String PEER_1 = "postgresql-k8s-1.postgresql-k8s-endpoints";
    static final String PEER_2 = "postgresql-k8s-2.postgresql-k8s-endpoints";

    /** Three units planned, and units 1 and 2 in this unit's peer relation, each with this unit data. */
    static State withThreeUnits(State state, Map<String, String> peerUnitData) {
        Map<String, Map<String, String>> units = new LinkedHashMap<>();
        units.put("postgresql-k8s/1", peerUnitData);
        units.put("postgresql-k8s/2", peerUnitData);
        return state.withRelation(state.relationOn(PeerKeys.ENDPOINT).withRemoteUnitsData(units)).withPlannedUnits(3);
    }

    static ExecResult ok(String stdout) {
        return new ExecResult(0, stdout, "", false);
    }

    static ExecResult failed(int code, String stderr) {
        return new ExecResult(code, "", stderr, false);
    }

    static TestEvent s3Changed(State state) {
        return TestEvent.relation("changed", state.relationOn("s3-parameters"));
    }

    /** {@code pgbackrest info --output=json} for this stanza with these backups (JSON objects). */
    static String info(String... backups) {
        return "[{\"archive\":[],\"backup\":[" + String.join(",", backups) + "],\"cipher\":\"none\",\"db\":[],"
                + "\"name\":\"" + STANZA + "\",\"repo\":[{\"cipher\":\"none\",\"key\":1,\"status\":{\"code\":0,\"message\":\"ok\"}}],"
                + "\"status\":{\"code\":0,\"lock\":{\"backup\":{\"held\":false}},\"message\":\"ok\"}}]";
    }

    /**
     * {@code pgbackrest info --output=json} when the repository cannot be read: exit 0, code 99 (as measured
     * with a wrong secret or a closed port). {@code name} is the stanza when one was asked for, and
     * {@code [invalid]} when, as the charm runs it, none was.
     */
    static String infoRepoError(String name, String message) {
        return "[{\"archive\":[],\"backup\":[],\"cipher\":\"none\",\"db\":[],\"name\":\"" + name + "\","
                + "\"repo\":[{\"cipher\":\"none\",\"key\":1,\"status\":{\"code\":99,\"message\":\"" + message + "\"}}],"
                + "\"status\":{\"code\":99,\"lock\":{\"backup\":{\"held\":false}},\"message\":\"other\"}}]";
    }

    /** The peer relation's application data after a run. */
    static Map<String, String> peerAppData(Result r) {
        return r.state().relationOn(PeerKeys.ENDPOINT).localAppData();
    }

    /** One backup entry as pgBackRest 2.45 writes it. */
    static String backup(String label, String type, String prior, boolean error, long start, long stop) {
        String reference = prior == null ? "null" : "[\"" + prior + "\"]";
        return "{\"archive\":{\"start\":\"000000010000000000000003\",\"stop\":\"000000010000000000000003\"},"
                + "\"backrest\":{\"format\":5,\"version\":\"2.45\"},\"database\":{\"id\":1,\"repo-key\":1},"
                + "\"error\":" + error + ",\"info\":{\"delta\":1,\"repository\":{\"delta\":1,\"size\":1},\"size\":1},"
                + "\"label\":\"" + label + "\",\"lsn\":{\"start\":\"0/3000028\",\"stop\":\"0/3000100\"},"
                + "\"prior\":" + (prior == null ? "null" : "\"" + prior + "\"") + ",\"reference\":" + reference + ","
                + "\"timestamp\":{\"start\":" + start + ",\"stop\":" + stop + "},\"type\":\"" + type + "\"}";
    }
}
