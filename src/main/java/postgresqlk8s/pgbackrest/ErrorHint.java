package postgresqlk8s.pgbackrest;

import java.util.ArrayList;
import java.util.List;

import postgresqlk8s.s3.Redactor;

/**
 * The reason a pgBackRest command gives: its {@code ERROR:} and {@code WARN:} lines, each with the
 * {@code HINT:} lines pgBackRest prints under it, joined by "; ", at most {@link #MAX} characters, with
 * any secret the caller names masked. A status shows at most {@link #STATUS_MAX} of it.
 *
 * <p>The hints are what tells a user what to do: {@code [082]} (a WAL segment not archived in time) says
 * only what went wrong, and its hints say to check the archive command and the server log, or to run
 * {@code start} after a {@code stop}.
 */
public final class ErrorHint {

    /** An action's failure message or a log line: room for an error and its hints. */
    public static final int MAX = 600;
    /** A unit status: one short line. */
    public static final int STATUS_MAX = 120;

    private ErrorHint() {}

    public static String of(String output, Redactor redactor) {
        List<String> parts = new ArrayList<>();
        boolean afterError = false;
        for (String line : output.split("\n")) {
            int at = indexOfLevel(line);
            String stripped = line.strip();
            if (at >= 0) {
                addOnce(parts, line.substring(at).strip());
                afterError = true;
            } else if (afterError && stripped.startsWith("HINT:")) {
                addOnce(parts, stripped);
            } else {
                afterError = false;
            }
        }
        String joined = redactor.apply(String.join("; ", parts));
        return joined.length() <= MAX ? joined : joined.substring(0, MAX);
    }

    private static void addOnce(List<String> parts, String part) {
        if (!parts.contains(part)) {
            parts.add(part);
        }
    }

    private static int indexOfLevel(String line) {
        int error = line.indexOf("ERROR:");
        int warn = line.indexOf("WARN:");
        if (error < 0) {
            return warn;
        }
        return warn < 0 ? error : Math.min(error, warn);
    }
}
