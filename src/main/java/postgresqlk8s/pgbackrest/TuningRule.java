package postgresqlk8s.pgbackrest;

/**
 * pgBackRest's process counts from the workload container's CPUs (docs/performance.md, "Tuning rule",
 * has the measurements): one backup or restore process per CPU, as on 2 CPUs, where process-max 2 beat 1
 * and 3, and on 16, where backups and restores kept getting faster up to 8-16 processes (lz4 up to 16);
 * no more than {@link #MAX_PROCESSES}, the most measured. Archiving runs beside the database that writes
 * the WAL, so it takes a quarter of the CPUs, at least two (one slow S3 upload does not hold the queue)
 * but no more than the CPUs there are, and no more than {@link #MAX_ARCHIVE_PROCESSES}: four kept up with
 * a 2.1 GB load on 16 CPUs.
 */
public final class TuningRule {

    static final int MAX_PROCESSES = 16;
    static final int MAX_ARCHIVE_PROCESSES = 4;
    static final int MIN_ARCHIVE_PROCESSES = 2;

    private TuningRule() {}

    /**
     * @param compressType pgBackRest's {@code compress-type}, as configured
     * @param processMax the configured backup and restore process count; 0 means derived from the CPUs
     */
    public static PgBackRestConfig.Tuning derive(String compressType, int processMax, int cores) {
        int backup = processMax > 0 ? processMax : backupProcessMax(cores);
        return new PgBackRestConfig.Tuning(compressType, backup, archiveProcessMax(cores));
    }

    static int backupProcessMax(int cores) {
        return Math.max(1, Math.min(cores, MAX_PROCESSES));
    }

    static int archiveProcessMax(int cores) {
        int atLeast = Math.min(Math.max(cores, 1), MIN_ARCHIVE_PROCESSES);
        return Math.min(MAX_ARCHIVE_PROCESSES, Math.max(cores / 4, atLeast));
    }
}
