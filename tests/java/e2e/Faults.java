package e2e;

import static e2e.FaultRunner.Healing.NOT_APPLICABLE;
import static e2e.FaultRunner.Healing.YES;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import e2e.FaultRunner.Fault;
import e2e.FaultRunner.Healing;
import e2e.FaultRunner.Outcome;
import fakejuju.FakeJuju;

/**
 * The faults of the matrix, in the order they run on one bench. Each injects its fault through the real
 * parts, drives the charm only as Juju would (hooks, update-status, actions), checks what a user must see
 * on the way ({@link #expect}: a scenario that finds otherwise breaks off, and its line does not hold), and
 * leaves the cluster as the fault's documented step leaves it.
 */
final class Faults {

    /** The bound for an interactive command when S3 does not answer. */
    static final long LIST_BOUND_MILLIS = 20_000;
    static final String BUCKET_BLOCK = "blocked failed to access/create the bucket, check your S3 settings";

    private Faults() {
    }

    /**
     * A part of the matrix: faults that run in order on one bench of their own, so that the test command
     * can run the parts side by side, and a section of docs/reliability.md.
     */
    record Part(String name, String title, List<Fault> faults, long volumeBytes) {
        Part(String name, String title, List<Fault> faults) {
            this(name, title, faults, 0);
        }
    }

    /**
     * The data volume Juju asks for when the charm's storage names no size: 1 GiB, a filesystem of its own
     * (the others' pods keep theirs on the machine's disk, whose size says nothing of a pod's).
     */
    static final long JUJU_DEFAULT_VOLUME_BYTES = 1L << 30;

    /** The parts, each group's own file keeping its faults and their helpers. */
    static List<Part> parts() {
        List<Fault> oneUnit = new java.util.ArrayList<>(s3());
        oneUnit.addAll(juju());
        oneUnit.addAll(workload());
        oneUnit.addAll(FaultsPatroni.all());
        // on a bench without restores: it writes 146 MB, which restores would then have to bring back
        List<Fault> backups = new java.util.ArrayList<>(FaultsBackup.all());
        // first, on the one unit: its volume is Juju's default size, which sizes the archive queue
        List<Fault> cluster = new java.util.ArrayList<>(FaultsArchive.all());
        // it grows the bench to a primary and a replica with TLS, where unit 0 takes no backup and restores are refused
        cluster.addAll(FaultsInterrupted.all());
        cluster.add(FaultsConcurrent.onOneUnit());
        // Patroni promotes unit 1, and unit 0 comes back as its replica
        cluster.addAll(FaultsFailover.all());
        // a third unit: two replicas (whichever units they are) back up at once
        cluster.add(FaultsConcurrent.onTwoReplicasFault());
        return List.of(
                new Part("one-unit", "One unit: S3, Juju's hook tools, the workload container, Patroni", oneUnit),
                new Part("backups", "A backup while S3 or WAL archiving fails", backups),
                new Part("cluster", "WAL past the archive queue, the charm interrupted, and a cluster of two and three units",
                        cluster, JUJU_DEFAULT_VOLUME_BYTES));
    }

    /** The part of that name. */
    static Part part(String name) {
        return parts().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no part " + name));
    }

    /** Every fault, part after part. */
    static List<Fault> all() {
        return parts().stream().flatMap(p -> p.faults().stream()).toList();
    }

    /** S3 stopped, frozen or killed around each thing the charm does with it; the bench has one unit. */
    static List<Fault> s3() {
        return List.of(
                new Fault("wrong secret key in the relation, then corrected there", NOT_APPLICABLE, Faults::wrongSecretKey),
                new Fault("S3 stopped during s3-credentials-changed, then back", YES, Faults::s3StoppedDuringCredentialsChanged),
                new Fault("S3 stopped when create-backup runs, then back", YES, Faults::s3StoppedForCreateBackup),
                new Fault("S3 stopped during list-backups, then back", YES, b -> listBackupsWithoutS3(b, false)),
                new Fault("S3 frozen (SIGSTOP) during list-backups, then thawed", YES, b -> listBackupsWithoutS3(b, true)),
                new Fault("S3 killed (SIGKILL) during a restore, then back", YES, Faults::s3KilledDuringRestore));
    }

    /** Juju's hook tools answering what the framework cannot read (the fake agent garbles the next answer). */
    static List<Fault> juju() {
        return List.of(
                new Fault("Juju's relation-get answering garbage during s3-parameters-relation-changed", YES, Faults::garbledRelationGet),
                new Fault("Juju's action-get answering garbage for create-backup", YES, Faults::garbledActionGet));
    }

    /** The workload container crashing and started again by Kubernetes (its own files lost, volumes kept). */
    static List<Fault> workload() {
        return List.of(
                new Fault("the workload container restarted (pebble-ready again)", YES, Faults::containerRestarted),
                new Fault("the workload container restarted during a restore", YES, Faults::containerRestartedDuringRestore),
                new Fault("the workload container restarted after a restore, before update-status saw it", YES,
                        Faults::containerRestartedAfterRestore));
    }

    /** A step of the scenario that must hold; when not, the scenario breaks off with this. */
    static void expect(boolean holds, String what) {
        if (!holds) {
            throw new IllegalStateException(what);
        }
    }

    /** The operator's own mistake: blocked with the reference's words and the reason in the log, no key in it. */
    static Outcome wrongSecretKey(FaultBench b) throws IOException {
        Lifecycle life = b.life;
        Map<String, String> wrong = new LinkedHashMap<>(b.stack.integratorData(Lifecycle.BUCKET));
        wrong.put("secret-key", "not-the-secret-key-at-all");
        life.say("$ juju config s3-integrator ... (a wrong secret key)");
        life.juju.setRemoteAppData(Lifecycle.S3_RELATION, wrong);
        life.relationHook("s3-parameters-relation-changed", Lifecycle.S3_RELATION);
        String blocked = life.status();
        expect(blocked.equals(BUCKET_BLOCK), "wrong key: " + blocked);
        expect(life.juju.jujuLog().toString().contains("403"), "the log says why (403)");
        expect(!life.juju.jujuLog().toString().contains("not-the-secret-key-at-all"), "no key in the log");
        life.say("$ juju config s3-integrator ... (the right secret key)");
        life.juju.setRemoteAppData(Lifecycle.S3_RELATION, b.stack.integratorData(Lifecycle.BUCKET));
        life.relationHook("s3-parameters-relation-changed", Lifecycle.S3_RELATION);
        expect(life.status().equals("active "), "corrected: " + life.status());
        return Outcome.of(blocked + "; active once corrected", NOT_APPLICABLE);
    }

    /** S3 gone while the settings are applied: blocked, then Active again on update-status once S3 answers. */
    static Outcome s3StoppedDuringCredentialsChanged(FaultBench b) throws IOException {
        Lifecycle life = b.life;
        b.stack.stopS3();
        life.say("== S3 stopped");
        life.relationHook("s3-parameters-relation-changed", Lifecycle.S3_RELATION);
        String blocked = life.status();
        expect(blocked.startsWith("blocked "), "S3 stopped: " + blocked);
        b.stack.startS3Again();
        life.say("== S3 back");
        life.hook("update-status");
        return healedWhenActive(life, blocked, "update-status");
    }

    /** create-backup without S3: refused with the reference's words, and the next one works once S3 answers. */
    static Outcome s3StoppedForCreateBackup(FaultBench b) throws IOException {
        Lifecycle life = b.life;
        b.stack.stopS3();
        life.say("== S3 stopped");
        life.action("create-backup");
        String failure = life.lastActionFailure();
        expect(failure.equals("Failed to upload metadata to provided S3"), "create-backup without S3: " + failure);
        expect(life.status().equals("active "), "the unit after it: " + life.status());
        b.stack.startS3Again();
        life.say("== S3 back");
        life.action("create-backup");
        String result = life.lastActionResult("backup-status");
        return new Outcome("create-backup failed: " + failure + "; the next one: " + result,
                result.equals("backup created") ? Healing.YES : Healing.NO, "");
    }

    /** list-backups gives up within the bound and says why; works again once S3 answers. */
    static Outcome listBackupsWithoutS3(FaultBench b, boolean frozen) throws IOException {
        Lifecycle life = b.life;
        String failure;
        long millis;
        if (frozen) {
            long[] took = new long[1];
            failure = b.stack.withS3Frozen(() -> {
                life.say("== S3 frozen");
                took[0] = timedListBackups(life);
                return life.lastActionFailure();
            });
            millis = took[0];
        } else {
            b.stack.stopS3();
            life.say("== S3 stopped");
            millis = timedListBackups(life);
            failure = life.lastActionFailure();
            b.stack.startS3Again();
        }
        life.say("== S3 back");
        String prefix = "Failed to list PostgreSQL backups with error: ";
        expect(failure.startsWith(prefix) && failure.length() > prefix.length(), "list-backups without S3: " + failure);
        expect(millis < LIST_BOUND_MILLIS, "list-backups gave up after " + millis + " ms");
        life.action("list-backups");
        boolean works = life.lastActionFailure().isEmpty();
        return new Outcome("list-backups failed after " + (millis / 100) / 10.0 + " s: " + failure.substring(prefix.length())
                + (works ? "; works again" : "; still failing: " + life.lastActionFailure()), works ? Healing.YES : Healing.NO, "");
    }

    private static long timedListBackups(Lifecycle life) {
        long start = System.nanoTime();
        life.action("list-backups");
        return (System.nanoTime() - start) / 1_000_000;
    }

    /**
     * S3 killed the moment the restore stopped the database, so the bootstrap's pgBackRest restore finds
     * no S3: update-status calls the restore failed once the data directory stood still for two minutes
     * while the repository does not answer; once S3 answers again, the restore resumes by itself.
     */
    static Outcome s3KilledDuringRestore(FaultBench b) throws IOException, InterruptedException {
        Lifecycle life = b.life;
        String id = newestBackup(life);
        int rows = b.stack.rows("orders");
        long stopsBefore = b.stack.databaseStops();
        Path log = b.stack.dir.resolve("restore-s3-killed.out");
        life.say("$ juju run " + LocalStack.UNIT + " restore backup-id=" + id + "   (S3 killed once the database is stopped)");
        Process agent = life.unit(0).startAction(log, "restore", "backup-id=" + id);
        try {
            expect(Processes.await(60, () -> b.stack.databaseStops() > stopsBefore), "the restore stopped the database");
            b.stack.killS3();
            life.say("== S3 killed (SIGKILL)");
            expect(agent.waitFor(120, TimeUnit.SECONDS), "the restore action ended");
        } finally {
            Processes.stopTree(agent);
        }
        life.say(Files.readString(log).strip());
        expect(life.lastActionResult("restore-status").equals("restore started"), "restore: " + life.lastActionFailure());
        String failed = life.awaitRestore(150);
        expect(failed.equals("blocked Failed to restore backup"), "with S3 gone: " + failed);
        String why = life.juju.jujuLog().stream().filter(l -> l.contains("restore failed: ")).reduce((x, y) -> y).orElse("");
        life.say("== juju debug-log: " + why);
        b.stack.startS3Again();
        life.say("== S3 back");
        String end = life.awaitActive(90);
        boolean healed = end.equals("active ") && b.serving() && b.stack.rows("orders") == rows;
        return new Outcome(failed + "; " + end.strip() + " after S3 came back (" + b.stack.rows("orders") + " of " + rows + " rows)",
                healed ? Healing.YES : Healing.NO, "the restore resumes");
    }

    /**
     * The hook that meets an unreadable answer exits 0, says so in the log, and keeps the work it could
     * not do for the next dispatch (no unit in error state, no endless retry by Juju); update-status, the
     * next dispatch, does it.
     */
    static Outcome garbledRelationGet(FaultBench b) {
        Lifecycle life = b.life;
        life.juju.editModel(state -> state.putObject("garble").put("relation-get", 1));
        life.say("== the agent's next relation-get answers garbage");
        FakeJuju.Run run = life.relationHook("s3-parameters-relation-changed", Lifecycle.S3_RELATION);
        String logged = life.juju.jujuLog().stream().filter(l -> l.contains("answer could not be read")).reduce((x, y) -> y).orElse("");
        life.say("== juju debug-log: " + logged);
        expect(run.exitCode() == 0, "the hook exited " + run.exitCode() + " (Juju would retry it without end): " + run.stderr());
        expect(!logged.isEmpty(), "the log says a hook tool's answer could not be read");
        String during = life.status();
        life.hook("update-status");
        return healedWhenActive(life, "hook exit 0, logged, deferred; " + during.strip(), "the next update-status");
    }

    /** The action that meets an unreadable answer fails with the reason; the next one works. */
    static Outcome garbledActionGet(FaultBench b) {
        Lifecycle life = b.life;
        life.juju.editModel(state -> state.putObject("garble").put("action-get", 1));
        life.say("== the agent's next action-get answers garbage");
        life.action("create-backup");
        String failure = life.lastActionFailure();
        // `juju run` exits 1 for any failed action; the charm's own words show the dispatch handled it (an
        // uncaught error would say "Unexpected error in create-backup" and exit 1)
        expect(failure.startsWith("Juju's hook tools answered something unreadable"), "the action says why: " + failure);
        life.action("create-backup");
        String next = life.lastActionResult("backup-status");
        return new Outcome("create-backup failed: " + failure + "; the next one: " + next,
                next.equals("backup created") ? Healing.YES : Healing.NO, "");
    }

    /**
     * Everything in the container killed at once, its own files (/etc/pgbackrest.conf with them) and
     * Pebble's layers gone: pebble-ready brings the database back with its rows, and pgBackRest's
     * configuration, so that the next backup (which checks WAL archiving) works.
     */
    static Outcome containerRestarted(FaultBench b) throws IOException {
        Lifecycle life = b.life;
        int rows = b.stack.rows("orders");
        b.stack.restartContainer(0);
        life.say("== the workload container of " + LocalStack.UNIT + " was killed and started again");
        FakeJuju.Run run = life.hook("postgresql-pebble-ready");
        expect(run.exitCode() == 0, "pebble-ready exited " + run.exitCode());
        expect(Processes.await(90, b::serving), "the database serves again");
        expect(b.stack.rows("orders") == rows, "the rows: " + b.stack.rows("orders") + " of " + rows);
        life.hook("update-status");
        String status = life.status();
        life.action("create-backup");
        String next = life.lastActionResult("backup-status");
        boolean healed = status.equals("active ") && next.equals("backup created");
        return new Outcome(status.strip() + ", " + rows + " of " + rows + " rows; create-backup: "
                + (next.isEmpty() ? life.lastActionFailure() : next), healed ? Healing.YES : Healing.NO, "pebble-ready");
    }

    /**
     * The restore's bootstrap killed with the container: pebble-ready starts the same restore again. The
     * restore action follows the restore it started (RestoreFollow), so the container is restarted while
     * the action runs, as soon as its {@code pebble start} has ended (earlier, the start itself would be
     * killed: another fault); the action's follow then ends (the pod's Pebble no longer runs the service)
     * and pebble-ready waits for it, as Juju's machine lock makes it.
     */
    static Outcome containerRestartedDuringRestore(FaultBench b) throws IOException, InterruptedException {
        Lifecycle life = b.life;
        String id = newestBackup(life);
        int rows = b.stack.rows("orders");
        b.stack.sql("insert into orders select generate_series(100001, 100010)").check("insert");
        long startsBefore = databaseStarts(b.stack, false);
        Path log = b.stack.dir.resolve("restore-container-restarted.out");
        life.say("$ juju run " + LocalStack.UNIT + " restore backup-id=" + id + "   (the container restarted once the database started)");
        Process agent = life.unit(0).startAction(log, "restore", "backup-id=" + id);
        try {
            expect(Processes.await(90, () -> databaseStarts(b.stack, true) > startsBefore), "the restore started the database");
            b.stack.restartContainer(0);
            life.say("== the workload container was killed and started again as the restore's bootstrap ran");
            expect(agent.waitFor(120, TimeUnit.SECONDS), "the restore action ended");
        } finally {
            Processes.stopTree(agent);
        }
        life.say(Files.readString(log).strip());
        expect(life.lastActionResult("restore-status").equals("restore started"), "restore: " + life.lastActionFailure());
        FakeJuju.Run run = life.hook("postgresql-pebble-ready");
        expect(run.exitCode() == 0, "pebble-ready exited " + run.exitCode());
        boolean again = life.juju.jujuLog().stream().anyMatch(l -> l.contains("starting the restore again"));
        String end = life.awaitRestore(90);
        boolean healed = end.equals("active ") && b.serving() && b.stack.rows("orders") == rows;
        return new Outcome((again ? "the restore started again on pebble-ready; " : "the restore had finished before; ")
                + end.strip() + " with " + b.stack.rows("orders") + " rows (the backup's " + rows + ")",
                healed ? Healing.YES : Healing.NO, "the restore completes");
    }

    /**
     * The restore finished and the database took writes, but no update-status has seen it yet: the
     * container restarting must not start the restore again (which would lose those writes).
     */
    static Outcome containerRestartedAfterRestore(FaultBench b) throws IOException {
        Lifecycle life = b.life;
        String id = newestBackup(life);
        int rows = b.stack.rows("orders");
        life.action("restore", "backup-id=" + id);
        expect(life.lastActionResult("restore-status").equals("restore started"), "restore: " + life.lastActionFailure());
        expect(Processes.await(120, () -> b.stack.sql("select pg_is_in_recovery()").output().strip().equals("f")),
                "the restored database was promoted");
        // Patroni may restart the promoted database once more as its bootstrap ends ("the database system is
        // shutting down"): a write that commits survives that, so each step is retried until it succeeds
        expect(Processes.await(120, () -> b.stack.sql("insert into orders select generate_series(200001, 200005)"
                + " on conflict do nothing").exitCode() == 0), "the restored database took writes");
        expect(Processes.await(120, () -> b.stack.sql("checkpoint").exitCode() == 0), "checkpoint after the writes");
        b.stack.restartContainer(0);
        life.say("== the workload container was killed and started again after the restore, before any update-status");
        FakeJuju.Run run = life.hook("postgresql-pebble-ready");
        expect(run.exitCode() == 0, "pebble-ready exited " + run.exitCode());
        String end = life.awaitRestore(90);
        int after = b.serving() ? b.stack.rows("orders") : -1;
        boolean healed = end.equals("active ") && after == rows + 5;
        return new Outcome(end.strip() + " with " + after + " rows (the backup's " + rows + " and 5 written after the restore)",
                healed ? Healing.YES : Healing.NO, "pebble-ready");
    }

    /** The charm's {@code pebble start postgresql} execs so far; with {@code ended}, those that have ended. */
    private static long databaseStarts(LocalStack stack, boolean ended) {
        java.util.function.Predicate<List<String>> start = argv -> argv.size() >= 3
                && argv.subList(argv.size() - 3, argv.size()).equals(List.of("/charm/bin/pebble", "start", "postgresql"));
        long all = stack.kubernetesExecs().stream().filter(start).count(); // first: a start that comes after is in neither
        long open = ended ? stack.api().openExecs().stream().filter(start).count() : 0;
        return all - open;
    }

    /** The newest backup list-backups shows (its rows of restores that started timelines left aside). */
    static String newestBackup(Lifecycle life) {
        life.action("list-backups");
        List<String> ids = BackupIds.fromList(life.juju).entrySet().stream()
                .filter(e -> !e.getValue().startsWith("restore")).map(Map.Entry::getKey).toList();
        return ids.get(ids.size() - 1);
    }

    /** Unit 0's update-status after the fault's reason went away: Active is healed without the operator. */
    private static Outcome healedWhenActive(Lifecycle life, String during, String by) {
        String after = life.status();
        return Outcome.of(during + "; " + after.strip() + " after " + by, after.equals("active ") ? Healing.YES : Healing.NO);
    }
}
