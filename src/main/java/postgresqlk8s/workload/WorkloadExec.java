package postgresqlk8s.workload;

/**
 * Runs commands in the PostgreSQL workload container. The production implementation goes through the
 * Kubernetes exec API; tests script a fake that records what it was asked.
 */
public interface WorkloadExec {

    /**
     * Runs the command to completion or to its deadline.
     *
     * @throws WorkloadUnreachableException when the container cannot be reached or does not answer
     */
    ExecResult run(Command command) throws WorkloadUnreachableException;

    /**
     * Builds whatever client the first command needs, without running anything, so a flow can pay for
     * it on another core while it does other work. Failures are left for {@link #run} to report.
     */
    default void prepare() {
    }
}
