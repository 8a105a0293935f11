package postgresqlk8s.backups;

/**
 * Why an action was refused: the action failures of reference-behaviour.md, word for word. A refusal
 * with a {@code <detail>} in its words takes the detail through {@link #words(String)}, the others
 * through {@link #words()}; mixing them up is a bug, so it throws.
 */
enum Refusal {
    // The S3 checks every action flow starts from.
    S3_RELATION_MISSING("Relation with s3-integrator charm missing, cannot create/restore backup."),
    MISSING_S3_PARAMETERS("Missing S3 parameters: <detail>"),
    /** The port's own words: the reference has no check for unusable values. */
    INVALID_S3_PARAMETERS("Invalid S3 parameters: <detail>"),
    // create-backup.
    INVALID_BACKUP_TYPE("Invalid backup type: <detail>. Possible values: full, differential, incremental."),
    UNIT_BLOCKED("Unit is in a blocking state"),
    DATABASE_OFFLINE("Unit cannot perform backups as the database seems to be offline"),
    UNIT_IS_PRIMARY("Unit cannot perform backups as it is the cluster primary"),
    TLS_NOT_ENABLED("Unit cannot perform backups as TLS is not enabled"),
    NOT_RUNNING("Unit cannot perform backups as it's not in running state"),
    STANZA_NOT_INITIALISED("Stanza was not initialised"),
    NO_FULL_BACKUP_TO_REFERENCE("Invalid backup type: <detail>. No previous full backup to reference."),
    METADATA_UPLOAD_FAILED("Failed to upload metadata to provided S3"),
    BACKUP_FAILED("Failed to backup PostgreSQL with error: <detail>"),
    LOG_UPLOAD_FAILED("Error uploading logs to S3"),
    // list-backups (and the backup listings of create-backup and restore).
    LIST_FAILED("Failed to list PostgreSQL backups with error: <detail>"),
    // restore.
    NO_RESTORE_TARGET("Either backup-id or restore-to-time parameters need to be provided to be able to do restore"),
    BAD_RESTORE_TIME("Bad restore-to-time format"),
    WORKLOAD_NOT_READY("Workload container not ready yet!"),
    CLUSTER_BLOCKED("Cluster or unit is in a blocking state"),
    MORE_THAN_ONE_UNIT("Unit cannot restore backup as there are more than one unit in the cluster"),
    NOT_LEADER("Unit cannot restore backup as it was not elected the leader unit yet"),
    INVALID_BACKUP_ID("Invalid backup-id: <detail>"),
    TIMELINE_NEEDS_TIME("Cannot restore to the timeline without restore-to-time parameter"),
    NO_BASE_BACKUP_ON_LATEST_TIMELINE("There is no base backup created from the latest timeline"),
    NO_TIMELINE_BEFORE("Can't find the nearest timeline before timestamp <detail> to restore"),
    /** The port's own words: the pre-check before anything is stopped (the reference finds it in the recovery). */
    NO_BASE_BACKUP_BEFORE("There is no base backup to restore <detail>"),
    /** The port's own words, as above. */
    TIME_BEFORE_BACKUP_END("restore-to-time <detail>"),
    /** The port's own words, as above. */
    TIME_AFTER_ARCHIVE_END("restore-to-time <detail>"),
    /** The port's own words, as above. */
    ARCHIVE_NOT_CURRENT("Cannot archive the latest WAL before the restore, nothing was stopped: <detail>"),
    STOP_FAILED("Failed to stop database service with error: <detail>"),
    CLUSTER_INFO_FAILED("Failed to remove previous cluster information with error: <detail>"),
    DATA_DIR_FAILED("Failed to remove contents of the data directory with error: <detail>"),
    /** The port's own words: the reference has no text for this restore step failing. */
    CONFIGURE_RESTORE_FAILED("Failed to configure Patroni to restore the backup with error: <detail>"),
    /** The port's own words: the reference has no text for this restore step failing. */
    START_FAILED("Failed to start database service with error: <detail>");

    private static final String DETAIL = "<detail>";

    private final String template;

    Refusal(String template) {
        this.template = template;
    }

    /** The words of a refusal that takes no detail. */
    String words() {
        if (template.contains(DETAIL)) {
            throw new IllegalStateException(name() + " needs a detail");
        }
        return template;
    }

    /** The words of a parametrised refusal, the detail in its place. */
    String words(String detail) {
        if (!template.contains(DETAIL)) {
            throw new IllegalStateException(name() + " takes no detail");
        }
        return template.replace(DETAIL, detail);
    }
}
