package postgresqlk8s.pgbackrest;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
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

    /**
     * A PostgreSQL timestamp as users type it: {@code 2023-01-01 09:00:00[.ffffff][+HH|+HHMM|+HH:MM]}.
     * Groups: 1 the fraction, 2 the offset's sign, 3 its hours, 4 its minutes.
     */
    private static final Pattern TIME = Pattern.compile(
            "^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?(?:([+-])(\\d{2})(?::?(\\d{2}))?)?$");
    /** PostgreSQL refuses a numeric zone offset beyond 15:59 ("time zone displacement out of range"). */
    private static final int MAX_OFFSET_HOURS = 15;
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

    /**
     * {@code latest}, or a timestamp of the accepted shape that is a real date and time, with an offset
     * PostgreSQL accepts (within ±15:59). Anything else would pass here and fail only in the recovery,
     * after the data directory was emptied.
     */
    public static boolean isValidTime(String text) {
        return text.equals(LATEST) || instantOf(text).isPresent();
    }

    /**
     * The instant a timestamp names; one without an offset is taken as UTC (the workload's PostgreSQL
     * takes the image's zone, UTC, so it reads it the same way). Empty for {@code latest} and for
     * anything {@link #isValidTime} refuses.
     */
    public static Optional<Instant> instantOf(String text) {
        var m = TIME.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        LocalDateTime local;
        try {
            local = LocalDateTime.parse(text.substring(0, 19), STAMP);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        int offsetSeconds = 0;
        if (m.group(2) != null) {
            int hours = Integer.parseInt(m.group(3));
            int minutes = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
            if (hours > MAX_OFFSET_HOURS || minutes > 59) {
                return Optional.empty();
            }
            offsetSeconds = (m.group(2).equals("-") ? -1 : 1) * (hours * 3600 + minutes * 60);
        }
        long nanos = 0;
        if (m.group(1) != null) {
            String digits = (m.group(1).substring(1) + "000000000").substring(0, 9);
            nanos = Long.parseLong(digits);
        }
        return Optional.of(local.toInstant(ZoneOffset.ofTotalSeconds(offsetSeconds)).plusNanos(nanos));
    }

    /** The target's time as an instant; empty for {@code latest} or no time. */
    public Optional<Instant> instant() {
        return time.flatMap(RestoreTarget::instantOf);
    }

    public boolean toLatest() {
        return time.filter(LATEST::equals).isPresent();
    }

    public static RestoreTarget backup(BackupLabel label) {
        return new RestoreTarget(Optional.of(label), Optional.empty(), Optional.empty());
    }

    /** pgBackRest restore options, each starting with a space. */
    public String arguments() {
        StringBuilder s = new StringBuilder();
        backup.ifPresent(b -> s.append(" --set=").append(b.value()));
        if (time.isEmpty()) {
            s.append(" --type=immediate --target-action=promote");
        } else if (time.get().equals(LATEST)) {
            s.append(" --type=default"); // replay all WAL; pgBackRest allows no target action here
            timeline.ifPresent(t -> s.append(" --target-timeline=0x").append(t));
        } else {
            s.append(" \"--target=").append(time.get()).append("\" --type=time");
            timeline.ifPresent(t -> s.append(" --target-timeline=0x").append(t));
            s.append(" --target-action=promote");
        }
        return s.toString();
    }
}
