package postgresqlk8s.workload;

/**
 * How a command in the workload ended.
 *
 * @param exitCode the process's exit status as the container runtime reported it (124 when the deadline
 *                 inside the container killed it)
 * @param truncated true when stdout or stderr was longer than the command's capture limit
 */
public record ExecResult(int exitCode, String stdout, String stderr, boolean truncated) {

    public static final int TIMED_OUT = 124;

    public boolean succeeded() {
        return exitCode == 0;
    }
}
