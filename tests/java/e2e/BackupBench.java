package e2e;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Backup benchmarks on the real stack (bench/run): a ~1 GB pgbench database backed up through the
 * charm's create-backup and by the same pgBackRest command run directly with the same configuration,
 * alternately; then a small sweep of pgBackRest tuning on the same data. Prints "name: value" lines.
 */
public final class BackupBench {

    private static final String STANZA = LocalStack.MODEL + ".patroni-" + LocalStack.APP;

    private final LocalStack stack;
    private final Lifecycle life;
    private final PrintStream out = System.out;
    private int lastCalls;
    private double lastOwnSeconds;
    private static final java.util.regex.Pattern OWN_TIME =
            java.util.regex.Pattern.compile("backup command end: completed successfully \\((\\d+)ms\\)");

    private BackupBench(LocalStack stack, Path charmDir) {
        this.stack = stack;
        this.life = new Lifecycle(stack, stack.dir.resolve("model"), charmDir, new PrintStream(PrintStream.nullOutputStream()));
    }

    public static void main(String[] args) throws Exception {
        int scale = args.length > 1 ? Integer.parseInt(args[1]) : 70;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        try (LocalStack stack = LocalStack.start()) {
            new BackupBench(stack, Path.of(args.length > 0 ? args[0] : "target/charm").toAbsolutePath()).run(scale, reps);
        }
    }

    private void run(int scale, int reps) throws IOException {
        life.deploy();
        life.relateS3();
        require(life.status().startsWith("active"), "relate: " + life.status());
        long start = System.nanoTime();
        Processes.run(900, "runuser", "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/pgbench", "-i", "-s",
                Integer.toString(scale), "-q", "-h", stack.dir.resolve("sock").toString(), "-p", Integer.toString(stack.pgPort),
                "postgres").check("pgbench -i");
        out.printf("bench_db_size_mb: %s%n", stack.sql("select pg_database_size('postgres') / 1000000").output().strip());
        out.printf("bench_pgbench_init_s: %.1f%n", (System.nanoTime() - start) / 1e9);
        Path config = stack.dir.resolve("pgbackrest/pgbackrest.conf");
        direct(config); // warm-up: WAL catch-up and caches, not measured

        List<Double> viaCharm = new ArrayList<>();
        List<Double> directly = new ArrayList<>();
        List<Double> ownCharm = new ArrayList<>();
        List<Double> ownDirect = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            directly.add(direct(config));
            ownDirect.add(lastOwnSeconds);
            viaCharm.add(charm());
            ownCharm.add(ownSecondsInLatestBackupLog());
        }
        double charm = median(viaCharm);
        double direct = median(directly);
        // pgBackRest's own "backup command end ... (N ms)": splits the overhead into the run itself and the rest.
        out.printf("backup_pgbackrest_own_charm_s: %.2f%n", median(ownCharm));
        out.printf("backup_pgbackrest_own_direct_s: %.2f%n", median(ownDirect));
        // What each way adds to pgBackRest's own run: the charm's whole fixed cost, against a bare process.
        List<Double> charmFixed = new ArrayList<>();
        List<Double> directFixed = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            charmFixed.add(viaCharm.get(i) - ownCharm.get(i));
            directFixed.add(directly.get(i) - ownDirect.get(i));
        }
        out.printf("backup_charm_fixed_s: %.3f%n", median(charmFixed));
        out.printf("backup_direct_fixed_s: %.3f%n", median(directFixed));
        out.printf("backup_charm_s: %.2f%n", charm);
        out.printf("backup_direct_s: %.2f%n", direct);
        out.printf("backup_overhead_ratio: %.3f%n", charm / direct);
        // The stand-in agent's hook tools are Python processes; a real agent's answer in a few ms.
        double toolSeconds = standInToolSeconds();
        out.printf("backup_hook_tool_calls: %d%n", lastCalls);
        out.printf("standin_hook_tool_ms: %.1f%n", toolSeconds * 1000);
        out.printf("backup_overhead_ratio_without_standin_tools: %.3f%n", (charm - lastCalls * toolSeconds) / direct);
        sweep(config, Math.max(2, reps - 1));
    }

    /** The charm's create-backup: the dispatch process alone, as the unit agent times it. */
    private double charm() {
        life.action("create-backup");
        require("backup created".equals(life.lastActionResult("backup-status")), "create-backup: " + life.lastActionFailure());
        double started = life.juju.state().get("last-dispatch-started").asDouble();
        lastCalls = 0;
        for (com.fasterxml.jackson.databind.JsonNode call : life.juju.calls()) {
            if (call.has("t") && call.get("t").asDouble() >= started) {
                lastCalls++;
            }
        }
        StringBuilder timeline = new StringBuilder(String.format("create-backup timeline (s since dispatch at %.3f):", started));
        for (com.fasterxml.jackson.databind.JsonNode call : life.juju.calls()) {
            if (call.has("t") && call.get("t").asDouble() >= started) {
                timeline.append(String.format(" %.2f:%s", call.get("t").asDouble() - started, call.get("tool").asText()));
            }
        }
        System.err.println(timeline);
        return life.juju.state().get("last-dispatch-seconds").asDouble();
    }

    /** Median wall time of one stand-in hook-tool call (is-leader), as the charm's dispatch pays it. */
    private double standInToolSeconds() {
        Path tool = life.juju.dir().resolve("bin/is-leader");
        Map<String, String> env = Map.of("FAKE_JUJU_DIR", life.juju.dir().toString());
        List<Double> runs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            Processes.run(30, env, tool.toString()).check("is-leader");
            runs.add((System.nanoTime() - start) / 1e9);
        }
        return median(runs);
    }

    /** The same pgBackRest command the charm runs, with the given configuration, directly. */
    private double direct(Path config) {
        long start = System.nanoTime();
        Processes.Result result = Processes.run(1800, "runuser", "-u", "postgres", "--", "pgbackrest", "--config=" + config,
                "--stanza=" + STANZA, "--log-level-console=debug", "--type=full", "--no-backup-standby", "backup");
        result.check("pgbackrest backup");
        double seconds = (System.nanoTime() - start) / 1e9;
        lastOwnSeconds = ownSeconds(result.output());
        return seconds;
    }

    /** The charm uploads pgBackRest's output next to each backup: the newest backup.log in the bucket. */
    private double ownSecondsInLatestBackupLog() throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(stack.s3().basedir())) {
            Path newest = files.filter(f -> f.getFileName().toString().equals("backup.log"))
                    .max(java.util.Comparator.comparingLong(f -> f.toFile().lastModified()))
                    .orElseThrow(() -> new IllegalStateException("no backup.log in the bucket"));
            return ownSeconds(Files.readString(newest));
        }
    }

    private static double ownSeconds(String output) {
        java.util.regex.Matcher m = OWN_TIME.matcher(output);
        require(m.find(), "no 'backup command end' in pgBackRest's output");
        return Long.parseLong(m.group(1)) / 1000.0;
    }

    /** The charm's default tuning against a few others, on the same data. */
    private void sweep(Path config, int reps) throws IOException {
        String base = Files.readString(config);
        Map<String, String[]> variants = new LinkedHashMap<>();
        variants.put("default_zst_pm2", new String[] {"zst", "2"});
        variants.put("lz4_pm2", new String[] {"lz4", "2"});
        variants.put("python_charm_zst_pm1", new String[] {"zst", "1"});
        variants.put("lz4_pm1", new String[] {"lz4", "1"});
        variants.put("zst_pm3", new String[] {"zst", "3"});
        Map<String, Double> times = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> v : variants.entrySet()) {
            Path file = stack.dir.resolve("pgbackrest/sweep-" + v.getKey() + ".conf");
            Files.writeString(file, base.replaceAll("(?m)^compress-type=.*$", "compress-type=" + v.getValue()[0])
                    .replaceAll("(?m)^process-max=.*$", "process-max=" + v.getValue()[1]));
            Processes.run(30, "chown", "postgres:postgres", file.toString()).check("chown");
            List<Double> runs = new ArrayList<>();
            for (int i = 0; i < reps; i++) {
                runs.add(direct(file));
            }
            times.put(v.getKey(), median(runs));
            out.printf("tuning_%s_s: %.2f%n", v.getKey(), median(runs));
        }
        double best = Collections.min(times.values());
        out.printf("default_vs_best_tuning_ratio: %.3f%n", times.get("default_zst_pm2") / best);
        out.printf("python_charm_settings_vs_default_ratio: %.3f%n", times.get("python_charm_zst_pm1") / times.get("default_zst_pm2"));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException(what);
        }
    }
}
