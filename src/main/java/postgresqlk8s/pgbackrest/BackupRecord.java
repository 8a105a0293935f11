package postgresqlk8s.pgbackrest;

import java.util.Optional;

/**
 * One backup as {@code pgbackrest info --output=json} reports it.
 *
 * @param reference the backup this one depends on (the last of pgBackRest's reference list), if any
 * @param error empty for a good backup, else pgBackRest's error flag or text
 * @param timeline the timeline of its first WAL segment, e.g. "1"; empty when pgBackRest did not say
 * @param databaseBytes the database's size when it was backed up ({@code info.size}), what a restore of it
 *        writes into the data directory; empty when pgBackRest did not say
 */
public record BackupRecord(
        BackupLabel label,
        BackupType type,
        Optional<BackupLabel> reference,
        Optional<String> error,
        String lsnStart,
        String lsnStop,
        long startEpochSecond,
        long stopEpochSecond,
        String timeline,
        java.util.OptionalLong databaseBytes) {

    public BackupId id() {
        return label.id();
    }

    public boolean failed() {
        return error.isPresent();
    }
}
