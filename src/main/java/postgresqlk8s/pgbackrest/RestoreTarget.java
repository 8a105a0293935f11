package postgresqlk8s.pgbackrest;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a restore aims at: a backup (immediate, then promote), or a point in time (optionally starting
 * from a backup), or the latest WAL. Values are validated so they can go into Patroni's command line.
 */
public record RestoreTarget(Optional<BackupLabel> backup, Optional<String> time, Optional<String> timeline) {

    /** A PostgreSQL timestamp as users type it: {@code 2023-01-01 09:00:00[.ffffff][+00[:00]]}. */
    private static final Pattern TIME = Pattern.compile(
            "^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?([+-]\\d{2}(:?\\d{2})?)?$");
    private static final Pattern TIMELINE = Pattern.compile("^[0-9A-Fa-f]{1,8}$");
    public static final String LATEST = "latest";

    public RestoreTarget {
        time.ifPresent(t -> {
            if (!isValidTime(t)) {
                throw new IllegalArgumentException("Bad restore-to-time format");
            }
        });
        timeline.ifPresent(t -> {
            if (!TIMELINE.matcher(t).matches()) {
                throw new IllegalArgumentException("bad timeline");
            }
        });
        if (backup.isEmpty() && time.isEmpty()) {
            throw new IllegalArgumentException("a restore needs a backup or a time");
        }
    }

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);

    /** {@code latest}, or a timestamp of the accepted shape that is also a real date and time. */
    public static boolean isValidTime(String text) {
        if (text.equals(LATEST)) {
            return true;
        }
        if (!TIME.matcher(text).matches()) {
            return false;
        }
        try {
            LocalDateTime.parse(text.substring(0, 19), STAMP);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    public static RestoreTarget backup(BackupLabel label) {
        return new RestoreTarget(Optional.of(label), Optional.empty(), Optional.empty());
    }

    /** pgBackRest restore options, each starting with a space. */
    String arguments() {
        StringBuilder s = new StringBuilder();
        backup.ifPresent(b -> s.append(" --set=").append(b.value()));
        if (time.isEmpty()) {
            s.append(" --type=immediate --target-action=promote");
        } else if (time.get().equals(LATEST)) {
            s.append(" --type=default"); // replay all WAL; pgBackRest allows no target action here
        } else {
            s.append(" \"--target=").append(time.get()).append("\" --type=time");
            timeline.ifPresent(t -> s.append(" --target-timeline=0x").append(t));
            s.append(" --target-action=promote");
        }
        return s.toString();
    }
}
