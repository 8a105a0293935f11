package e2e;

import static e2e.Benches.median;
import static e2e.Benches.require;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The user-facing actions on the real stack (bench/run): {@code list300}, list-backups through the
 * charm's dispatch on a repository of 300 real backups against {@code pgbackrest info} alone on it; and
 * {@code restore}, a restore until the unit is Active against {@code pgbackrest restore} and PostgreSQL's
 * recovery alone on the same backup. Prints "name: value" lines.
 *
 * <p>The 300 backups (a full, then differentials and incrementals of a tiny database) take minutes to
 * make, so they are made once and kept under {@link #CACHE} (the S3 folder of the repository, with a
 * marker written last); a later run copies them into its bucket over the stanza the charm created. The
 * repository then belongs to another database than the pod's, which neither {@code info} nor
 * list-backups looks at.
 */
public final class ActionsBench {

    private static final String STANZA = LocalStack.MODEL + ".patroni-" + LocalStack.APP;
    /** The repository's folder in the bucket: the integrator's {@code path}. */
    private static final String REPO_PATH = "e2e-cluster";
    static final Path CACHE = Path.of(System.getProperty("bench.cache", "/var/tmp/pgk8s-bench-cache")).resolve("list300-v1");
    private static final int BACKUPS = 300;

    private final LocalStack stack;
    private final Lifecycle life;
    private final PrintStream out = System.out;

    private ActionsBench(LocalStack stack, Path charmDir) {
        this.stack = stack;
        this.life = new Lifecycle(stack, stack.dir.resolve("model"), charmDir, new PrintStream(PrintStream.nullOutputStream()));
    }

    /** Arguments: the unpacked charm, then {@code list300} or {@code restore [scale] [reps]}. */
    public static void main(String[] args) throws Exception {
        Path charm = Path.of(args.length > 0 ? args[0] : "target/charm").toAbsolutePath();
        String what = args.length > 1 ? args[1] : "list300";
        try (LocalStack stack = LocalStack.start()) {
            ActionsBench bench = new ActionsBench(stack, charm);
            bench.life.deploy();
            bench.life.relateS3();
            require(bench.life.status().startsWith("active"), "relate: " + bench.life.status());
            switch (what) {
                case "list300" -> bench.list300(args.length > 2 ? Integer.parseInt(args[2]) : 11);
                case "restore" -> bench.restore(args.length > 2 ? Integer.parseInt(args[2]) : 10,
                        args.length > 3 ? Integer.parseInt(args[3]) : 2);
                default -> throw new IllegalArgumentException("list300 or restore, not " + what);
            }
        }
    }

    // --- list-backups at scale ------------------------------------------------------------------------

    private void list300(int rounds) throws IOException {
        Path repo = stack.s3().basedir().resolve(Lifecycle.BUCKET).resolve(REPO_PATH);
        Path marker = CACHE.resolve("complete");
        if (!Files.exists(marker)) {
            double seconds = build(BACKUPS);
            Processes.run(60, "rm", "-rf", CACHE.toString()).check("clear the cache");
            Files.createDirectories(CACHE);
            Processes.run(600, "cp", "-a", repo.toString(), CACHE.resolve("repo").toString()).check("cache the repository");
            Files.writeString(marker, String.format("build_s=%.0f%n", seconds));
            out.printf("list_backups_300_repo_built: yes%n");
        } else {
            Processes.run(120, "rm", "-rf", repo.toString()).check("remove the charm's stanza");
            Processes.run(600, "cp", "-a", CACHE.resolve("repo").toString(), repo.toString()).check("restore the cached repository");
            out.printf("list_backups_300_repo_built: cached (%s)%n", CACHE);
        }
        out.printf("list_backups_300_build_s: %s%n", Files.readString(marker).strip().substring("build_s=".length()));

        String[] info = {"runuser", "-u", "postgres", "--", "pgbackrest", "info", "--output=json", "--io-timeout=3"};
        String[] repoLs = {"runuser", "-u", "postgres", "--", "pgbackrest", "repo-ls", "archive/" + STANZA, "--output=json",
                "--io-timeout=3", "--recurse", "--filter=\\.history$"};
        String text = stack.pod(0).run(60, info).check("pgbackrest info").output();
        int backups = new ObjectMapper().readTree(text).get(0).get("backup").size();
        require(backups >= BACKUPS, "the repository holds " + backups + " backups, not " + BACKUPS);
        out.printf("list_backups_300_backups: %d%n", backups);
        out.printf("list_backups_300_info_kb: %d%n", text.length() / 1024);

        List<Double> action = new ArrayList<>();
        List<Double> direct = new ArrayList<>();
        List<Double> listing = new ArrayList<>();
        for (int r = -2; r < rounds; r++) { // two warm-up rounds
            for (int k = 0; k < 3; k++) {
                switch ((r + 3 + k) % 3) {
                    case 0 -> {
                        double s = wall(() -> stack.pod(0).run(60, info).check("pgbackrest info"));
                        if (r >= 0) {
                            direct.add(s);
                        }
                    }
                    case 1 -> {
                        double s = wall(() -> stack.pod(0).run(60, repoLs).check("pgbackrest repo-ls"));
                        if (r >= 0) {
                            listing.add(s);
                        }
                    }
                    default -> {
                        life.action("list-backups");
                        int listed = BackupIds.fromList(life.juju).size();
                        require(listed == backups, "list-backups listed " + listed + " of " + backups + " backups: "
                                + life.lastActionFailure());
                        if (r >= 0) {
                            action.add(life.juju.state().get("last-dispatch-seconds").asDouble());
                        }
                    }
                }
            }
        }
        double started = life.juju.state().get("last-dispatch-started").asDouble();
        StringBuilder timeline = new StringBuilder("last list-backups' hook-tool calls (s since dispatch):");
        for (JsonNode call : life.juju.calls()) {
            if (call.has("t") && call.get("t").asDouble() >= started) {
                timeline.append(String.format(" %.3f:%s", call.get("t").asDouble() - started, call.get("tool").asText()));
            }
        }
        System.err.println(timeline);
        System.err.println("list-backups (s): " + action + "; info alone: " + direct + "; repo-ls alone: " + listing);
        double a = median(action);
        double d = median(direct);
        out.printf("list_backups_300_info_alone_ms: %.0f%n", d * 1000);
        out.printf("list_backups_300_history_listing_alone_ms: %.0f%n", median(listing) * 1000);
        out.printf("list_backups_300_action_ms: %.0f%n", a * 1000);
        out.printf("list_backups_300_ratio: %.2f%n", a / d);
    }

    /** Makes the repository: a tiny table, a row before each backup; a full every 100, a differential every 20. */
    private double build(int count) {
        long start = System.nanoTime();
        stack.sql("create table ticks(i int)").check("create table");
        for (int i = 0; i < count; i++) {
            stack.sql("insert into ticks values (" + i + ")").check("insert");
            String type = i % 100 == 0 ? "full" : i % 20 == 0 ? "diff" : "incr";
            stack.pod(0).run(300, "runuser", "-u", "postgres", "--", "pgbackrest", "--stanza=" + STANZA, "--type=" + type,
                    "--no-backup-standby", "backup").check("backup " + i);
            if (i % 25 == 24) {
                System.err.printf("list300: %d backups in %.0f s%n", i + 1, (System.nanoTime() - start) / 1e9);
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    // --- restore --------------------------------------------------------------------------------------

    private void restore(int scale, int reps) throws IOException {
        stack.pod(0).run(900, "runuser", "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/pgbench", "-i", "-s",
                Integer.toString(scale), "-q", "-h", "/tmp", "-p", "5432", "postgres").check("pgbench -i");
        out.printf("restore_db_size_mb: %s%n", stack.sql("select pg_database_size('postgres') / 1000000").output().strip());
        life.action("create-backup");
        require("backup created".equals(life.lastActionResult("backup-status")), "create-backup: " + life.lastActionFailure());
        life.action("list-backups");
        List<String> ids = new ArrayList<>(BackupIds.fromList(life.juju).keySet());
        String id = ids.get(ids.size() - 1); // the action's backup-id (a time); pgBackRest's label for the direct way
        String text = stack.pod(0).run(60, "runuser", "-u", "postgres", "--", "pgbackrest", "info", "--output=json")
                .check("pgbackrest info").output();
        JsonNode all = new ObjectMapper().readTree(text).get(0).get("backup");
        String label = all.get(all.size() - 1).get("label").asText();
        List<Double> direct = new ArrayList<>();
        List<Double> charm = new ArrayList<>();
        List<Double> action = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            direct.add(restoreDirectly(label));
            charm.add(restoreThroughCharm(id, action));
        }
        System.err.println("restore (s): charm " + charm + " (the action alone " + action + "); directly " + direct);
        out.printf("restore_direct_s: %.2f%n", median(direct));
        out.printf("restore_action_hook_s: %.2f%n", median(action));
        out.printf("restore_charm_to_active_s: %.2f%n", median(charm));
        out.printf("restore_action_ratio: %.2f%n", median(charm) / median(direct));
    }

    /**
     * The same restore the charm has Patroni run ({@code --type=immediate --target-action=promote}) into
     * a folder of the pod, then PostgreSQL on it (another port, no archiving) until recovery has ended
     * and it accepts writes.
     */
    private double restoreDirectly(String label) {
        Pod pod = stack.pod(0);
        String dir = "/var/lib/postgresql/bench-restore";
        pod.run(120, "rm", "-rf", dir).check("rm " + dir);
        pod.run(30, "install", "-d", "-o", "postgres", "-g", "postgres", "-m", "0700", dir).check("mkdir " + dir);
        long start = System.nanoTime();
        pod.run(1800, "runuser", "-u", "postgres", "--", "pgbackrest", "--stanza=" + STANZA, "--pg1-path=" + dir,
                "--set=" + label, "--type=immediate", "--target-action=promote", "restore").check("pgbackrest restore");
        pod.run(600, "runuser", "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/pg_ctl", "-D", dir, "-w", "-t", "600",
                "-l", "/tmp/bench-restore.log", "-o",
                "-c port=5433 -c listen_addresses= -c unix_socket_directories=/tmp -c archive_mode=off"
                        + " -c hba_file=" + dir + "/pg_hba.conf -c ident_file=" + dir + "/pg_ident.conf",
                "start").check("pg_ctl start");
        require(Processes.await(600, () -> "f".equals(pod.run(30, "runuser", "-u", "postgres", "--", "psql", "-X", "-h", "/tmp",
                "-p", "5433", "-d", "postgres", "-Atc", "select pg_is_in_recovery()").output().strip())), "recovery did not end");
        double seconds = (System.nanoTime() - start) / 1e9;
        pod.run(120, "runuser", "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/pg_ctl", "-D", dir, "-m", "fast", "stop")
                .check("pg_ctl stop");
        pod.run(120, "rm", "-rf", dir).check("rm " + dir);
        return seconds;
    }

    /** restore, then update-status back to back (as often as the agent can) until the unit is Active. */
    private double restoreThroughCharm(String id, List<Double> actionSeconds) {
        long start = System.nanoTime();
        life.action("restore", "backup-id=" + id);
        require(life.lastActionFailure().isEmpty(), "restore: " + life.lastActionFailure());
        actionSeconds.add(life.juju.state().get("last-dispatch-seconds").asDouble());
        double started = life.juju.state().get("last-dispatch-started").asDouble();
        StringBuilder timeline = new StringBuilder("restore action's hook-tool calls (s since dispatch):");
        for (JsonNode call : life.juju.calls()) {
            if (call.has("t") && call.get("t").asDouble() >= started) {
                String argv = call.path("argv").toString();
                timeline.append(String.format("%n  %.2f %s %s", call.get("t").asDouble() - started, call.get("tool").asText(),
                        argv.substring(0, Math.min(argv.length(), 140))));
            }
        }
        System.err.println(timeline);
        int hooks = 0;
        for (int i = 0; i < 2000; i++) {
            life.unit(0).queue("update-status");
            life.juju.settle(5);
            hooks++;
            String kind = life.juju.state().at("/unit-status/status").asText();
            if (kind.equals("active")) {
                double seconds = (System.nanoTime() - start) / 1e9;
                System.err.printf("restore: Active after %.2f s and %d update-status hooks (the last %.2f s)%n", seconds, hooks,
                        life.juju.state().get("last-dispatch-seconds").asDouble());
                return seconds;
            }
            require(!kind.equals("blocked"), "restore: " + life.status());
        }
        throw new IllegalStateException("restore did not settle: " + life.status());
    }

    // --- helpers --------------------------------------------------------------------------------------

    private interface Step {
        void run();
    }

    private static double wall(Step step) {
        long start = System.nanoTime();
        step.run();
        return (System.nanoTime() - start) / 1e9;
    }

}
