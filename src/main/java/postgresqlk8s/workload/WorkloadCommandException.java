package postgresqlk8s.workload;

/** A command in the workload ran and failed. The message holds its stderr, never secrets. */
public final class WorkloadCommandException extends Exception {
    public WorkloadCommandException(String message) {
        super(message);
    }
}
