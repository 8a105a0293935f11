package postgresqlk8s.workload;

import java.time.Duration;

/** The PostgreSQL data directory in the workload container. */
public final class DataDirectory {

    private final WorkloadExec exec;
    private final String path;

    public DataDirectory(WorkloadExec exec, String path) {
        this.exec = exec;
        this.path = path;
    }

    public String path() {
        return path;
    }

    /**
     * Removes everything inside the data directory, keeping the directory with its owner and mode. A
     * directory that is not there (Patroni moves it aside after a failed bootstrap) counts as empty.
     */
    public void empty() throws WorkloadUnreachableException, WorkloadCommandException {
        ExecResult r = exec.run(Command.asRoot(Duration.ofMinutes(10), "find", path, "-mindepth", "1", "-delete"));
        if (!r.succeeded() && !r.stderr().contains("No such file or directory")) {
            String err = r.stderr().strip();
            throw new WorkloadCommandException(err.isEmpty() ? "find " + path + " -delete exited " + r.exitCode() : err);
        }
    }
}
