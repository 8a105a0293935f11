package postgresqlk8s.pgbackrest;

import java.util.ArrayList;
import java.util.List;

import postgresqlk8s.s3.Redactor;

/**
 * The short reason a pgBackRest command gives: its {@code ERROR:} and {@code WARN:} lines joined by
 * "; ", at most 120 characters, with any secret the caller names masked.
 */
public final class ErrorHint {

    public static final int MAX = 120;

    private ErrorHint() {}

    public static String of(String output, Redactor redactor) {
        List<String> parts = new ArrayList<>();
        for (String line : output.split("\n")) {
            int at = indexOfLevel(line);
            if (at >= 0) {
                String part = line.substring(at).strip();
                if (!parts.contains(part)) {
                    parts.add(part);
                }
            }
        }
        String joined = redactor.apply(String.join("; ", parts));
        return joined.length() <= MAX ? joined : joined.substring(0, MAX);
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
