package postgresqlk8s.workload;

import java.time.Duration;

/** The PostgreSQL data directory in the workload container. */
public final class DataDirectory {

    /** Patroni's name for a data directory it moved aside (Patroni 3.0's {@code move_data_directory}). */
    static final String FAILED_SUFFIX = ".failed";

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
     * Removes everything inside the data directory, keeping the directory with its owner and mode, and
     * what a failed bootstrap left ({@link #failedBootstrap()}), so that only a bootstrap after this one
     * can leave it again. A directory that is not there (Patroni moved it aside) counts as empty.
     */
    public void empty() throws WorkloadUnreachableException, WorkloadCommandException {
        ExecResult r = exec.run(Command.asRoot(Duration.ofMinutes(10), "find", path, "-mindepth", "1", "-delete"));
        if (!r.succeeded() && !r.stderr().contains("No such file or directory")) {
            String err = r.stderr().strip();
            throw new WorkloadCommandException(err.isEmpty() ? "find " + path + " -delete exited " + r.exitCode() : err);
        }
        ExecResult aside = exec.run(Command.asRoot(Duration.ofMinutes(10), "rm", "-rf", "--", failedBootstrap()));
        if (!aside.succeeded()) {
            String err = aside.stderr().strip();
            throw new WorkloadCommandException(err.isEmpty() ? "rm -rf " + failedBootstrap() + " exited " + aside.exitCode() : err);
        }
    }

    /**
     * Where Patroni moves the data directory when a bootstrap fails ({@code <data dir>.failed}), just
     * before it exits with "Failed to bootstrap cluster".
     */
    public String failedBootstrap() {
        return path + FAILED_SUFFIX;
    }

    /** Whether a bootstrap failed since the data directory was last emptied: its moved-aside directory is there. */
    public boolean hasFailedBootstrap() throws WorkloadUnreachableException, WorkloadCommandException {
        int slash = path.lastIndexOf('/');
        String parent = slash > 0 ? path.substring(0, slash) : "/";
        String name = failedBootstrap().substring(slash + 1);
        ExecResult r = exec.run(Command.asRoot(Duration.ofSeconds(30), "find", parent, "-maxdepth", "1", "-name", name));
        if (!r.succeeded()) {
            String err = r.stderr().strip();
            throw new WorkloadCommandException(err.isEmpty() ? "find " + parent + " exited " + r.exitCode() : err);
        }
        return !r.stdout().isBlank();
    }

    /**
     * The bytes of the files under the data directory ({@code du}'s apparent size). A file that vanishes
     * while {@code du} walks the tree (a restore or PostgreSQL at work) makes it exit non-zero with the
     * total still printed, which counts.
     */
    public long size() throws WorkloadUnreachableException, WorkloadCommandException {
        ExecResult r = exec.run(Command.asRoot(Duration.ofSeconds(30), "du", "-s", "-b", path));
        String[] lines = r.stdout().strip().split("\n");
        String total = lines[lines.length - 1].split("\\s+")[0];
        try {
            return Long.parseLong(total);
        } catch (NumberFormatException e) {
            String err = r.stderr().strip();
            throw new WorkloadCommandException("du " + path + " printed no size" + (err.isEmpty() ? "" : ": " + err));
        }
    }

    /**
     * Whether a restore's recovery is unfinished here: {@code backup_label} (recovery has not begun: the
     * restored backup was never started) or {@code recovery.signal} (PostgreSQL has not been promoted
     * at the end of the recovery) is in the data directory.
     */
    public boolean hasUnfinishedRecovery() throws WorkloadUnreachableException, WorkloadCommandException {
        ExecResult r = exec.run(Command.asRoot(Duration.ofSeconds(30), "find", path, "-maxdepth", "1",
                "(", "-name", "backup_label", "-o", "-name", "recovery.signal", ")"));
        if (!r.succeeded()) {
            String err = r.stderr().strip();
            throw new WorkloadCommandException(err.isEmpty() ? "find " + path + " exited " + r.exitCode() : err);
        }
        return !r.stdout().isBlank();
    }
}
