package postgresqlk8s.pgbackrest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The content of a {@code <timeline>.history} file: the timelines it descends from, oldest first, each
 * with the WAL position where the next one branched off. A timeline's history holds its whole ancestry.
 */
public record TimelineHistory(List<Fork> forks) {

    /** Timeline {@code parent} was left at {@code at} for the next timeline of the chain. */
    public record Fork(long parent, Lsn at) {}

    public TimelineHistory {
        forks = List.copyOf(forks);
    }

    /** Timeline 1 has no history file: it descends from nothing. */
    public static final TimelineHistory FIRST = new TimelineHistory(List.of());

    /**
     * @throws HistoryFormatException when a line is neither a comment nor "parent TAB lsn [TAB reason]";
     *         the message names the line number, never its text
     */
    public static TimelineHistory parse(String text) throws HistoryFormatException {
        List<Fork> forks = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+", 3);
            Optional<Lsn> at = fields.length >= 2 ? Lsn.parse(fields[1]) : Optional.empty();
            long parent;
            try {
                parent = Long.parseLong(fields[0]);
            } catch (NumberFormatException e) {
                parent = -1;
            }
            if (parent < 1 || at.isEmpty()) {
                throw new HistoryFormatException("timeline history line " + (i + 1) + " is not \"<parent> <lsn> <reason>\"");
            }
            forks.add(new Fork(parent, at.get()));
        }
        return new TimelineHistory(forks);
    }

    /**
     * Whether WAL up to {@code position} on timeline {@code timeline} lies on the way to the timeline this
     * history belongs to ({@code self}): the same timeline, or an ancestor left at or after that position.
     */
    public boolean leadsThrough(long self, long timeline, Lsn position) {
        if (timeline == self) {
            return true;
        }
        for (Fork f : forks) {
            if (f.parent() == timeline) {
                return position.compareTo(f.at()) <= 0;
            }
        }
        return false;
    }

    /** The history file is not what PostgreSQL writes. */
    public static final class HistoryFormatException extends Exception {
        public HistoryFormatException(String message) {
            super(message);
        }
    }
}
