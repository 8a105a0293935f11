package postgresqlk8s.pgbackrest;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pgBackRest backup label: {@code 20230101-090000F}, {@code 20230101-090000F_20230102-090000D} or
 * {@code ..._20230103-090000I}. The user-facing {@link BackupId} is its last timestamp.
 */
public record BackupLabel(String value) {

    private static final Pattern LABEL = Pattern.compile("^(\\d{8}-\\d{6})F(?:_(\\d{8}-\\d{6})([DI]))?$");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("uuuuMMdd-HHmmss").withResolverStyle(ResolverStyle.STRICT);

    public BackupLabel {
        Matcher m = LABEL.matcher(value == null ? "" : value);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a pgBackRest backup label");
        }
        try {
            LocalDateTime.parse(m.group(1), STAMP);
            if (m.group(2) != null) {
                LocalDateTime.parse(m.group(2), STAMP);
            }
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("backup label holds an impossible date");
        }
    }

    /** The id users see and pass to restore. */
    public BackupId id() {
        Matcher m = LABEL.matcher(value);
        m.matches();
        String last = m.group(2) != null ? m.group(2) : m.group(1);
        return BackupId.of(LocalDateTime.parse(last, STAMP));
    }

    @Override
    public String toString() {
        return value;
    }
}
