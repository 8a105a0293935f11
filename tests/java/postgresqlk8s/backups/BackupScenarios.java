package postgresqlk8s.backups;

import static postgresqlk8s.backups.BackupWorld.ACCESS_KEY;
import static postgresqlk8s.backups.BackupWorld.SECRET_KEY;
import static postgresqlk8s.backups.BackupWorld.backup;
import static postgresqlk8s.backups.BackupWorld.info;
import static postgresqlk8s.backups.BackupWorld.initialised;
import static postgresqlk8s.backups.BackupWorld.ok;
import static postgresqlk8s.backups.BackupWorld.withStanza;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import jujuops.hooktools.HookTools.LogLevel;
import jujuops.logging.JujuLog;
import jujuops.model.Status;
import jujuops.testing.RelationState;
import jujuops.testing.Result;
import jujuops.testing.State;
import jujuops.testing.TestEvent;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.cluster.UnitStatuses;
import postgresqlk8s.workload.Command;
import postgresqlk8s.workload.ExecResult;

/**
 * A representative run of every backup flow, success and failure, several with pgBackRest and S3
 * errors that echo the S3 keys; each run reports everything an operator, a log reader or S3 could see.
 * Public so that {@code postgresqlk8s.SecretLeakTest} can scan it.
 */
public final class BackupScenarios {

    /** The keys the scenarios give the charm; none may come out anywhere but the pgBackRest config file. */
    public static final List<String> SECRETS = List.of(ACCESS_KEY, SECRET_KEY);

    /** Everything one scenario let out, each line prefixed with where it was seen. */
    public record Observed(String scenario, List<String> lines) {}

    private record Scenario(String name, Consumer<BackupWorld> script, State state, Function<State, TestEvent> event) {}

    /** What pgBackRest prints when S3 refuses the signature: the body names the access key id. */
    private static final String S3_REFUSAL = "[ProtocolError] HTTP request failed with 403 (Forbidden): "
            + "<Code>SignatureDoesNotMatch</Code><AWSAccessKeyId>" + ACCESS_KEY + "</AWSAccessKeyId>"
            + "<StringToSign>AWS4-HMAC-SHA256 " + SECRET_KEY + "</StringToSign>";
    private static final String ECHO_OUT = "P00   INFO: backup command begin 2.45: --repo1-s3-key=" + ACCESS_KEY
            + " --repo1-s3-key-secret=" + SECRET_KEY + "\nP00  ERROR: [039]: " + S3_REFUSAL + "\n";
    private static final String ECHO_ERR = "ERROR: [039]: " + S3_REFUSAL + "\nWARN: key " + ACCESS_KEY + " secret " + SECRET_KEY + "\n";
    private static final ExecResult ECHOING_FAILURE = new ExecResult(39, ECHO_OUT, ECHO_ERR, false);
    private static final String S3_ERROR_BODY = " <Error><Code>InvalidAccessKeyId</Code><AWSAccessKeyId>" + ACCESS_KEY
            + "</AWSAccessKeyId><Secret>" + SECRET_KEY + "</Secret></Error>";
    private static final String INFO_OK = info(
            backup("20230101-090000F", "full", null, false, 1672563600L, 1672563605L),
            backup("20230101-090000F_20230102-090000D", "diff", "20230101-090000F", false, 1672650000L, 1672650010L));
    private static final String ACTIVE = "Service     Startup  Current  Since\npostgresql  enabled  active   today\n";
    private static final String INACTIVE = "Service     Startup  Current  Since\npostgresql  enabled  inactive -\n";

    private BackupScenarios() {}

    private static List<Scenario> all() {
        List<Scenario> s = new ArrayList<>();
        Function<State, TestEvent> s3Changed = BackupWorld::s3Changed;
        Function<State, TestEvent> createFull = st -> TestEvent.action("create-backup");
        Function<State, TestEvent> createDiff = st -> TestEvent.action("create-backup", Map.of("type", "differential"));
        Function<State, TestEvent> list = st -> TestEvent.action("list-backups");
        Function<State, TestEvent> restore = st -> TestEvent.action("restore", Map.of("backup-id", "2023-01-02T09:00:00Z"));
        Function<State, TestEvent> updateStatus = st -> TestEvent.hook("update-status");
        Function<State, TestEvent> s3Broken = st -> TestEvent.relation("broken", st.relationOn("s3-parameters"));
        RelationState certificates = RelationState.of("certificates", 5, "self-signed-certificates");
        Function<State, TestEvent> certsChanged = st -> TestEvent.relation("changed", certificates);
        State tlsCluster = BackupWorld.withThreeUnits(BackupWorld.withPeerData(withStanza(),
                Map.of(PeerKeys.CLUSTER_INITIALISED, "True", PeerKeys.STANZA, BackupWorld.STANZA),
                Map.of(PeerKeys.TLS, "enabled")), Map.of(PeerKeys.TLS, "enabled")).withRelation(certificates);
        State restoring = BackupWorld.withPeerData(withStanza(), Map.of(PeerKeys.CLUSTER_INITIALISED, "True",
                PeerKeys.STANZA, BackupWorld.STANZA, PeerKeys.RESTORING_BACKUP, "20230101-090000F",
                PeerKeys.RESTORE_STANZA, BackupWorld.STANZA, PeerKeys.RESTORE_FROM_TIMELINE, "1"), Map.of())
                .withUnitStatus(Status.maintenance("restoring backup")).withStored(BackupWorld.said(UnitStatuses.Concern.RESTORE, Status.maintenance("restoring backup")));

        // s3-credentials-changed
        s.add(new Scenario("s3 credentials changed: stanza created and checked", w -> { }, initialised(), s3Changed));
        s.add(new Scenario("s3 credentials changed: bucket refused, S3 error echoes the keys",
                w -> { w.s3.bucketFails = true; w.s3.errorDetail = S3_ERROR_BODY; }, initialised(), s3Changed));
        s.add(new Scenario("s3 credentials changed: marker upload refused, S3 error echoes the keys",
                w -> { w.s3.putFails = true; w.s3.errorDetail = S3_ERROR_BODY; }, initialised(), s3Changed));
        s.add(new Scenario("s3 credentials changed: stanza-create echoes the keys",
                w -> w.exec.answer("stanza-create", ECHOING_FAILURE), initialised(), s3Changed));
        s.add(new Scenario("s3 credentials changed: check echoes the keys",
                w -> w.exec.answer("check", ECHOING_FAILURE), initialised(), s3Changed));
        s.add(new Scenario("s3 credentials changed: config file cannot be written",
                w -> w.exec.fail("install", 1, "install: cannot create '/etc/pgbackrest.conf.tmp': Read-only file system"),
                initialised(), s3Changed));
        s.add(new Scenario("s3 credentials changed: workload unreachable, deferred",
                w -> w.exec.unreachable(), initialised(), s3Changed));
        s.add(new Scenario("s3 credentials changed: secret missing",
                w -> { }, initialised().withRelation(BackupWorld.s3Relation(BackupWorld.dataWith("secret-key", ""))),
                st -> TestEvent.relation("changed", st.relationOn("s3-parameters"))));
        s.add(new Scenario("s3 credentials changed: TLS replica pings the primary, which echoes the keys",
                w -> { w.patroni.member = FakePatroni.replica(); w.exec.answer("server-ping", ECHOING_FAILURE); },
                BackupWorld.withPeerData(initialised(), Map.of(PeerKeys.CLUSTER_INITIALISED, "True"),
                        Map.of(PeerKeys.TLS, "enabled")).withPlannedUnits(3), s3Changed));

        // create-backup
        s.add(new Scenario("create-backup: full backup on the primary, output echoes the keys",
                w -> w.exec.answer("backup", new ExecResult(0, ECHO_OUT.replace("ERROR", "INFO")
                        + "P00   INFO: new backup label = 20261125-183620F\n", ECHO_ERR.replace("ERROR", "INFO"), false)),
                withStanza(), createFull));
        s.add(new Scenario("create-backup: backup fails echoing the keys",
                w -> w.exec.answer("backup", ECHOING_FAILURE), withStanza(), createFull));
        s.add(new Scenario("create-backup: backup fails on a TLS replica echoing the keys",
                w -> { w.patroni.member = FakePatroni.replica(); w.exec.answer("backup", ECHOING_FAILURE); },
                tlsCluster, createFull));
        s.add(new Scenario("create-backup: differential, repository refuses echoing the keys",
                w -> w.exec.answer("info", ok(BackupWorld.infoRepoError(BackupWorld.STANZA, S3_REFUSAL))), withStanza(), createDiff));
        s.add(new Scenario("create-backup: differential, info exits non-zero echoing the keys",
                w -> w.exec.answer("info", ECHOING_FAILURE), withStanza(), createDiff));
        s.add(new Scenario("create-backup: differential, info not JSON and echoing the keys",
                w -> w.exec.answer("info", ok(ECHO_OUT)), withStanza(), createDiff));
        s.add(new Scenario("create-backup: workload unreachable", w -> w.exec.unreachable(), withStanza(), createFull));
        s.add(new Scenario("create-backup: secret missing",
                w -> { }, withStanza().withRelation(BackupWorld.s3Relation(BackupWorld.dataWith("secret-key", ""))), createFull));
        s.add(new Scenario("create-backup: metadata upload refused, S3 error echoes the keys",
                w -> { w.s3.putFails = true; w.s3.errorDetail = S3_ERROR_BODY; }, withStanza(), createFull));
        s.add(new Scenario("create-backup: log upload refused, S3 error echoes the keys",
                w -> { w.s3.putsBeforeFailure = 1; w.s3.errorDetail = S3_ERROR_BODY; }, withStanza(), createFull));

        // list-backups
        s.add(new Scenario("list-backups: table", w -> w.exec.answer("info", ok(INFO_OK)), withStanza(), list));
        s.add(new Scenario("list-backups: info exits non-zero echoing the keys",
                w -> w.exec.answer("info", ECHOING_FAILURE), withStanza(), list));
        s.add(new Scenario("list-backups: repository refuses (stanza named) echoing the keys",
                w -> w.exec.answer("info", ok(BackupWorld.infoRepoError(BackupWorld.STANZA, S3_REFUSAL))), withStanza(), list));
        s.add(new Scenario("list-backups: repository refuses ([invalid]) echoing the keys",
                w -> w.exec.answer("info", ok(BackupWorld.infoRepoError("[invalid]", S3_REFUSAL))), withStanza(), list));
        s.add(new Scenario("list-backups: info not JSON and echoing the keys",
                w -> w.exec.answer("info", ok(ECHO_OUT)), withStanza(), list));

        // restore
        s.add(new Scenario("restore: started", w -> w.exec.answer("info", ok(INFO_OK)), withStanza(), restore));
        s.add(new Scenario("restore: info exits non-zero echoing the keys",
                w -> w.exec.answer("info", ECHOING_FAILURE), withStanza(), restore));
        s.add(new Scenario("restore: repository refuses echoing the keys",
                w -> w.exec.answer("info", ok(BackupWorld.infoRepoError(BackupWorld.STANZA, S3_REFUSAL))), withStanza(), restore));
        s.add(new Scenario("restore: stop fails", w -> { w.exec.answer("info", ok(INFO_OK));
            w.exec.fail("pebble stop", 1, "error: timeout"); }, withStanza(), restore));
        s.add(new Scenario("restore: cluster state refused", w -> { w.exec.answer("info", ok(INFO_OK));
            w.clusterState.failure = "endpoints is forbidden"; }, withStanza(), restore));
        s.add(new Scenario("restore: data directory not emptied", w -> { w.exec.answer("info", ok(INFO_OK));
            w.exec.fail("find", 1, "find: Permission denied"); }, withStanza(), restore));
        s.add(new Scenario("restore: Patroni configuration refused", w -> { w.exec.answer("info", ok(INFO_OK));
            w.patroniConfig.failure = "patroni.yml: permission denied"; }, withStanza(), restore));
        s.add(new Scenario("restore: to a time", w -> { }, withStanza(),
                st -> TestEvent.action("restore", Map.of("restore-to-time", "2023-01-02 10:00:00"))));

        // update-status
        s.add(new Scenario("update-status: restore failed", w -> w.exec.answer("pebble services", ok(INACTIVE)),
                restoring, updateStatus));
        s.add(new Scenario("update-status: restore succeeded", w -> { w.exec.answer("pebble services", ok(ACTIVE));
            w.patroni.member = FakePatroni.primary(2); }, restoring, updateStatus));
        s.add(new Scenario("update-status: nothing to do", w -> { }, withStanza(), updateStatus));
        State bucketBlocked = initialised().withUnitStatus(Status.blocked(Messages.BUCKET_FAILED))
                .withStored(BackupWorld.said(UnitStatuses.Concern.S3, Status.blocked(Messages.BUCKET_FAILED)));
        s.add(new Scenario("update-status: S3 block re-checked, bucket still refused, S3 error echoes the keys",
                w -> { w.s3.bucketFails = true; w.s3.errorDetail = S3_ERROR_BODY; }, bucketBlocked, updateStatus));
        s.add(new Scenario("update-status: S3 block re-checked, stanza-create echoes the keys",
                w -> w.exec.answer("stanza-create", ECHOING_FAILURE), bucketBlocked, updateStatus));

        // s3 relation broken, certificates
        s.add(new Scenario("s3 credentials gone", w -> { },
                withStanza().withUnitStatus(Status.blocked(Messages.STANZA_FAILED)).withStored(BackupWorld.said(UnitStatuses.Concern.S3, Status.blocked(Messages.STANZA_FAILED))), s3Broken));
        s.add(new Scenario("certificates changed: TLS replica, ping echoes the keys",
                w -> { w.patroni.member = FakePatroni.replica(); w.exec.answer("server-ping", ECHOING_FAILURE); },
                tlsCluster, certsChanged));
        s.add(new Scenario("certificates changed: primary restarts the TLS server", w -> { }, tlsCluster, certsChanged));
        return s;
    }

    public static List<String> names() {
        return all().stream().map(Scenario::name).toList();
    }

    /** Runs one scenario with DEBUG logging and standard output and error captured. */
    public static Observed run(String name) {
        Scenario scenario = all().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        BackupWorld world = new BackupWorld();
        scenario.script().accept(world);
        return captured(name, world, () -> world.run(scenario.event().apply(scenario.state()), scenario.state()));
    }

    /** Runs one event with DEBUG logging and standard output and error captured; reports what came out. */
    static Observed captured(String name, BackupWorld world, java.util.function.Supplier<Result> run) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        Result r;
        JujuLog.setThreshold(LogLevel.DEBUG);
        try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            System.setErr(capture);
            r = run.get();
        } finally {
            System.setOut(out);
            System.setErr(err);
            JujuLog.setThreshold(LogLevel.INFO);
        }
        return new Observed(name, observed(world, r, captured.toString(StandardCharsets.UTF_8)));
    }

    static List<String> observed(BackupWorld world, Result r, String console) {
        List<String> lines = new ArrayList<>();
        r.calls().forEach(c -> lines.add("hook tool call: " + c));
        r.logs().forEach(l -> lines.add("juju-log: " + l));
        r.actionResults().forEach((k, v) -> lines.add("action result " + k + ": " + v));
        r.actionFailure().ifPresent(f -> lines.add("action failure: " + f));
        r.actionLogs().forEach(l -> lines.add("action log: " + l));
        r.statusHistory().forEach(st -> lines.add("status set: " + st));
        lines.add("unit status: " + r.unitStatus());
        lines.add("app status: " + r.state().appStatus());
        for (Command c : world.exec.commands()) {
            lines.add("exec argv: " + String.join(" ", c.argv()));
            lines.add("exec command: " + c);
        }
        world.s3.requests.forEach(q -> lines.add("s3 request: " + q));
        world.s3.objects.forEach((k, v) -> lines.add("s3 object " + k + ": " + v));
        world.patroni.requests.forEach(q -> lines.add("patroni request: " + q));
        world.patroniConfig.applied.forEach(a -> lines.add("patroni config: " + a));
        for (RelationState rel : r.state().relations()) {
            Map<String, String> written = new LinkedHashMap<>(rel.localAppData());
            written.putAll(rel.localUnitData());
            written.forEach((k, v) -> lines.add("relation " + rel.id() + " " + k + ": " + v));
        }
        r.state().deferred().forEach(d -> lines.add("deferred: " + d));
        r.state().stored().forEach((k, v) -> lines.add("stored " + k + ": " + v));
        if (!console.isEmpty()) {
            lines.add("stdout/stderr: " + console);
        }
        return lines;
    }
}
