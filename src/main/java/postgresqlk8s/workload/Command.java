package postgresqlk8s.workload;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A command for the workload container: argv (never a shell string), the user it runs as, optional
 * standard input, and a deadline that bounds it both inside the container and on the client side.
 *
 * @param stdin bytes for standard input, then end-of-input; null for none
 * @param captureLimit how many bytes of stdout and of stderr to keep; the rest is counted and dropped
 */
public record Command(List<String> argv, String user, byte[] stdin, Duration deadline, int captureLimit) {

    public static final String POSTGRES = "postgres";
    public static final String ROOT = "root";
    public static final int DEFAULT_CAPTURE = 8 * 1024 * 1024;

    public Command {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs argv");
        }
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("a deadline must be positive");
        }
    }

    /** Runs as the database owner, as pgBackRest and PostgreSQL tools must. */
    public static Command asPostgres(Duration deadline, String... argv) {
        return new Command(List.of(argv), POSTGRES, null, deadline, DEFAULT_CAPTURE);
    }

    public static Command asRoot(Duration deadline, String... argv) {
        return new Command(List.of(argv), ROOT, null, deadline, DEFAULT_CAPTURE);
    }

    public Command withStdin(byte[] input) {
        return new Command(argv, user, input, deadline, captureLimit);
    }

    public Command withCaptureLimit(int limit) {
        return new Command(argv, user, stdin, deadline, limit);
    }

    /** argv as one line for logs; argv never carries secrets in this charm. */
    @Override
    public String toString() {
        return String.join(" ", argv) + " (as " + user + ", deadline " + deadline.toSeconds() + " s)";
    }
}
