package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumMap;
import java.util.EnumSet;
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
        // The port's own Active warnings.
        w.put(Messages.ARCHIVE_BEHIND, "WAL archiving behind: %d segments waiting, oldest %d min");
        w.put(Messages.WAL_DROPPED, "WAL dropped from the full archive queue at %s UTC: point-in-time recovery has a gap until the next backup");
        // Action results.
        w.put(Messages.BACKUP_CREATED, "backup created");
        w.put(Messages.RESTORE_STARTED, "restore started");
        return w;
    }

    /** Every refusal's words, written out literally; the parametrised ones with {@code <detail>} = e, x, .... */
    private static Map<Refusal, String> goldenRefusals() {
        Map<Refusal, String> w = new EnumMap<>(Refusal.class);
        w.put(Refusal.S3_RELATION_MISSING, "Relation with s3-integrator charm missing, cannot create/restore backup.");
        w.put(Refusal.MISSING_S3_PARAMETERS, "Missing S3 parameters: [bucket]");
        w.put(Refusal.UNIT_BLOCKED, "Unit is in a blocking state");
        w.put(Refusal.DATABASE_OFFLINE, "Unit cannot perform backups as the database seems to be offline");
        w.put(Refusal.UNIT_IS_PRIMARY, "Unit cannot perform backups as it is the cluster primary");
        w.put(Refusal.TLS_NOT_ENABLED, "Unit cannot perform backups as TLS is not enabled");
        w.put(Refusal.NOT_RUNNING, "Unit cannot perform backups as it's not in running state");
        w.put(Refusal.STANZA_NOT_INITIALISED, "Stanza was not initialised");
        w.put(Refusal.METADATA_UPLOAD_FAILED, "Failed to upload metadata to provided S3");
        w.put(Refusal.BACKUP_FAILED, "Failed to backup PostgreSQL with error: e");
        w.put(Refusal.LOG_UPLOAD_FAILED, "Error uploading logs to S3");
        w.put(Refusal.INVALID_BACKUP_TYPE, "Invalid backup type: weekly. Possible values: full, differential, incremental.");
        w.put(Refusal.NO_FULL_BACKUP_TO_REFERENCE, "Invalid backup type: incremental. No previous full backup to reference.");
        w.put(Refusal.LIST_FAILED, "Failed to list PostgreSQL backups with error: e");
        w.put(Refusal.WORKLOAD_NOT_READY, "Workload container not ready yet!");
        w.put(Refusal.CLUSTER_BLOCKED, "Cluster or unit is in a blocking state");
        w.put(Refusal.MORE_THAN_ONE_UNIT, "Unit cannot restore backup as there are more than one unit in the cluster");
        w.put(Refusal.NOT_LEADER, "Unit cannot restore backup as it was not elected the leader unit yet");
        w.put(Refusal.INVALID_BACKUP_ID, "Invalid backup-id: x");
        w.put(Refusal.STOP_FAILED, "Failed to stop database service with error: e");
        w.put(Refusal.CLUSTER_INFO_FAILED, "Failed to remove previous cluster information with error: e");
        w.put(Refusal.DATA_DIR_FAILED, "Failed to remove contents of the data directory with error: e");
        w.put(Refusal.NO_RESTORE_TARGET, "Either backup-id or restore-to-time parameters need to be provided to be able to do restore");
        w.put(Refusal.BAD_RESTORE_TIME, "Bad restore-to-time format");
        w.put(Refusal.TIMELINE_NEEDS_TIME, "Cannot restore to the timeline without restore-to-time parameter");
        w.put(Refusal.NO_BASE_BACKUP_ON_LATEST_TIMELINE, "There is no base backup created from the latest timeline");
        w.put(Refusal.NO_TIMELINE_BEFORE, "Can't find the nearest timeline before timestamp x to restore");
        // The port's own words (not in the reference): an invalid setting, and restore steps the reference has no text for.
        w.put(Refusal.INVALID_S3_PARAMETERS, "Invalid S3 parameters: e");
        w.put(Refusal.CONFIGURE_RESTORE_FAILED, "Failed to configure Patroni to restore the backup with error: e");
        w.put(Refusal.START_FAILED, "Failed to start database service with error: e");
        // The port's own words: the restore's checks before anything is stopped.
        w.put(Refusal.NO_BASE_BACKUP_BEFORE, "There is no base backup to restore x");
        w.put(Refusal.TIME_BEFORE_BACKUP_END, "restore-to-time x");
        w.put(Refusal.TIME_AFTER_ARCHIVE_END, "restore-to-time x");
        w.put(Refusal.ARCHIVE_NOT_CURRENT, "Cannot archive the latest WAL before the restore, nothing was stopped: e");
        return w;
    }

    /** The detail each parametrised golden entry above was written with. */
    private static final Map<Refusal, String> DETAILS = Map.of(
            Refusal.MISSING_S3_PARAMETERS, "[bucket]",
            Refusal.INVALID_BACKUP_TYPE, "weekly",
            Refusal.NO_FULL_BACKUP_TO_REFERENCE, "incremental",
            Refusal.INVALID_BACKUP_ID, "x",
            Refusal.NO_TIMELINE_BEFORE, "x",
            Refusal.NO_BASE_BACKUP_BEFORE, "x",
            Refusal.TIME_BEFORE_BACKUP_END, "x",
            Refusal.TIME_AFTER_ARCHIVE_END, "x");

    private static String wordsOf(Refusal refusal, String golden) {
        if (golden.endsWith(": e")) {
            return refusal.words("e");
        }
        return DETAILS.containsKey(refusal) ? refusal.words(DETAILS.get(refusal)) : refusal.words();
    }

    @Test
    void everyUserVisibleText_isWordForWordTheReferences() {
        golden().forEach((actual, expected) -> assertEquals(expected, actual));
    }

    @Test
    void everyRefusal_isWordForWordTheReferences() {
        goldenRefusals().forEach((refusal, expected) -> assertEquals(expected, wordsOf(refusal, expected), refusal.name()));
    }

    @Test
    void everyRefusal_isInTheGoldenList() {
        assertEquals(EnumSet.allOf(Refusal.class), goldenRefusals().keySet());
    }

    @Test
    void aRefusalTakesADetail_exactlyWhenItsWordsHaveOne() {
        assertThrows(IllegalStateException.class, () -> Refusal.BACKUP_FAILED.words());
        assertThrows(IllegalStateException.class, () -> Refusal.UNIT_BLOCKED.words("e"));
    }
}
