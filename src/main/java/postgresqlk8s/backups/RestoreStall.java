package postgresqlk8s.backups;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.StoredState;

/**
 * Not in the flowchart: how long a restore has made no progress, as update-status sees it. Progress is
 * the data directory's size: pgBackRest's restore writes it file by file, and PostgreSQL's recovery
 * after it replays WAL into it. Each update-status of the leader during a restore records the size and
 * since when it has been that size, in the unit's own state (only the leader watches a restore).
 *
 * <p>Why: pgBackRest's restore inside Patroni's bootstrap keeps pgBackRest's long timeouts (a restore
 * may be long), so when S3 goes away in the middle of it, the restore gives up only after minutes (about
 * eight 60 s I/O timeouts when S3's port refuses connections) or, when its processes wait on each other,
 * after the 30-minute protocol timeout (docs/when-s3-does-not-answer.md). A restore whose data directory
 * has not changed for {@link #PATIENCE} while the repository does not answer is taken as failed.
 */
final class RestoreStall {

    private static final Logger LOG = Logs.get(RestoreStall.class);

    /**
     * How long the data directory may stay the same size before the repository is asked whether it
     * answers: twice pgBackRest's I/O timeout (60 s), so that a request pgBackRest retries has run out
     * at least once. Production's update-status runs every 5 minutes, so there the bound is that.
     */
    static final Duration PATIENCE = Duration.ofMinutes(2);
    /** Unit state: {@code <bytes> <epoch second the size was first seen>}. */
    static final String KEY = "restore.progress";
    /** Unit state: the epoch second update-status first saw Pebble restarting the database service (backoff). */
    static final String BACKOFF = "restore.service-backoff-since";
    /** Unit state: the restore was stopped because the repository did not answer; present means "resume it when it does". */
    static final String RESUME = "restore.resume-when-s3-answers";

    private final StoredState stored;

    RestoreStall(StoredState stored) {
        this.stored = stored;
    }

    /**
     * Records the data directory's size seen now, and answers for how long it has been that size: zero
     * when it changed (or is seen for the first time).
     */
    Duration unchangedFor(long bytes, Instant now) {
        Optional<Seen> last = seen();
        if (last.isPresent() && last.get().bytes() == bytes && !last.get().since().isAfter(now)) {
            return Duration.between(last.get().since(), now);
        }
        stored.put(KEY, bytes + " " + now.getEpochSecond());
        return Duration.ZERO;
    }

    /** Whether the data directory has been the same size for longer than the patience. */
    boolean exhausted(Duration unchanged) {
        return unchanged.compareTo(PATIENCE) >= 0;
    }

    /**
     * Records that Pebble is restarting the database service now, and answers for how long it has been
     * seen doing so: zero the first time.
     */
    Duration restartingFor(Instant now) {
        Optional<Instant> since = stored.get(BACKOFF).flatMap(RestoreStall::epochSecond);
        if (since.isPresent() && !since.get().isAfter(now)) {
            return Duration.between(since.get(), now);
        }
        stored.put(BACKOFF, Long.toString(now.getEpochSecond()));
        return Duration.ZERO;
    }

    /** The database service runs (or stopped for good): a restart seen before is over. */
    void serviceRuns() {
        stored.remove(BACKOFF);
    }

    /** The restore is over (or starts anew): nothing to remember. */
    void forget() {
        stored.remove(KEY);
        stored.remove(RESUME);
        stored.remove(BACKOFF);
    }

    private static Optional<Instant> epochSecond(String value) {
        try {
            return Optional.of(Instant.ofEpochSecond(Long.parseLong(value.strip())));
        } catch (NumberFormatException | java.time.DateTimeException e) {
            LOG.warn("unit state {} is not an epoch second; counting Pebble's restarts from now", BACKOFF);
            return Optional.empty();
        }
    }

    /** The restore was stopped for want of S3: it is to resume once the repository answers. */
    void resumeWhenS3Answers() {
        stored.remove(KEY);
        stored.put(RESUME, "true");
    }

    boolean isToResumeWhenS3Answers() {
        return stored.get(RESUME).isPresent();
    }

    private Optional<Seen> seen() {
        Optional<String> value = stored.get(KEY);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = value.get().split(" ");
        try {
            if (parts.length == 2) {
                return Optional.of(new Seen(Long.parseLong(parts[0]), Instant.ofEpochSecond(Long.parseLong(parts[1]))));
            }
        } catch (NumberFormatException | java.time.DateTimeException e) {
            // below
        }
        LOG.warn("unit state {} is not '<bytes> <epoch second>'; watching the restore from now", KEY);
        return Optional.empty();
    }

    private record Seen(long bytes, Instant since) {
    }
}
