package postgresqlk8s.pgbackrest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import postgresqlk8s.workload.Command;

/**
 * How many CPUs the workload container may use, the input of the {@link TuningRule}: its CFS quota
 * (cgroup v2 {@code cpu.max}, else cgroup v1 {@code cpu.cfs_quota_us} over {@code cpu.cfs_period_us}),
 * bounded by the CPUs it may be scheduled on. A fractional quota counts as the next whole CPU: pgBackRest's
 * processes wait on I/O part of the time, so 1.5 CPUs of quota keep two of them busy.
 *
 * @param cores at least 1
 * @param source where the figure came from, for the log
 */
public record CpuAllowance(int cores, String source) {

    public static final String CGROUP_V2_MAX = "/sys/fs/cgroup/cpu.max";
    public static final String CGROUP_V1_QUOTA = "/sys/fs/cgroup/cpu/cpu.cfs_quota_us";
    public static final String CGROUP_V1_PERIOD = "/sys/fs/cgroup/cpu/cpu.cfs_period_us";
    /** grep's own status: the CPUs the container's processes may run on, what {@code nproc} counts. */
    public static final String OWN_STATUS = "/proc/self/status";
    private static final String CPUS_ALLOWED = "Cpus_allowed_list:";

    public CpuAllowance {
        if (cores < 1) {
            throw new IllegalArgumentException("a CPU allowance is at least one CPU, not " + cores);
        }
    }

    /**
     * One exec reads all three sources, without a shell: {@code grep -s -H} prints each file's matching
     * lines prefixed by its path and says nothing of a missing one (so its exit status is 2 on a host
     * that has only one cgroup version; the output is what counts). {@code Cpus_allowed_list} in grep's
     * own {@code /proc/self/status} is the affinity {@code nproc} counts, inherited from the container.
     */
    public static Command probe() {
        return Command.asRoot(Duration.ofSeconds(10), "grep", "-s", "-H", "-E", "^(max|-?[0-9]|" + CPUS_ALLOWED + ")",
                CGROUP_V2_MAX, CGROUP_V1_QUOTA, CGROUP_V1_PERIOD, OWN_STATUS);
    }

    /** What {@link #probe()} printed, read: an allowance, or why there is none. */
    public sealed interface Reading permits Known, Unknown {
    }

    public record Known(CpuAllowance allowance) implements Reading {
    }

    /** @param why what was read instead, for the log (the caller falls back to the 2-core tuning) */
    public record Unknown(String why) implements Reading {
    }

    /**
     * Reads {@link #probe()}'s output. A file whose content does not parse is passed over (and named in
     * {@link #source} or {@link Unknown#why}); nothing here throws on what a container holds.
     */
    public static Reading parse(String probeOutput) {
        List<String> problems = new ArrayList<>();
        Optional<Quota> quota = v2(line(probeOutput, CGROUP_V2_MAX), problems);
        if (quota.isEmpty()) {
            quota = v1(line(probeOutput, CGROUP_V1_QUOTA), line(probeOutput, CGROUP_V1_PERIOD), problems);
        }
        Optional<Integer> cpus = cpusAllowed(line(probeOutput, OWN_STATUS), problems);
        String ignored = problems.isEmpty() ? "" : "; ignored " + String.join(", ", problems);
        if (quota.isPresent() && quota.get().cores().isPresent()) {
            int limit = quota.get().cores().get();
            if (cpus.isPresent() && cpus.get() < limit) {
                return new Known(new CpuAllowance(cpus.get(), cpus.get() + " CPUs allowed, under " + quota.get().source() + ignored));
            }
            return new Known(new CpuAllowance(limit, quota.get().source() + ignored));
        }
        if (cpus.isPresent()) {
            String limit = quota.isPresent() ? quota.get().source() + ", " : "no CPU quota, ";
            return new Known(new CpuAllowance(cpus.get(), limit + cpus.get() + " CPUs allowed" + ignored));
        }
        return new Unknown(problems.isEmpty() ? "no CPU quota or CPU list readable" : String.join(", ", problems));
    }

    /** A CFS quota in CPUs (rounded up), or unlimited ({@code cores} empty). */
    private record Quota(Optional<Integer> cores, String source) {
    }

    /** {@code cpu.max}: "max 100000" (no limit) or "200000 100000" (quota and period in µs). */
    private static Optional<Quota> v2(Optional<String> content, List<String> problems) {
        if (content.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = content.get().trim().split("\\s+");
        if (parts.length == 2 && parts[0].equals("max") && positive(parts[1]).isPresent()) {
            return Optional.of(new Quota(Optional.empty(), "cgroup v2 cpu.max: no limit"));
        }
        if (parts.length == 2) {
            Optional<Long> quota = positive(parts[0]);
            Optional<Long> period = positive(parts[1]);
            if (quota.isPresent() && period.isPresent()) {
                return Optional.of(new Quota(Optional.of(ceilDiv(quota.get(), period.get())), "cgroup v2 cpu.max " + content.get().trim()));
            }
        }
        problems.add(CGROUP_V2_MAX + " '" + shortly(content.get()) + "'");
        return Optional.empty();
    }

    /** v1: a quota of -1 is no limit; otherwise quota over period, both in µs. */
    private static Optional<Quota> v1(Optional<String> quota, Optional<String> period, List<String> problems) {
        if (quota.isEmpty()) {
            return Optional.empty();
        }
        if (quota.get().trim().equals("-1")) {
            return Optional.of(new Quota(Optional.empty(), "cgroup v1 quota: no limit"));
        }
        Optional<Long> q = positive(quota.get().trim());
        Optional<Long> p = period.isPresent() ? positive(period.get().trim()) : Optional.empty();
        if (q.isPresent() && p.isPresent()) {
            return Optional.of(new Quota(Optional.of(ceilDiv(q.get(), p.get())),
                    "cgroup v1 quota " + q.get() + " / period " + p.get()));
        }
        problems.add(CGROUP_V1_QUOTA + " '" + shortly(quota.get()) + "' over " + CGROUP_V1_PERIOD + " '"
                + shortly(period.orElse("")) + "'");
        return Optional.empty();
    }

    /** {@code Cpus_allowed_list:	0-3,8}: ranges and single CPUs, counted. */
    private static Optional<Integer> cpusAllowed(Optional<String> statusLine, List<String> problems) {
        if (statusLine.isEmpty() || !statusLine.get().startsWith(CPUS_ALLOWED)) {
            return Optional.empty();
        }
        String list = statusLine.get().substring(CPUS_ALLOWED.length()).trim();
        int count = 0;
        try {
            for (String part : list.split(",")) {
                int dash = part.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1));
                if (from < 0 || to < from) {
                    throw new NumberFormatException(part);
                }
                count += to - from + 1;
            }
        } catch (NumberFormatException e) {
            problems.add(CPUS_ALLOWED + " '" + shortly(list) + "'");
            return Optional.empty();
        }
        return Optional.of(count);
    }

    /** The content of the first line grep printed for this file, without the path prefix. */
    private static Optional<String> line(String output, String path) {
        String prefix = path + ":";
        for (String l : output.split("\n")) {
            if (l.startsWith(prefix)) {
                return Optional.of(l.substring(prefix.length()));
            }
        }
        return Optional.empty();
    }

    private static Optional<Long> positive(String s) {
        try {
            long v = Long.parseLong(s);
            return v > 0 ? Optional.of(v) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static int ceilDiv(long quota, long period) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (quota + period - 1) / period));
    }

    private static String shortly(String s) {
        String t = s.strip();
        return t.length() > 40 ? t.substring(0, 40) + "..." : t;
    }
}
