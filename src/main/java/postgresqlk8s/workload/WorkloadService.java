package postgresqlk8s.workload;

import java.time.Duration;

/**
 * The workload's Pebble services (the database is {@code postgresql}: Patroni, which runs PostgreSQL),
 * controlled with the Pebble CLI inside the workload container.
 */
public final class WorkloadService {

    public static final String POSTGRESQL = "postgresql";
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private final WorkloadExec exec;
    private final String pebble;

    public WorkloadService(WorkloadExec exec, String pebble) {
        this.exec = exec;
        this.pebble = pebble;
    }

    public void stop(String service) throws WorkloadUnreachableException, WorkloadCommandException {
        run("stop", service);
    }

    public void start(String service) throws WorkloadUnreachableException, WorkloadCommandException {
        run("start", service);
    }

    public void restart(String service) throws WorkloadUnreachableException, WorkloadCommandException {
        run("restart", service);
    }

    /** Adds (or combines) a layer read from a file in the workload container. */
    public void addLayer(String label, String path) throws WorkloadUnreachableException, WorkloadCommandException {
        ExecResult r = exec.run(Command.asRoot(DEADLINE, pebble, "add", "--combine", label, path));
        if (!r.succeeded()) {
            throw new WorkloadCommandException("pebble add " + label + ": " + r.stderr().strip());
        }
    }

    /** Pebble's states of a service that this charm tells apart. */
    public static final String ACTIVE = "active";
    public static final String INACTIVE = "inactive";
    public static final String BACKOFF = "backoff";

    /** True when Pebble reports the service as active. */
    public boolean isRunning(String service) throws WorkloadUnreachableException, WorkloadCommandException {
        return current(service).equals(ACTIVE);
    }

    /**
     * Pebble's "Current" state of the service: {@code active}, {@code inactive}, {@code backoff} (it
     * exited and Pebble starts it again after a delay), {@code error}; {@code inactive} when Pebble does
     * not list it.
     */
    public String current(String service) throws WorkloadUnreachableException, WorkloadCommandException {
        ExecResult r = exec.run(Command.asRoot(DEADLINE, pebble, "services", service));
        if (!r.succeeded()) {
            throw new WorkloadCommandException("pebble services " + service + ": " + r.stderr().strip());
        }
        for (String line : r.stdout().split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 3 && cols[0].equals(service)) {
                return cols[2];
            }
        }
        return INACTIVE;
    }

    /** Whether the container answers at all. */
    public boolean reachable() {
        try {
            return exec.run(Command.asRoot(Duration.ofSeconds(20), "true")).succeeded();
        } catch (WorkloadUnreachableException e) {
            return false;
        }
    }

    private void run(String verb, String service) throws WorkloadUnreachableException, WorkloadCommandException {
        ExecResult r = exec.run(Command.asRoot(DEADLINE, pebble, verb, service));
        if (!r.succeeded()) {
            String err = r.stderr().strip();
            throw new WorkloadCommandException(err.isEmpty() ? "pebble " + verb + " " + service + " exited " + r.exitCode() : err);
        }
    }
}
