package postgresqlk8s.pgbackrest;

import java.util.regex.Pattern;

/**
 * A timeline that a promotion started (a restore, or a failover), as its {@code <timeline>.history} file
 * in the stanza's archive records it.
 *
 * @param id the timeline as list-backups shows it: hexadecimal without leading zeros, e.g. "2", "A"
 * @param archiveId the archive the file is in, e.g. "15-1"
 * @param createdEpochSecond when the file reached the repository, about when the timeline began
 */
public record Timeline(String id, String archiveId, long createdEpochSecond) {

    private static final Pattern ID = Pattern.compile("^[0-9A-F]{1,8}$");

    public Timeline {
        if (!ID.matcher(id).matches() || id.startsWith("0")) {
            throw new IllegalArgumentException("a timeline is hexadecimal without leading zeros");
        }
    }

    /** The timeline's number; timelines compare by it, never by their text ("A" is newer than "9"). */
    public long number() {
        return number(id);
    }

    public BackupId asId() {
        return BackupId.ofEpochSecond(createdEpochSecond);
    }

    /** The number of a timeline written in hexadecimal, as pgBackRest and the history files write it. */
    public static long number(String hex) {
        return Long.parseLong(hex, 16);
    }

    /** The hexadecimal text list-backups shows for a timeline number. */
    public static String text(long number) {
        return Long.toHexString(number).toUpperCase(java.util.Locale.ROOT);
    }

    /** The eight-digit prefix WAL segment and history file names start with. */
    public static String fileName(long number) {
        return String.format("%08X", number);
    }
}
