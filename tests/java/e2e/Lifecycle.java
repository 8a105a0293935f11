package e2e;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import fakejuju.FakeJuju;
import fakejuju.Unit;

/**
 * Drives the packed charm on a {@link LocalStack}, only through each unit's {@code dispatch} and the
 * stand-in unit agent, printing what a {@code juju} user would see: {@code juju status}'s units and the
 * output of {@code juju run}. The end-to-end tests assert on the same steps.
 */
public final class Lifecycle {

    public static final String S3_RELATION = "s3-parameters:1";
    public static final String PEERS = "database-peers:0";
    public static final String BUCKET = "e2e-backups";
    public static final String CERTIFICATES_RELATION = "certificates:2";
    /** The hooks Juju runs on a new unit of this charm, in order, before it settles. */
    private static final String[] START_HOOKS = {"install", "config-changed", "start", "postgresql-pebble-ready"};

    final LocalStack stack;
    final FakeJuju juju;
    private final Path charmDir;
    private final PrintStream out;

    Lifecycle(LocalStack stack, Path modelDir, Path charmDir, PrintStream out) {
        this.stack = stack;
        this.charmDir = charmDir;
        this.out = out;
        this.juju = FakeJuju.model(modelDir, LocalStack.APP, stack.model(), stack.charmEnv());
        juju.peers(PEERS, Map.of());
    }

    Unit unit(int n) {
        return juju.unit(LocalStack.APP + "/" + n);
    }

    /** {@code juju deploy postgresql-k8s -n <units>}: the first unit leads; every unit runs its start-up hooks. */
    void deploy(int units) throws IOException {
        say("$ juju deploy postgresql-k8s --trust -n " + units);
        for (int n = 0; n < units; n++) {
            addUnit(n);
        }
        settle();
    }

    void deploy() throws IOException {
        deploy(1);
    }

    /** One more unit: its pod is scheduled, then Juju starts its agent. */
    Unit addUnit(int n) throws IOException {
        if (stack.pod(n) == null) {
            stack.addPod(n);
        }
        boolean first = juju.units().isEmpty();
        List<String> hooks = new ArrayList<>(List.of(START_HOOKS));
        hooks.add(1, first ? "leader-elected" : "leader-settings-changed");
        return juju.addUnit(charmDir, first, hooks.toArray(String[]::new));
    }

    /** {@code juju scale-application postgresql-k8s <units>}: the highest-numbered units go, as a StatefulSet scales down. */
    void scaleDown(int units) throws IOException {
        List<Unit> all = juju.units();
        say("$ juju scale-application postgresql-k8s " + units);
        for (int i = all.size() - 1; i >= units; i--) {
            Unit leaving = all.get(i);
            juju.removeUnit(leaving);
            settle();
            stack.removePod(LocalStack.APP + "-" + leaving.name().substring(leaving.name().indexOf('/') + 1));
        }
        settle();
    }

    /** Dispatches what Juju has queued until every unit is idle, printing each event as the agents log it. */
    FakeJuju.Settlement settle() {
        FakeJuju.Settlement s = juju.settle(200);
        for (FakeJuju.Dispatched d : s.dispatched()) {
            String remote = d.event().remoteUnit() == null || d.event().remoteUnit().isEmpty() ? "" : ", " + d.event().remoteUnit();
            String rel = d.event().relationId() == null ? "" : " (" + d.event().relationId() + remote + ")";
            say("  " + d.unit() + ": " + d.event().hook() + rel + " -> " + d.status().kind()
                    + (d.status().message().isEmpty() ? "" : " \"" + d.status().message() + "\"")
                    + (d.exitCode() == 0 ? "" : " [hook failed: exit " + d.exitCode() + "]"));
        }
        if (!s.settled()) {
            say("  (" + s.pending() + " events still pending)");
        }
        return s;
    }

    /** The units as {@code juju status} lists them, with the Patroni role Kubernetes shows on each pod. */
    String statusTable() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"Unit", "Workload", "Role", "Message"});
        for (Unit u : juju.units()) {
            String pod = LocalStack.APP + "-" + u.name().substring(u.name().indexOf('/') + 1);
            rows.add(new String[] {u.name() + (u.isLeader() ? "*" : ""), u.status().kind(), role(pod), u.status().message()});
        }
        int[] widths = new int[3];
        for (String[] r : rows) {
            for (int i = 0; i < 3; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (String[] r : rows) {
            table.append(String.format("%-" + widths[0] + "s  %-" + widths[1] + "s  %-" + widths[2] + "s  %s", (Object[]) r)
                    .stripTrailing()).append('\n');
        }
        return table.toString();
    }

    private String role(String pod) {
        String role = stack.roleLabel(pod);
        return role.isEmpty() ? "-" : "master".equals(role) ? "primary" : role;
    }

    void showStatus() {
        say("$ juju status");
        out.print(statusTable());
    }

    /** A hook on unit 0, printed as the agent's log would show it. */
    FakeJuju.Run hook(String name) {
        FakeJuju.Run run = juju.hook(name);
        say("$ (juju) hook " + name + " -> exit " + run.exitCode() + ", unit status: " + status());
        return run;
    }

    FakeJuju.Run relationHook(String name, String relationId) {
        FakeJuju.Run run = juju.relationHook(name, relationId);
        say("$ (juju) hook " + name + " -> exit " + run.exitCode() + ", unit status: " + status());
        return run;
    }

    /** An action on unit 0, printed as {@code juju run} prints it. */
    FakeJuju.Run action(String name, String... params) {
        return action(unit(0), name, params);
    }

    FakeJuju.Run action(Unit unit, String name, String... params) {
        say("$ juju run " + unit.name() + " " + name + (params.length == 0 ? "" : " " + String.join(" ", params)));
        FakeJuju.Run run = unit.action(name, params);
        out.print(run.stdout());
        return run;
    }

    /** Unit 0's status, "kind message". */
    String status() {
        return juju.state().at("/unit-status/status").asText() + " " + juju.state().at("/unit-status/message").asText();
    }

    /** juju relate postgresql-k8s s3-integrator, and the provider answering with its settings. */
    void relateS3() throws IOException {
        say("$ juju relate postgresql-k8s s3-integrator");
        juju.relate(S3_RELATION, "s3-integrator", Map.of(), "s3-parameters-relation-joined");
        settle();
        juju.setRemoteAppData(S3_RELATION, stack.integratorData(BUCKET), true);
        settle();
    }

    /** juju relate postgresql-k8s self-signed-certificates: the provider signs each unit's CSR as it comes. */
    fakejuju.CertificatesProvider relateCertificates() {
        say("$ juju relate postgresql-k8s self-signed-certificates");
        fakejuju.CertificatesProvider provider = juju.relateCertificates(CERTIFICATES_RELATION);
        settle();
        return provider;
    }

    /** juju remove-relation postgresql-k8s self-signed-certificates. */
    void removeCertificates() {
        say("$ juju remove-relation postgresql-k8s self-signed-certificates");
        juju.removeRelation(CERTIFICATES_RELATION);
        settle();
    }

    /** Who listens on pgBackRest's TLS server port, as {@code ss} shows the sockets: "address:port" each. */
    List<String> tlsServersListening() {
        List<String> found = new ArrayList<>();
        for (String line : Processes.run(30, "ss", "-ltnH").output().split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length > 3 && cols[3].endsWith(":8432")) {
                found.add(cols[3]);
            }
        }
        return found;
    }

    /** The superuser's password, which the leader generated into the peer data. */
    String superuserPassword() {
        return juju.appData(PEERS).get("superuser-password");
    }

    /** update-status on every unit until unit 0's restore settles (Active or Blocked), bounded. */
    String awaitRestore(int maxHooks) {
        for (int i = 0; i < maxHooks; i++) {
            for (Unit u : juju.units()) {
                u.queue("update-status");
            }
            juju.settle(50);
            String kind = juju.state().at("/unit-status/status").asText();
            if (kind.equals("active") || kind.equals("blocked")) {
                return status();
            }
            Processes.await(2, () -> false);
        }
        return status();
    }

    /** update-status on every unit, round after round, until unit 0 is Active; its status then. */
    String awaitActive(int maxHooks) {
        for (int i = 0; i < maxHooks; i++) {
            for (Unit u : juju.units()) {
                u.queue("update-status");
            }
            juju.settle(50);
            if (juju.state().at("/unit-status/status").asText().equals("active")) {
                break;
            }
            Processes.await(2, () -> false);
        }
        return status();
    }

    String lastActionResult(String key) {
        return juju.state().at("/last-action/results").path(key).asText();
    }

    String lastActionFailure() {
        return juju.state().at("/last-action/failed").asText("");
    }

    void say(String line) {
        out.println(line);
    }

    private int rows() {
        return stack.rows("orders");
    }

    private void write(int from, int to, String what) {
        stack.sql("insert into orders select g, '" + what + "' from generate_series(" + from + ", " + to + ") g").check("insert");
        say("== " + (to - from + 1) + " rows written (" + rows() + " in all)");
    }

    /** Restores, waits for update-status to settle it, and says the rows against the ones the run expects. */
    private void restoreAndCount(int expected, String... params) {
        action(unit(0), "restore", params);
        say("== restore settled: " + awaitRestore(90));
        say("restored rows: " + rows() + " (expected " + expected + ")");
    }

    /**
     * Point in time and timelines, on the one unit left: a time between two writes; the first backup,
     * onto a new timeline; latest on that timeline; and a time before any backup, refused while the
     * database keeps serving. The expected rows are what this run wrote before each target.
     */
    void pointInTime(String firstBackup) throws InterruptedException {
        int base = rows();
        write(2001, 2030, "before the target");
        Thread.sleep(1100);
        String target = java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSSxxx")
                .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now());
        Thread.sleep(1100);
        say("== the time between the two writes: " + target);
        write(2031, 2045, "after the target");
        restoreAndCount(base + 30, "restore-to-time=" + target);
        say("== back to the first backup (100 rows), which starts another timeline");
        restoreAndCount(100, "backup-id=" + firstBackup);
        write(3001, 3010, "on the new timeline");
        restoreAndCount(110, "restore-to-time=latest");
        action(unit(0), "list-backups");
        int before = rows();
        action(unit(0), "restore", "restore-to-time=2000-01-01 00:00:00");
        say("== the database still serves: " + rows() + " rows (" + before + " before the refused restore); status: " + status());
    }

    /**
     * The main job for a newcomer, as a Juju user sees it: a three-unit cluster and the s3 relation; a
     * backup on the primary and the refusals a cluster gives; certificates related, a TLS server on each
     * pod, the primary refusing backups and a replica taking one while it refuses new logins; certificates
     * removed again; leadership and the primary on different units; scale-down to one unit, whose restore
     * waits for leadership, then brings back the replica's backup's rows; then point-in-time restores and
     * timelines ({@link #pointInTime}), each followed by {@code restored rows: <n> (expected <m>)}.
     */
    public static void main(String[] args) throws Exception {
        Path charmDir = Path.of(args.length > 0 ? args[0] : "target/charm").toAbsolutePath();
        try (LocalStack stack = LocalStack.start(0)) {
            Lifecycle life = new Lifecycle(stack, stack.dir.resolve("model"), charmDir, System.out);
            life.say("== stack up in " + stack.dir + " (S3Proxy, Kubernetes API stand-in; a pod per unit on "
                    + stack.podAddresses(3) + ")");
            life.deploy(3);
            life.showStatus();
            life.relateS3();
            life.showStatus();
            stack.sql("create table orders(id int primary key, item text)").check("create table");
            stack.sql("insert into orders select g, 'first batch' from generate_series(1, 100) g").check("insert");
            life.say("== 100 rows written on the primary");
            life.action(life.unit(1), "list-backups");
            life.action(life.unit(1), "create-backup");
            life.action(life.unit(0), "create-backup");
            life.action(life.unit(1), "list-backups");
            String first = BackupIds.fromList(life.unit(1).lastAction()).keySet().iterator().next();
            life.action(life.unit(0), "restore", "backup-id=" + first);

            life.relateCertificates();
            life.showStatus();
            life.say("== pgBackRest TLS servers listening: " + life.tlsServersListening());
            life.action(life.unit(0), "create-backup");
            stack.sql("insert into orders select g, 'tls batch' from generate_series(1001, 1020) g").check("insert");
            life.say("== 20 more rows written (120 in all)");
            LoginProbe replica = new LoginProbe(stack.pod(1).ip(), life.superuserPassword());
            life.say("== a client logs in to postgresql-k8s-1: " + replica.login());
            try (LoginProbe during = replica.start()) {
                life.action(life.unit(1), "create-backup");
            }
            life.say("== the client's logins during that backup: " + replica.summary());
            life.say("== a client logs in to postgresql-k8s-1 afterwards: " + replica.login());
            life.action(life.unit(2), "list-backups");
            List<String> ids = new ArrayList<>(BackupIds.fromList(life.unit(2).lastAction()).keySet());
            String fromReplica = ids.get(ids.size() - 1);
            life.removeCertificates();
            life.say("== pgBackRest TLS servers listening: " + life.tlsServersListening());
            life.action(life.unit(1), "create-backup");

            stack.sql("insert into orders select g, 'second batch' from generate_series(101, 150) g").check("insert");
            life.say("== 50 more rows written (170 in all)");
            life.say("== Patroni switches the primary to postgresql-k8s-1; postgresql-k8s/0 still leads");
            stack.switchover(LocalStack.APP + "-1");
            life.showStatus();
            life.say("$ juju config s3-integrator storage-class=STANDARD");
            life.juju.setRemoteAppData(S3_RELATION, Map.of("storage-class", "STANDARD"), true);
            life.settle();
            life.action(life.unit(0), "create-backup");
            life.action(life.unit(1), "create-backup");
            life.action(life.unit(2), "list-backups");

            stack.sql("insert into orders select g, 'third batch' from generate_series(151, 175) g").check("insert");
            life.say("== 25 more rows written (195 in all)");
            life.say("== leadership moves to postgresql-k8s/2");
            life.juju.setLeader(life.unit(2));
            life.settle();
            life.scaleDown(1);
            life.showStatus();
            life.action(life.unit(0), "restore", "backup-id=" + fromReplica);
            life.say("== the old leader's lease runs out; Juju elects postgresql-k8s/0");
            life.juju.electLeader();
            life.settle();
            life.action(life.unit(0), "restore", "backup-id=" + fromReplica);
            life.say("== restore settled: " + life.awaitRestore(60));
            life.say("== rows after restoring " + fromReplica + ": " + stack.sql("select count(*) from orders").output().strip()
                    + " (the replica's backup held 120)");
            life.showStatus();
            life.pointInTime(first);
        }
        System.out.println("== stack stopped");
    }

    /** The unit's status as {@code juju status} shows it: "kind", or "kind: message". */
    static String shown(fakejuju.Unit unit) {
        fakejuju.FakeJuju.Status s = unit.status();
        return s.kind() + (s.message().isEmpty() ? "" : ": " + s.message());
    }
}
