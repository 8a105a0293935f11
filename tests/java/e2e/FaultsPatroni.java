package e2e;

import static e2e.FaultRunner.Healing.YES;
import static e2e.Faults.expect;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import e2e.FaultRunner.Fault;
import e2e.FaultRunner.Healing;
import e2e.FaultRunner.Outcome;
import fakejuju.FakeJuju;
import k8sapi.LocalKubernetesApi;

/**
 * Faults of what the charm reads the cluster's state from, on the bench's one unit: Patroni not
 * answering its REST API during a restore, pgBackRest's JSON arriving spoilt through the real exec
 * path, and Patroni's DCS (the Kubernetes API) failing under it. Each ends when the unit is Active again
 * with nothing lost.
 */
final class FaultsPatroni {

    /** The bound for any hook. */
    private static final long HOOK_BOUND_MILLIS = 60_000;
    private static final String LIST_FAILED = "Failed to list PostgreSQL backups with error: ";
    private static final Predicate<List<String>> INFO_JSON = argv -> argv.contains("info") && argv.contains("--output=json");

    private FaultsPatroni() {
    }

    static List<Fault> all() {
        return List.of(
                new Fault("Patroni frozen (SIGSTOP) during update-status's restore check, then thawed", YES,
                        FaultsPatroni::patroniFrozenDuringRestoreCheck),
                new Fault("pgBackRest's JSON cut short or not JSON, for list-backups and create-backup", YES,
                        FaultsPatroni::pgBackRestJsonSpoilt),
                new Fault("the Kubernetes API answering 500 to Patroni (its DCS), then back", YES, FaultsPatroni::dcsAnswering500));
    }

    /**
     * Patroni stopped with SIGSTOP right after the restore action returned (it follows the restore until
     * the backup's files are written, so recovery may still run or be over): its REST port still accepts
     * connections but nothing answers, and Pebble still shows the service active. update-status cannot tell how the
     * restore went, so it must say neither "failed" nor "done" (the restore's keys stay, the database is not
     * stopped), and end well within the hook bound; once Patroni runs again, the restore's outcome is found.
     */
    static Outcome patroniFrozenDuringRestoreCheck(FaultBench b) throws IOException {
        Lifecycle life = b.life;
        life.action("create-backup"); // the backup of the rows there are now, which the restore must bring back
        expect(life.lastActionResult("backup-status").equals("backup created"), "create-backup: " + life.lastActionFailure());
        String id = Faults.newestBackup(life);
        int rows = b.stack.rows("orders");
        b.stack.sql("insert into orders select generate_series(300001, 300007)").check("insert");
        life.action("restore", "backup-id=" + id);
        expect(life.lastActionResult("restore-status").equals("restore started"), "restore: " + life.lastActionFailure());
        long stopsBefore = b.stack.databaseStops();
        long pid = patroniPid(b.stack.pod(0));
        long millis;
        String during;
        signal("STOP", pid);
        try {
            life.say("== kill -STOP " + pid + " (Patroni, as its Pebble service)");
            long start = System.nanoTime();
            FakeJuju.Run run = life.hook("update-status");
            millis = (System.nanoTime() - start) / 1_000_000;
            during = life.status();
            expect(run.exitCode() == 0, "update-status with Patroni frozen exited " + run.exitCode() + ": " + run.stderr());
            expect(millis < HOOK_BOUND_MILLIS / 2, "update-status with Patroni frozen took " + millis + " ms");
            expect(!during.startsWith("blocked") && !during.startsWith("active"), "neither failed nor done: " + during);
            expect(restoring(life), "the restore is still recorded as running");
            expect(b.stack.databaseStops() == stopsBefore, "update-status stopped the database");
        } finally {
            signal("CONT", pid);
        }
        life.say("== kill -CONT " + pid);
        String end = life.awaitRestore(90);
        int after = b.serving() ? b.stack.rows("orders") : -1;
        boolean healed = end.equals("active ") && after == rows && !restoring(life);
        return new Outcome(String.format("update-status exit 0 in %.1f s, %s; %s after the thaw with %d rows (the backup's %d)",
                millis / 1000.0, during.strip(), end.strip(), after, rows), healed ? Healing.YES : Healing.NO, "");
    }

    /**
     * The Kubernetes API stand-in spoils the stdout of the next {@code pgbackrest info --output=json}: cut
     * to half its length, then replaced with bytes no JSON parser takes. list-backups, and create-backup
     * of a differential (which looks for a full backup to build on in that JSON), each fail with the
     * reason and no stack trace or secret; the unit stays Active, and the next of each works.
     */
    static Outcome pgBackRestJsonSpoilt(FaultBench b) throws IOException {
        Lifecycle life = b.life;
        LocalKubernetesApi api = b.stack.api();
        String secret = b.stack.integratorData(Lifecycle.BUCKET).get("secret-key");
        List<String> failures = new ArrayList<>();
        List<UnaryOperator<byte[]>> spoilers = List.of(out -> Arrays.copyOf(out, out.length / 2),
                out -> "\u0000\u00ff<html>502 Bad Gateway</html> {{{".getBytes(StandardCharsets.ISO_8859_1));
        for (UnaryOperator<byte[]> spoil : spoilers) {
            api.garbleNextStdout(INFO_JSON, spoil);
            life.say("== the next pgbackrest info --output=json gets its stdout spoilt");
            life.action("list-backups");
            expect(!api.garblePending(), "list-backups ran pgbackrest info --output=json");
            failures.add(cleanFailure(life, LIST_FAILED, secret));
            expect(life.status().equals("active "), "the unit after it: " + life.status());
            life.action("list-backups");
            expect(life.lastActionFailure().isEmpty(), "the next list-backups: " + life.lastActionFailure());
        }
        api.garbleNextStdout(INFO_JSON, spoilers.get(0));
        life.say("== the next pgbackrest info --output=json gets its stdout spoilt");
        life.action("create-backup", "type=differential");
        expect(!api.garblePending(), "create-backup type=differential ran pgbackrest info --output=json");
        String create = cleanFailure(life, LIST_FAILED, secret);
        expect(life.status().equals("active "), "the unit after it: " + life.status());
        life.action("create-backup", "type=differential");
        String next = life.lastActionResult("backup-status");
        return Outcome.of("list-backups failed: " + String.join("; then: ", failures) + "; create-backup type=differential failed: "
                + create + "; the next of each works (" + (next.isEmpty() ? life.lastActionFailure() : next) + ")",
                next.equals("backup created") ? Healing.YES : Healing.NO);
    }

    /**
     * Patroni's DCS, the Kubernetes API, answers 500 to every request of Patroni's (its watches that are
     * open run on until their end), long enough for Patroni's leader lock to lapse: what Patroni's REST API
     * answers the charm then is recorded, update-status must exit 0 within the bound with a status that says
     * what the charm sees, and create-backup must end with a result or a clear failure. Once the API
     * answers again, Patroni leads again, the unit is Active and a backup is created.
     */
    static Outcome dcsAnswering500(FaultBench b) throws IOException {
        Lifecycle life = b.life;
        LocalKubernetesApi api = b.stack.api();
        String secret = b.stack.integratorData(Lifecycle.BUCKET).get("secret-key");
        String ip = b.stack.pod(0).ip();
        String answers;
        String during;
        String create;
        long millis;
        api.failRestCalls("Patroni/", 500);
        try {
            life.say("== the Kubernetes API answers 500 to Patroni's requests");
            // Patroni's loop runs every 10 s and its leader key lives 30 s: past that, the leader lock has lapsed
            expect(Processes.await(45, () -> api.failedRestCalls() >= 3), "Patroni called the API: " + api.failedRestCalls());
            Processes.await(35, () -> false);
            answers = "GET /patroni " + patroniAnswer(ip, "/patroni") + ", GET /cluster " + patroniAnswer(ip, "/cluster");
            life.say("== Patroni's REST API answers: " + answers + " (" + api.failedRestCalls() + " API calls failed)");
            long start = System.nanoTime();
            FakeJuju.Run run = life.hook("update-status");
            millis = (System.nanoTime() - start) / 1_000_000;
            expect(run.exitCode() == 0, "update-status exited " + run.exitCode() + ": " + run.stderr());
            expect(millis < HOOK_BOUND_MILLIS / 2, "update-status took " + millis + " ms");
            during = life.status();
            life.action("create-backup");
            String result = life.lastActionResult("backup-status");
            create = result.isEmpty() ? "failed: " + cleanFailure(life, "Failed to ", secret) : result;
        } finally {
            api.failRestCalls("Patroni/", 0);
        }
        life.say("== the Kubernetes API answers Patroni again");
        expect(Processes.await(90, () -> b.stack.leaderPod().isPresent()
                && b.stack.sql("select pg_is_in_recovery()").output().strip().equals("f")), "Patroni leads a primary again");
        String end = life.awaitActive(30);
        life.action("create-backup");
        String next = life.lastActionResult("backup-status");
        boolean healed = end.equals("active ") && next.equals("backup created");
        return Outcome.of(String.format("Patroni answered %s; update-status exit 0 in %.1f s, %s; create-backup %s; %s after, the next backup: %s",
                answers, millis / 1000.0, during.strip(), create, end.strip(), next.isEmpty() ? life.lastActionFailure() : next),
                healed ? Healing.YES : Healing.NO);
    }

    /** The last action's failure: it must start with the reference's words, and hold no stack trace and no secret. */
    private static String cleanFailure(Lifecycle life, String prefix, String secret) {
        String failure = life.lastActionFailure();
        expect(failure.startsWith(prefix) && failure.length() > prefix.length(), "the failure says why: " + failure);
        expect(!failure.contains("Exception") && !failure.contains("\tat ") && !failure.contains("\n"), "no stack trace: " + failure);
        expect(secret == null || secret.isEmpty() || !failure.contains(secret), "no secret in the failure");
        expect(secret == null || secret.isEmpty() || life.juju.jujuLog().stream().noneMatch(l -> l.contains(secret)), "no secret in the log");
        return failure;
    }

    /** The restore's key is still in the peer data: nobody said it ended. */
    private static boolean restoring(Lifecycle life) {
        String v = life.juju.appData(Lifecycle.PEERS).get("restoring-backup");
        return v != null && !v.isEmpty();
    }

    /** Patroni's PID: the database service's, which the Pebble stand-in keeps in the pod's Pebble folder. */
    private static long patroniPid(Pod pod) throws IOException {
        Path file = pod.dir().resolve("pebble/pids/postgresql.pid");
        long pid = Long.parseLong(Files.readString(file).strip());
        String cmd = ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("");
        expect(cmd.contains("patroni"), "pid " + pid + " is Patroni: " + cmd);
        return pid;
    }

    private static void signal(String signal, long pid) {
        Processes.run(10, "kill", "-" + signal, Long.toString(pid)).check("kill -" + signal + " " + pid);
    }

    /** What Patroni's REST API answers on this path now: "HTTP <code>", or how it failed to answer within 12 s. */
    private static String patroniAnswer(String ip, String path) {
        long start = System.nanoTime();
        try {
            HttpURLConnection c = (HttpURLConnection) new URL("http://" + ip + ":8008" + path).openConnection();
            c.setConnectTimeout(5000);
            c.setReadTimeout(12_000);
            try {
                return "HTTP " + c.getResponseCode();
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return String.format("no answer after %.1f s (%s)", (System.nanoTime() - start) / 1e9, e.getMessage());
        }
    }
}
