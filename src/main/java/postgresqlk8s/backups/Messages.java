package postgresqlk8s.backups;

import java.util.List;

/**
 * The exact status and result words users of the PostgreSQL K8s charm match on (reference-behaviour.md);
 * the action failures are {@link Refusal}s.
 */
final class Messages {

    private Messages() {}

    // Blocked statuses.
    public static final String ANOTHER_CLUSTER = "the S3 repository has backups from another cluster";
    public static final String BUCKET_FAILED = "failed to access/create the bucket, check your S3 settings";
    public static final String STANZA_FAILED = "failed to initialize stanza, check your S3 settings";
    public static final String RESTORE_FAILED = "Failed to restore backup";
    /** Blocked messages a fix of the S3 settings clears (a new credentials-changed may retry). */
    public static final List<String> S3_BLOCKS = List.of(ANOTHER_CLUSTER, BUCKET_FAILED, STANZA_FAILED);

    /** The port's own (the reference has no such options): a backup tuning option the charm cannot use. */
    public static String badOption(String option, String value, String allowed) {
        return "invalid " + option + " '" + value + "': allowed " + allowed;
    }

    // Maintenance statuses.
    public static final String INITIALISING_STANZA = "initialising stanza";
    public static final String CHECKING_STANZA = "checking stanza";
    public static final String CREATING_BACKUP = "creating backup";
    public static final String RESTORING_BACKUP = "restoring backup";
    /** {@link #RESTORING_BACKUP} with how far it is, on update-status when known (RestoreProgress). */
    public static final String RESTORING_BACKUP_PROGRESS = RESTORING_BACKUP + " (%d%%)";

    // Action log lines while a backup runs (BackupProgress); not in the reference, which logs none.
    public static final String BACKUP_PROGRESS = "backup %d%%";
    public static final String BACKUP_PROGRESS_UNKNOWN = "backup running; pgBackRest has not reported its progress yet";

    // Action log lines while the restore action follows the restore (RestoreFollow); the reference logs none.
    public static final String RESTORE_PROGRESS = "restore %d%% (%s of %s written)";
    public static final String RESTORE_WRITTEN = "restore: %s written";
    public static final String RESTORE_FILES_WRITTEN = "restore: the backup's files are written (%s); PostgreSQL now recovers "
            + "the WAL, and the unit's status says when the database runs";
    public static final String RESTORE_STILL = "restore: the data directory has not grown for %d s (PostgreSQL recovers the WAL, "
            + "or the restore waits for S3); update-status watches the restore from here";
    public static final String RESTORE_SERVICE_NOT_ACTIVE = "restore: the database service is %s in Pebble (a failed bootstrap "
            + "or a restart); update-status tells how the restore went";
    public static final String RESTORE_NOT_FOLLOWED = "restore: the workload could not be looked at; update-status watches "
            + "the restore from here";

    // Active statuses with a warning (the port's own: the reference archives synchronously and says nothing).
    /** The primary's WAL archiving is behind: segments waiting, and how long the oldest has. */
    public static final String ARCHIVE_BEHIND = "WAL archiving behind: %d segments waiting, oldest %d min";
    /** pgBackRest dropped WAL past archive-push-queue-max: recovery cannot pass that point until a new backup. */
    public static final String WAL_DROPPED = "WAL dropped from the full archive queue at %s UTC: point-in-time recovery "
            + "has a gap until the next backup";

    // Action results.
    public static final String BACKUP_CREATED = "backup created";
    public static final String RESTORE_STARTED = "restore started";
}
