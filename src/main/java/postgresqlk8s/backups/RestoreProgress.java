package postgresqlk8s.backups;

import java.util.Optional;
import java.util.OptionalLong;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.StoredState;

/**
 * Not in the flowchart: how far a restore is, for update-status's "restoring backup (NN%)" and for the
 * restore action's log while the action follows the restore ({@link RestoreFollow}). Patroni's bootstrap
 * runs pgBackRest, so neither sees pgBackRest's own progress. pgBackRest's restore writes the backup's
 * files into the emptied data directory, so the data directory's size (which {@link RestoreStall}
 * measures anyway) against the database's size when it was backed up ({@code info.size}, recorded by the
 * restore action in the unit's own state: only the leader restores and watches) says how much is written.
 *
 * <p>Recovery then adds WAL to the data directory, which may take it past the backup's size: the percent
 * stays at 99 until the restored cluster runs, which ends "restoring backup" altogether.
 */
final class RestoreProgress {

    private static final Logger LOG = Logs.get(RestoreProgress.class);

    /** Unit state: the bytes the restore writes into the data directory (the backup's database size). */
    static final String KEY = "restore.expected-bytes";

    private final StoredState stored;

    RestoreProgress(StoredState stored) {
        this.stored = stored;
    }

    /** A restore starts: its backup's size, or none known (an earlier restore's size says nothing of this one). */
    void expect(OptionalLong bytes) {
        if (bytes.isPresent() && bytes.getAsLong() > 0) {
            stored.put(KEY, Long.toString(bytes.getAsLong()));
        } else {
            stored.remove(KEY);
        }
    }

    /** The percent written, 0 to 99, when the backup's size is known. */
    Optional<Integer> percent(long written) {
        OptionalLong expected = expected();
        return expected.isPresent() ? Optional.of(percentOf(written, expected.getAsLong())) : Optional.empty();
    }

    /** The bytes this restore writes (the backup's database size), when known and a size. */
    OptionalLong expected() {
        Optional<String> value = stored.get(KEY);
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        long expected;
        try {
            expected = Long.parseLong(value.get());
        } catch (NumberFormatException e) {
            expected = 0;
        }
        if (expected <= 0) {
            LOG.warn("unit state {} is not a size in bytes; the restore's progress is not shown", KEY);
            return OptionalLong.empty();
        }
        return OptionalLong.of(expected);
    }

    /** 0 to 99: recovery may take the data directory past the backup's size before the restore is done. */
    static int percentOf(long written, long expected) {
        return (int) Math.min(99, Math.max(0, written) * 100 / expected);
    }

    /** The status while the restore runs: the reference's words, with the percent when known. */
    String status(Optional<Integer> percent) {
        return percent.map(p -> Messages.RESTORING_BACKUP_PROGRESS.formatted(p)).orElse(Messages.RESTORING_BACKUP);
    }

    void forget() {
        stored.remove(KEY);
    }
}
