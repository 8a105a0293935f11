package postgresqlk8s.pgbackrest;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The WAL PostgreSQL has not archived yet: one {@code <segment>.ready} file per segment in
 * {@code pg_wal/archive_status}, as {@code find -printf '%T@ %f\n'} lists them (modification time, name).
 * The oldest one's time is when the oldest waiting segment was completed, so "now" less that time is
 * how far archiving is behind. This is the queue {@code archive-push-queue-max} measures, asynchronous
 * or not: a segment's {@code .ready} becomes {@code .done} only once pgBackRest said it is archived.
 *
 * @param segments how many segments wait
 * @param oldestEpochSecond when the oldest waiting one was completed; 0 when none wait
 */
public record ArchiveBacklog(int segments, long oldestEpochSecond) {

    private static final Pattern READY = Pattern.compile("([0-9]{1,12})(?:\\.[0-9]+)? ([0-9A-F]{24}(?:\\.partial)?)\\.ready");
    /** pgBackRest's warning when the queue went past archive-push-queue-max (2.45: command/archive/push/push.c). */
    private static final Pattern DROPPED = Pattern.compile(
            "^([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2})(?:\\.[0-9]+)? .*dropped WAL file '([0-9A-F]{24})'.*$");

    public static final ArchiveBacklog NONE = new ArchiveBacklog(0, 0);

    /** Seconds the oldest waiting segment has waited at {@code nowEpochSecond}; 0 when none wait. */
    public long ageSeconds(long nowEpochSecond) {
        return segments == 0 ? 0 : Math.max(0, nowEpochSecond - oldestEpochSecond);
    }

    /**
     * The {@code find} listing; lines that are not a {@code .ready} of a WAL segment (a history file's,
     * say) are not counted.
     *
     * @throws BacklogFormatException when a line is not {@code <time> <name>} at all
     */
    public static ArchiveBacklog parse(String findOutput) throws BacklogFormatException {
        int segments = 0;
        long oldest = Long.MAX_VALUE;
        for (String line : findOutput.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (!line.matches("[0-9.]+ \\S+")) {
                throw new BacklogFormatException("not a listing of archive_status: " + abbreviate(line));
            }
            Matcher m = READY.matcher(line.strip());
            if (m.matches()) {
                segments++;
                oldest = Math.min(oldest, Long.parseLong(m.group(1)));
            }
        }
        return segments == 0 ? NONE : new ArchiveBacklog(segments, oldest);
    }

    /** A segment pgBackRest dropped from the queue instead of archiving, and when (its log's clock, UTC). */
    public record Drop(Instant at, String segment) {
    }

    /**
     * The newest drop in pgBackRest's archive-push logs, from their lines that say one; empty when none
     * does. Lines of another shape are ignored: the logs are pgBackRest's, not ours.
     */
    public static Optional<Drop> lastDrop(String logLines) {
        Optional<Drop> last = Optional.empty();
        for (String line : logLines.split("\n")) {
            Matcher m = DROPPED.matcher(line.strip());
            if (!m.matches()) {
                continue;
            }
            try {
                Instant at = LocalDateTime.parse(m.group(1).replace(' ', 'T')).toInstant(ZoneOffset.UTC);
                if (last.isEmpty() || !at.isBefore(last.get().at())) {
                    last = Optional.of(new Drop(at, m.group(2)));
                }
            } catch (DateTimeParseException e) {
                // not a real date: not a line pgBackRest wrote
            }
        }
        return last;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    /** The listing is not one {@code find} printed; the message is safe to show. */
    public static final class BacklogFormatException extends Exception {
        public BacklogFormatException(String message) {
            super(message);
        }
    }
}
