package e2e;

import static e2e.Benches.require;

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
    private long lastOutputBytes;
    private static final java.util.regex.Pattern OWN_TIME =
            java.util.regex.Pattern.compile("backup command end: completed successfully \\((\\d+)ms\\)");

    private BackupBench(LocalStack stack, Path charmDir) {
        this.stack = stack;
        this.life = new Lifecycle(stack, stack.dir.resolve("model"), charmDir, new PrintStream(PrintStream.nullOutputStream()));
    }

    /** Arguments: the unpacked charm, the pgbench scale, repetitions, and "sweep" to run the tuning sweep alone. */
    public static void main(String[] args) throws Exception {
        int scale = args.length > 1 ? Integer.parseInt(args[1]) : 70;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String mode = args.length > 3 ? args[3] : "all";
        try (LocalStack stack = LocalStack.start()) {
            new BackupBench(stack, Path.of(args.length > 0 ? args[0] : "target/charm").toAbsolutePath()).run(scale, reps, mode);
        }
    }

    /**
     * @param mode {@code all}; {@code sweep}, the tuning sweep alone; {@code fixed}, the charm's fixed cost
     *     alone (no exec runs, no sweep): {@code bench/run fixed}, on a small database
     */
    private void run(int scale, int reps, String mode) throws IOException {
        boolean sweepOnly = mode.equals("sweep");
        boolean fixedOnly = mode.equals("fixed");
        life.deploy();
        life.relateS3();
        require(life.status().startsWith("active"), "relate: " + life.status());
        long start = System.nanoTime();
        stack.pod(0).run(900, "runuser", "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/pgbench", "-i", "-s",
                Integer.toString(scale), "-q", "-h", "/tmp", "-p", "5432", "postgres").check("pgbench -i");
        out.printf("bench_db_size_mb: %s%n", stack.sql("select pg_database_size('postgres') / 1000000").output().strip());
        out.printf("bench_pgbench_init_s: %.1f%n", (System.nanoTime() - start) / 1e9);
        String config = "/etc/pgbackrest.conf"; // in the pod
        direct(config); // warm-up: WAL catch-up and caches, not measured
        if (sweepOnly) {
            sweep(config, reps);
            return;
        }

        List<Run> viaCharm = new ArrayList<>();
        List<Run> directly = new ArrayList<>();
        List<Run> viaExec = new ArrayList<>();
        // Each way goes first, second and third in turn, each after a random pause: pgBackRest waits for the
        // next second of the database clock before it copies, so a run's start phase is worth up to 1 s.
        int ways = fixedOnly ? 2 : 3;
        for (int i = 0; i < reps; i++) {
            for (int k = 0; k < ways; k++) {
                randomPhase();
                int way = (i + k) % ways;
                switch (fixedOnly && way == 1 ? 2 : way) {
                    case 0:
                        directly.add(direct(config));
                        break;
                    case 1:
                        viaExec.add(throughExec(config));
                        break;
                    default:
                        viaCharm.add(charm());
                }
            }
        }
        System.err.println("runs (wall, pgBackRest's own, its wait for the next second): direct " + directly
                + " exec " + viaExec + " charm " + viaCharm);
        double charm = median(viaCharm, Run::wall);
        double direct = median(directly, Run::wall);
        out.printf("backup_pgbackrest_own_charm_s: %.2f%n", median(viaCharm, Run::own));
        out.printf("backup_pgbackrest_own_direct_s: %.2f%n", median(directly, Run::own));
        if (!viaExec.isEmpty()) {
            out.printf("backup_pgbackrest_own_exec_s: %.2f%n", median(viaExec, Run::own));
        }
        out.printf("backup_second_wait_charm_s: %.2f%n", median(viaCharm, Run::secondWait));
        out.printf("backup_second_wait_direct_s: %.2f%n", median(directly, Run::secondWait));
        out.printf("backup_console_output_kb: %d%n", lastOutputBytes / 1024);
        // What each way adds to pgBackRest's own run: the charm's whole fixed cost, against a bare process;
        // the figure leaves out the stand-in agent's hook tools (Python; a real agent's answer in a few ms).
        double toolSeconds = standInToolSeconds();
        out.printf("backup_charm_fixed_with_standin_tools_s: %.3f%n", median(viaCharm, Run::fixed));
        out.printf("backup_charm_fixed_s: %.3f%n", median(viaCharm, Run::fixed) - lastCalls * toolSeconds);
        out.printf("backup_direct_fixed_s: %.3f%n", median(directly, Run::fixed));
        out.printf("backup_hook_tool_calls: %d%n", lastCalls);
        out.printf("standin_hook_tool_ms: %.1f%n", toolSeconds * 1000);
        if (fixedOnly) {
            return;
        }
        out.printf("backup_charm_s: %.2f%n", charm);
        out.printf("backup_direct_s: %.2f%n", direct);
        out.printf("backup_overhead_ratio: %.3f%n", charm / direct);
        out.printf("backup_overhead_ratio_less_second_wait: %.3f%n",
                median(viaCharm, Run::lessWait) / median(directly, Run::lessWait));
        out.printf("backup_overhead_ratio_without_standin_tools: %.3f%n", (charm - lastCalls * toolSeconds) / direct);
        sweep(config, Math.max(2, reps - 1));
    }

    /**
     * One backup: its wall time as the caller saw it, pgBackRest's own run time ("backup command end:
     * completed successfully (N ms)") and, within that, its sleep until the database clock's next second.
     */
    record Run(double wall, double own, double secondWait) {
        double fixed() {
            return wall - own;
        }

        double lessWait() {
            return wall - secondWait;
        }

        static Run of(double wall, String output) {
            java.util.regex.Matcher m = OWN_TIME.matcher(output);
            require(m.find(), "no 'backup command end' in pgBackRest's output");
            return new Run(wall, Long.parseLong(m.group(1)) / 1000.0, secondWait(output));
        }

        /** The gap between pgBackRest's two readings of the database time at backup start (debug log). */
        static double secondWait(String output) {
            String[] lines = output.split("\n");
            for (int i = 0; i + 1 < lines.length; i++) {
                if (lines[i].contains("db/db::dbTimeMSec: =>") && lines[i + 1].contains("db/db::dbTimeMSec: (")) {
                    return seconds(lines[i + 1]) - seconds(lines[i]);
                }
            }
            throw new IllegalStateException("no pair of database time readings in pgBackRest's output");
        }

        private static double seconds(String line) {
            java.time.LocalDateTime t = java.time.LocalDateTime.parse(line.substring(0, 23).replace(' ', 'T'));
            return t.toEpochSecond(java.time.ZoneOffset.UTC) + t.getNano() / 1e9;
        }

        @Override
        public String toString() {
            return String.format("(%.2f, %.2f, %.2f)", wall, own, secondWait);
        }
    }

    private final java.util.Random phases = new java.util.Random(20261126L);

    private void randomPhase() {
        try {
            Thread.sleep(phases.nextInt(1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The charm's create-backup: the dispatch process alone, as the unit agent times it. */
    private Run charm() throws IOException {
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
        return Run.of(life.juju.state().get("last-dispatch-seconds").asDouble(), latestBackupLog());
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
        return Benches.median(runs);
    }

    /** The same pgBackRest command the charm runs, with the given configuration, directly. */
    private Run direct(String config) {
        long start = System.nanoTime();
        Processes.Result result = stack.pod(0).run(1800, "runuser", "-u", "postgres", "--", "pgbackrest", "--config=" + config,
                "--stanza=" + STANZA, "--log-level-console=debug", "--type=full", "--no-backup-standby", "backup");
        result.check("pgbackrest backup");
        double seconds = (System.nanoTime() - start) / 1e9;
        lastOutputBytes = result.output().length();
        return Run.of(seconds, result.output());
    }

    /**
     * The same command through the Kubernetes exec path (the stand-in API, {@code timeout} and
     * {@code runuser} in the pod, the WebSocket relay) from this JVM, without the charm.
     */
    private Run throughExec(String config) {
        try {
            postgresqlk8s.kubernetes.KubernetesWorkloadExec exec = new postgresqlk8s.kubernetes.KubernetesWorkloadExec(
                    postgresqlk8s.kubernetes.KubernetesClients.fromKubeconfig(Path.of(stack.charmEnv().get("KUBECONFIG"))),
                    LocalStack.MODEL, LocalStack.APP + "-0", postgresqlk8s.kubernetes.KubernetesWorkloadExec.CONTAINER);
            long start = System.nanoTime();
            postgresqlk8s.workload.ExecResult result = exec.run(postgresqlk8s.workload.Command.asPostgres(
                    java.time.Duration.ofMinutes(30), "pgbackrest", "--config=" + config, "--stanza=" + STANZA,
                    "--log-level-console=debug", "--type=full", "--no-backup-standby", "backup"));
            double seconds = (System.nanoTime() - start) / 1e9;
            require(result.succeeded(), "pgbackrest backup through exec: " + result.stderr());
            return Run.of(seconds, result.stdout());
        } catch (postgresqlk8s.workload.WorkloadUnreachableException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The charm uploads pgBackRest's output next to each backup: the newest backup.log in the bucket. */
    private String latestBackupLog() throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(stack.s3().basedir())) {
            Path newest = files.filter(f -> f.getFileName().toString().equals("backup.log"))
                    .max(java.util.Comparator.comparingLong(f -> f.toFile().lastModified()))
                    .orElseThrow(() -> new IllegalStateException("no backup.log in the bucket"));
            return Files.readString(newest);
        }
    }

    /** The sweep: compress-type x process-max, each with the charm's configuration otherwise. */
    static final String[] SWEEP_COMPRESSION = {"zst", "lz4"};
    static final int[] SWEEP_PROCESSES = {1, 2, 3, 4};

    /**
     * The charm's derived tuning (its pgbackrest.conf as written, for this pod's CPUs) against a sweep of
     * compress-type x process-max on the same data; every round runs each configuration once, in a
     * shuffled order, so drift on a shared machine spreads over all of them.
     */
    private void sweep(String config, int reps) throws IOException {
        String base = stack.pod(0).run(30, "cat", config).check("cat " + config).output();
        out.printf("tuning_default_process_max: %s%n", setting(base, "process-max"));
        out.printf("tuning_default_archive_process_max: %s%n", setting(base, "process-max", "[global:archive-push]"));
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("default_derived", config);
        for (String c : SWEEP_COMPRESSION) {
            for (int p : SWEEP_PROCESSES) {
                String name = c + "_pm" + p;
                // The pod's /tmp, as the machine sees it.
                Path file = stack.pod(0).dir().resolve("tmp/sweep-" + name + ".conf");
                Files.writeString(file, base.replaceAll("(?m)^compress-type=.*$", "compress-type=" + c)
                        .replaceFirst("(?m)^process-max=.*$", "process-max=" + p));
                Processes.run(30, "chown", "postgres:postgres", file.toString()).check("chown");
                configs.put(name, "/tmp/" + file.getFileName());
            }
        }
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        List<String> order = new ArrayList<>(configs.keySet());
        java.util.Random shuffle = new java.util.Random(20261129L);
        for (int i = 0; i < reps; i++) {
            Collections.shuffle(order, shuffle);
            for (String name : order) {
                runs.computeIfAbsent(name, k -> new ArrayList<>()).add(direct(configs.get(name)));
            }
        }
        Map<String, Double> times = new LinkedHashMap<>();
        for (String name : configs.keySet()) {
            // Less pgBackRest's wait for the next second, which no tuning changes.
            times.put(name, median(runs.get(name), Run::lessWait));
            out.printf("tuning_%s_s: %.2f%n", name, times.get(name));
        }
        System.err.println("sweep runs (wall, pgBackRest's own, its wait for the next second): " + runs);
        Map<String, Double> swept = new LinkedHashMap<>(times);
        swept.remove("default_derived");
        String best = Collections.min(swept.entrySet(), Map.Entry.comparingByValue()).getKey();
        out.printf("tuning_sweep_best: %s%n", best);
        out.printf("default_vs_best_tuning_ratio: %.3f%n", times.get("default_derived") / swept.get(best));
        out.printf("python_charm_settings_vs_default_ratio: %.3f%n", times.get("zst_pm1") / times.get("default_derived"));
    }

    /** A setting's value in the rendered configuration's first section, or under the given section header. */
    private static String setting(String conf, String key, String... section) {
        String text = conf;
        if (section.length > 0) {
            int at = conf.indexOf(section[0] + "\n");
            if (at < 0) {
                return "-";
            }
            text = conf.substring(at + section[0].length());
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + key + "=(.*)$").matcher(text);
        return m.find() ? m.group(1) : "-";
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> figure) {
        List<Double> values = new ArrayList<>();
        for (Run r : runs) {
            values.add(figure.applyAsDouble(r));
        }
        return Benches.median(values);
    }

}
