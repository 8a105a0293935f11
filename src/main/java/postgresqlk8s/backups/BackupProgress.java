package postgresqlk8s.backups;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A running backup's progress as pgBackRest writes it into the stanza's backup lock file, for the
 * action's log. pgBackRest 2.45 writes {@code {"execId":...,"pctCplt":N,"pid":...}} as files finish,
 * {@code N} the percent complete times 100 (backup.c: copied bytes * 10000 / total); later versions add
 * {@code "szCplt"} and {@code "sz"} (bytes copied, bytes in all), shown when present.
 *
 * <p>The lock file is read from the pod, so it is checked as outside input: a percent past 100 or a
 * size that is not a count is taken as no report, never shown as written.
 *
 * @param hundredths the percent complete times 100, 0 to 10000
 */
record BackupProgress(int hundredths, OptionalLong copied, OptionalLong total) {

    private static final Pattern PERCENT = Pattern.compile("\"pctCplt\"\\s*:\\s*(\\d{1,5})\\s*[,}]");
    private static final Pattern COPIED = Pattern.compile("\"szCplt\"\\s*:\\s*(\\d{1,18})\\s*[,}]");
    private static final Pattern TOTAL = Pattern.compile("\"sz\"\\s*:\\s*(\\d{1,18})\\s*[,}]");

    BackupProgress {
        if (hundredths < 0 || hundredths > 10_000) {
            throw new IllegalArgumentException("percent complete out of range: " + hundredths / 100.0);
        }
        if (copied.isPresent() != total.isPresent() || (copied.isPresent() && copied.getAsLong() > total.getAsLong())) {
            throw new IllegalArgumentException("bytes copied and bytes in all do not go together");
        }
    }

    /** The progress the lock file's content reports; empty when it reports none (no lock yet, or not pgBackRest's). */
    static Optional<BackupProgress> inLock(String lock) {
        Matcher percent = PERCENT.matcher(lock);
        if (!percent.find()) {
            return Optional.empty();
        }
        OptionalLong copied = number(COPIED, lock);
        OptionalLong total = number(TOTAL, lock);
        boolean sizes = copied.isPresent() && total.isPresent() && copied.getAsLong() <= total.getAsLong();
        try {
            return Optional.of(new BackupProgress(Integer.parseInt(percent.group(1)),
                    sizes ? copied : OptionalLong.empty(), sizes ? total : OptionalLong.empty()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The action's log line for the lock file's content: the percent (and sizes) or that none is reported yet. */
    static String lineFor(String lock) {
        return inLock(lock).map(BackupProgress::line).orElse(Messages.BACKUP_PROGRESS_UNKNOWN);
    }

    /** "backup 37% (1.2 GB of 3.3 GB)", or "backup 37%" when pgBackRest gives no sizes (2.45). */
    String line() {
        String line = Messages.BACKUP_PROGRESS.formatted(hundredths / 100);
        if (copied.isEmpty()) {
            return line;
        }
        return line + " (" + size(copied.getAsLong()) + " of " + size(total.getAsLong()) + ")";
    }

    /** Bytes as pgBackRest's own info shows sizes: powers of 1024, one decimal past KB. */
    static String size(long bytes) {
        String[] units = {"KB", "MB", "GB", "TB", "PB"};
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes / 1024.0;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private static OptionalLong number(Pattern key, String lock) {
        Matcher m = key.matcher(lock);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }
}
