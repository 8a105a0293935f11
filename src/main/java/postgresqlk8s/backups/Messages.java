package postgresqlk8s.backups;

import java.util.List;

/** The exact words users of the PostgreSQL K8s charm match on (reference-behaviour.md). */
public final class Messages {

    private Messages() {}

    // Blocked statuses.
    public static final String ANOTHER_CLUSTER = "the S3 repository has backups from another cluster";
    public static final String BUCKET_FAILED = "failed to access/create the bucket, check your S3 settings";
    public static final String STANZA_FAILED = "failed to initialize stanza, check your S3 settings";
    public static final String RESTORE_FAILED = "Failed to restore backup";
    /** Blocked messages a fix of the S3 settings clears (a new credentials-changed may retry). */
    public static final List<String> S3_BLOCKS = List.of(ANOTHER_CLUSTER, BUCKET_FAILED, STANZA_FAILED);

    // Maintenance statuses.
    public static final String INITIALISING_STANZA = "initialising stanza";
    public static final String CHECKING_STANZA = "checking stanza";
    public static final String CREATING_BACKUP = "creating backup";
    public static final String RESTORING_BACKUP = "restoring backup";

    // Action failures.
    public static final String S3_RELATION_MISSING = "Relation with s3-integrator charm missing, cannot create/restore backup.";
    public static final String MISSING_S3_PARAMETERS = "Missing S3 parameters: ";
    public static final String INVALID_S3_PARAMETERS = "Invalid S3 parameters: ";
    public static final String UNIT_BLOCKED = "Unit is in a blocking state";
    public static final String DATABASE_OFFLINE = "Unit cannot perform backups as the database seems to be offline";
    public static final String UNIT_IS_PRIMARY = "Unit cannot perform backups as it is the cluster primary";
    public static final String TLS_NOT_ENABLED = "Unit cannot perform backups as TLS is not enabled";
    public static final String NOT_RUNNING = "Unit cannot perform backups as it's not in running state";
    public static final String STANZA_NOT_INITIALISED = "Stanza was not initialised";
    public static final String METADATA_UPLOAD_FAILED = "Failed to upload metadata to provided S3";
    public static final String BACKUP_FAILED = "Failed to backup PostgreSQL with error: ";
    public static final String LOG_UPLOAD_FAILED = "Error uploading logs to S3";
    public static final String LIST_FAILED = "Failed to list PostgreSQL backups with error: ";
    public static final String WORKLOAD_NOT_READY = "Workload container not ready yet!";
    public static final String CLUSTER_BLOCKED = "Cluster or unit is in a blocking state";
    public static final String MORE_THAN_ONE_UNIT = "Unit cannot restore backup as there are more than one unit in the cluster";
    public static final String NOT_LEADER = "Unit cannot restore backup as it was not elected the leader unit yet";
    public static final String INVALID_BACKUP_ID = "Invalid backup-id: ";
    public static final String STOP_FAILED = "Failed to stop database service with error: ";
    public static final String CLUSTER_INFO_FAILED = "Failed to remove previous cluster information with error: ";
    public static final String DATA_DIR_FAILED = "Failed to remove contents of the data directory with error: ";
    public static final String CONFIGURE_RESTORE_FAILED = "Failed to configure Patroni to restore the backup with error: ";
    public static final String START_FAILED = "Failed to start database service with error: ";
    public static final String NO_RESTORE_TARGET =
            "Either backup-id or restore-to-time parameters need to be provided to be able to do restore";
    public static final String BAD_RESTORE_TIME = "Bad restore-to-time format";

    // Action results.
    public static final String BACKUP_CREATED = "backup created";
    public static final String RESTORE_STARTED = "restore started";

    public static String invalidBackupType(String type) {
        return "Invalid backup type: " + type + ". Possible values: full, differential, incremental.";
    }

    public static String noFullBackupToReference(String type) {
        return "Invalid backup type: " + type + ". No previous full backup to reference.";
    }
}
