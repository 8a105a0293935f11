package e2e;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import fakejuju.FakeJuju;

/**
 * Drives the packed charm through the backup lifecycle on a {@link LocalStack}, only through
 * {@code target/charm/dispatch} and the stand-in unit agent, printing what a {@code juju run} user
 * would see. The end-to-end test asserts on the same steps.
 */
public final class Lifecycle {

    public static final String S3_RELATION = "s3-parameters:1";
    public static final String PEERS = "database-peers:0";
    public static final String BUCKET = "e2e-backups";

    final LocalStack stack;
    final FakeJuju juju;
    private final PrintStream out;

    Lifecycle(LocalStack stack, Path modelDir, Path charmDir, PrintStream out) {
        this.stack = stack;
        this.out = out;
        this.juju = FakeJuju.init(modelDir, charmDir, LocalStack.UNIT, true, LocalStack.MODEL, stack.charmEnv());
    }

    /** A hook, printed as the agent's log would show it. */
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

    /** An action, printed as {@code juju run} prints it. */
    FakeJuju.Run action(String name, String... params) {
        say("$ juju run " + LocalStack.APP + "/leader " + name + (params.length == 0 ? "" : " " + String.join(" ", params)));
        FakeJuju.Run run = juju.action(name, params);
        out.print(run.stdout());
        return run;
    }

    String status() {
        return juju.state().at("/unit-status/status").asText() + " " + juju.state().at("/unit-status/message").asText();
    }

    /** Deploy: peers, leadership, then the workload comes up and Patroni starts the database. */
    void deploy() {
        juju.peers(PEERS, Map.of());
        hook("leader-elected");
        hook("postgresql-pebble-ready");
    }

    /** juju relate postgresql-k8s s3-integrator, and the provider answering with its settings. */
    void relateS3() throws IOException {
        juju.relate(S3_RELATION, "s3-integrator", Map.of());
        relationHook("s3-parameters-relation-joined", S3_RELATION);
        juju.setRemoteAppData(S3_RELATION, stack.integratorData(BUCKET));
        relationHook("s3-parameters-relation-changed", S3_RELATION);
    }

    /** update-status until the restore settles (Active or Blocked), bounded. */
    String awaitRestore(int maxHooks) {
        for (int i = 0; i < maxHooks; i++) {
            hook("update-status");
            String kind = juju.state().at("/unit-status/status").asText();
            if (kind.equals("active") || kind.equals("blocked")) {
                return status();
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

    /** The whole lifecycle for a newcomer: relate, back up, list, restore; then everything stops. */
    public static void main(String[] args) throws Exception {
        Path charmDir = Path.of(args.length > 0 ? args[0] : "target/charm").toAbsolutePath();
        try (LocalStack stack = LocalStack.start()) {
            Lifecycle life = new Lifecycle(stack, stack.dir.resolve("model"), charmDir, System.out);
            life.say("== stack up in " + stack.dir + " (S3Proxy, etcd, Kubernetes API stand-in, Pebble stand-in)");
            life.deploy();
            life.relateS3();
            stack.sql("create table orders(id int primary key, item text)").check("create table");
            stack.sql("insert into orders select g, 'first batch' from generate_series(1, 100) g").check("insert");
            life.say("== 100 rows written");
            life.action("create-backup");
            life.action("list-backups");
            stack.sql("insert into orders select g, 'second batch' from generate_series(101, 150) g").check("insert");
            life.say("== 50 more rows written (150 in all)");
            life.action("create-backup", "type=differential");
            life.action("list-backups");
            Map<String, String> ids = new LinkedHashMap<>(BackupIds.fromList(life.juju));
            for (String id : ids.keySet()) {
                life.action("restore", "backup-id=" + id);
                life.say("== restore settled: " + life.awaitRestore(60));
                life.say("== rows after restoring " + id + ": " + stack.sql("select count(*) from orders").output().strip());
            }
        }
        System.out.println("== stack stopped");
    }
}
