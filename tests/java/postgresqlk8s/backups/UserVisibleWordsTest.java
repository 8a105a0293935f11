package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The golden list of every status, action failure and result text users match on, written out
 * literally as ../shared/spec/reference-behaviour.md gives them (not through the constants), so that a
 * typo in a constant fails here. The port's own words, which the reference does not have, are marked.
 */
class UserVisibleWordsTest {

    private static Map<String, String> golden() {
        Map<String, String> w = new LinkedHashMap<>();
        // Blocked statuses.
        w.put(Messages.ANOTHER_CLUSTER, "the S3 repository has backups from another cluster");
        w.put(Messages.BUCKET_FAILED, "failed to access/create the bucket, check your S3 settings");
        w.put(Messages.STANZA_FAILED, "failed to initialize stanza, check your S3 settings");
        w.put(Messages.RESTORE_FAILED, "Failed to restore backup");
        // Maintenance statuses.
        w.put(Messages.INITIALISING_STANZA, "initialising stanza");
        w.put(Messages.CHECKING_STANZA, "checking stanza");
        w.put(Messages.CREATING_BACKUP, "creating backup");
        w.put(Messages.RESTORING_BACKUP, "restoring backup");
        // Action failures.
        w.put(Messages.S3_RELATION_MISSING, "Relation with s3-integrator charm missing, cannot create/restore backup.");
        w.put(Messages.MISSING_S3_PARAMETERS + "[bucket]", "Missing S3 parameters: [bucket]");
        w.put(Messages.UNIT_BLOCKED, "Unit is in a blocking state");
        w.put(Messages.DATABASE_OFFLINE, "Unit cannot perform backups as the database seems to be offline");
        w.put(Messages.UNIT_IS_PRIMARY, "Unit cannot perform backups as it is the cluster primary");
        w.put(Messages.TLS_NOT_ENABLED, "Unit cannot perform backups as TLS is not enabled");
        w.put(Messages.NOT_RUNNING, "Unit cannot perform backups as it's not in running state");
        w.put(Messages.STANZA_NOT_INITIALISED, "Stanza was not initialised");
        w.put(Messages.METADATA_UPLOAD_FAILED, "Failed to upload metadata to provided S3");
        w.put(Messages.BACKUP_FAILED + "e", "Failed to backup PostgreSQL with error: e");
        w.put(Messages.LOG_UPLOAD_FAILED, "Error uploading logs to S3");
        w.put(Messages.invalidBackupType("weekly"), "Invalid backup type: weekly. Possible values: full, differential, incremental.");
        w.put(Messages.noFullBackupToReference("incremental"), "Invalid backup type: incremental. No previous full backup to reference.");
        w.put(Messages.LIST_FAILED + "e", "Failed to list PostgreSQL backups with error: e");
        w.put(Messages.WORKLOAD_NOT_READY, "Workload container not ready yet!");
        w.put(Messages.CLUSTER_BLOCKED, "Cluster or unit is in a blocking state");
        w.put(Messages.MORE_THAN_ONE_UNIT, "Unit cannot restore backup as there are more than one unit in the cluster");
        w.put(Messages.NOT_LEADER, "Unit cannot restore backup as it was not elected the leader unit yet");
        w.put(Messages.INVALID_BACKUP_ID + "x", "Invalid backup-id: x");
        w.put(Messages.STOP_FAILED + "e", "Failed to stop database service with error: e");
        w.put(Messages.CLUSTER_INFO_FAILED + "e", "Failed to remove previous cluster information with error: e");
        w.put(Messages.DATA_DIR_FAILED + "e", "Failed to remove contents of the data directory with error: e");
        w.put(Messages.NO_RESTORE_TARGET, "Either backup-id or restore-to-time parameters need to be provided to be able to do restore");
        w.put(Messages.BAD_RESTORE_TIME, "Bad restore-to-time format");
        // Action results.
        w.put(Messages.BACKUP_CREATED, "backup created");
        w.put(Messages.RESTORE_STARTED, "restore started");
        // The port's own words (not in the reference): an invalid setting, and restore steps the reference has no text for.
        w.put(Messages.INVALID_S3_PARAMETERS + "e", "Invalid S3 parameters: e");
        w.put(Messages.CONFIGURE_RESTORE_FAILED + "e", "Failed to configure Patroni to restore the backup with error: e");
        w.put(Messages.START_FAILED + "e", "Failed to start database service with error: e");
        return w;
    }

    @Test
    void everyUserVisibleText_isWordForWordTheReferences() {
        golden().forEach((actual, expected) -> assertEquals(expected, actual));
    }
}
