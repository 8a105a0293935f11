package postgresqlk8s.pgbackrest;

import java.util.OptionalLong;

/**
 * How pgBackRest moves WAL: asynchronously (archive-push hands PostgreSQL's segments to a background
 * process that pushes several at once and ahead of PostgreSQL's requests; archive-get fetches ahead
 * during recovery), through a spool directory on the data volume, with the push queue bounded.
 *
 * <p>Why asynchronous: synchronous archiving pushes one segment per {@code archive_command}, one S3
 * round trip after another, and fell behind a 2.7 GB load until {@code pgbackrest check} failed with
 * {@code [082]}; asynchronous with 4 push processes caught up 2.8 s after a 2.1 GB load (issue 14;
 * {@code wal_archive_lag_after_1gb_s} in docs/performance.md).
 *
 * <p>Why bounded: the queue is PostgreSQL's WAL that is not archived yet ({@code .ready} in
 * {@code pg_wal/archive_status}), on the data volume. With S3 gone it grows until the volume is full
 * and PostgreSQL stops. Past {@code archive-push-queue-max} pgBackRest drops the whole queue instead and
 * reports success to PostgreSQL, logging {@code dropped WAL file '…' because archive queue exceeded …}:
 * the database keeps running, but point-in-time recovery has a gap from there until the next backup
 * ({@code ArchiveLag} says so on the primary's status).
 *
 * <p>Its processes (archive-push, archive-get) follow the pod's CPUs with the backups'
 * ({@link PgBackRestConfig.Tuning#archiveProcessMax()}).
 *
 * @param pushQueueMaxBytes pgBackRest's {@code archive-push-queue-max}
 */
public record Archiving(long pushQueueMaxBytes) {

    /**
     * archive-push's I/O timeout (pgBackRest's default is 60 s). The queue is measured, and dropped, only
     * when an asynchronous push process starts; one that meets a dead S3 first reads {@code archive.info}
     * and its copy, retrying each connection until this timeout runs out several times over, and meanwhile
     * the WAL keeps coming. Measured on the local stack with S3 stopped (the fault matrix's
     * {@code FaultsArchive}): a push process ran 80.6 s at 10 s, about eight timeouts, so about 8 minutes
     * at the default, in which a database writing 24 MB/s of WAL filled a 1 GiB volume past the queue's
     * bound (PANIC: No space left on device) before any drop. At 5 s a process that meets no S3 ends in
     * about 40 s, and the next one drops the queue: the volume then holds at most the queue, plus 40 s of
     * WAL, plus the database. A healthy S3 makes progress on every read and write well within 5 s (the
     * timeout is for no progress at all, not for a whole segment); a push that times out is only retried,
     * as PostgreSQL keeps the segment until one succeeds. archive-get keeps the default: a recovery that
     * gave up on a slow fetch could end before the end of the WAL.
     */
    public static final java.time.Duration PUSH_IO_TIMEOUT = java.time.Duration.ofSeconds(5);
    /** A WAL segment, PostgreSQL's default size: the queue counts in whole segments. */
    public static final long SEGMENT_BYTES = 16L * 1024 * 1024;
    /**
     * The share of the data volume the queue may take: the rest holds the database, PostgreSQL's own
     * {@code pg_wal} (up to {@code max_wal_size}, 1 GB by default) and the spool's status files. A quarter
     * of Juju's default 1 GiB volume is 16 segments; of a 100 GiB volume, 25 GiB — hours of a busy
     * database's WAL, so a healthy archive under a burst never comes near it.
     */
    static final int VOLUME_SHARE_DIVISOR = 4;
    /** Fewer than four segments would drop WAL whenever S3 hiccups for a moment. */
    static final long MIN_QUEUE_BYTES = 4 * SEGMENT_BYTES;
    /** When the volume's size cannot be read: 1 GiB, a bound, though not one fitted to the volume. */
    static final long UNKNOWN_VOLUME_QUEUE_BYTES = 1024L * 1024 * 1024;
    public Archiving {
        if (pushQueueMaxBytes < SEGMENT_BYTES) {
            throw new IllegalArgumentException("archive queue below one segment: " + pushQueueMaxBytes);
        }
    }

    /** The bound for a data volume of this size (bytes), whole segments; empty when it could not be read. */
    public static Archiving forVolume(OptionalLong volumeBytes) {
        long queue = UNKNOWN_VOLUME_QUEUE_BYTES;
        if (volumeBytes.isPresent()) {
            long share = volumeBytes.getAsLong() / VOLUME_SHARE_DIVISOR / SEGMENT_BYTES * SEGMENT_BYTES;
            queue = Math.max(MIN_QUEUE_BYTES, share);
        }
        return new Archiving(queue);
    }

    /**
     * The size of a filesystem from {@code df -B1 --output=size <path>}: a header line, then the bytes.
     * Anything else is unknown, not an error: the queue then takes the fixed bound.
     */
    public static OptionalLong parseDfSize(String output) {
        String[] lines = output.strip().split("\n");
        if (lines.length != 2 || !lines[0].strip().matches("(?i)1B-blocks|size")) {
            return OptionalLong.empty();
        }
        String value = lines[1].strip();
        if (!value.matches("[0-9]{1,19}")) {
            return OptionalLong.empty();
        }
        try {
            long bytes = Long.parseLong(value);
            return bytes > 0 ? OptionalLong.of(bytes) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
