package postgresqlk8s.workload;

/**
 * The workload container could not be asked at all: no API to reach, the pod or container missing,
 * refused credentials, a broken connection, or no answer before the deadline. Distinct from a command
 * that ran and failed, which is an {@link ExecResult} with a non-zero exit code.
 */
public final class WorkloadUnreachableException extends Exception {
    public WorkloadUnreachableException(String message) {
        super(message);
    }

    public WorkloadUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
