package postgresqlk8s.pgbackrest;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Optional;
import java.util.regex.Pattern;

/** A backup as users name it: its last timestamp as {@code %Y-%m-%dT%H:%M:%SZ}, in UTC. */
public record BackupId(String value) {

    private static final Pattern FORMAT = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$");
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withResolverStyle(ResolverStyle.STRICT);

    public BackupId {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("backup-id must look like 2023-01-01T09:00:00Z");
        }
        try {
            LocalDateTime.parse(value, ID);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("backup-id holds an impossible date");
        }
    }

    /** Parses user input; empty when it is not a well-formed id. */
    public static Optional<BackupId> parse(String text) {
        try {
            return Optional.of(new BackupId(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public static BackupId of(LocalDateTime utc) {
        return new BackupId(utc.format(ID));
    }

    public static BackupId ofEpochSecond(long seconds) {
        return of(LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC));
    }

    @Override
    public String toString() {
        return value;
    }
}
