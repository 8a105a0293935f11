package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static postgresqlk8s.backups.BackupWorld.backup;
import static postgresqlk8s.backups.BackupWorld.info;
import static postgresqlk8s.backups.BackupWorld.ok;
import static postgresqlk8s.backups.BackupWorld.peerAppData;
import static postgresqlk8s.backups.BackupWorld.withStanza;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import jujuops.model.Status;
import jujuops.testing.Result;
import jujuops.testing.State;
import jujuops.testing.TestEvent;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.cluster.UnitStatuses;
import postgresqlk8s.pgbackrest.StanzaName;
import postgresqlk8s.workload.Command;
import postgresqlk8s.workload.ExecResult;

/** One test per edge of the restore flowchart, named after its decision, with the exact reference strings. */
class RestoreFlowTest {

    private static final long JAN1 = 1672563600L; // 2023-01-01T09:00:00Z
    private static final long JAN3 = 1672736400L; // 2023-01-03T09:00:00Z
    private static final String FULL = "20230101-090000F";
    private static final String FULL_ID = "2023-01-01T09:00:00Z";
    private static final String FAILED = "20230103-090000F";
    private static final String FAILED_ID = "2023-01-03T09:00:00Z";
    private static final String RESTORE_PREFIX = "pgbackrest --stanza=dev.patroni-postgresql-k8s --pg1-path=/var/lib/postgresql/data/pgdata";
    /** The archiving of the WAL up to now before a restore: a commit, then pgBackRest's check. */
    private static final List<String> WAL_COMMIT = List.of("/usr/lib/postgresql/14/bin/psql", "-h", "/tmp", "-p", "5432",
            "-d", "postgres", "-X", "-A", "-t", "-c", "select txid_current()");
    private static final List<String> WAL_CHECK = List.of("pgbackrest", "--stanza=dev.patroni-postgresql-k8s", "--io-timeout=3",
            "--db-timeout=15", "--protocol-timeout=20", "check");
    private static final List<String> PEBBLE_STOP = List.of("/charm/bin/pebble", "stop", "postgresql");
    private static final List<String> PEBBLE_START = List.of("/charm/bin/pebble", "start", "postgresql");
    /** The action's first look at the restore it started (RestoreFollow): Pebble's state of the service. */
    private static final List<String> PEBBLE_SERVICES = List.of("/charm/bin/pebble", "services", "postgresql");
    private static final List<String> EMPTY_DATA_DIR = List.of("find", "/var/lib/postgresql/data/pgdata", "-mindepth", "1", "-delete");
    /** What an earlier failed bootstrap left, so that update-status sees only this restore's. */
    private static final List<String> REMOVE_FAILED_BOOTSTRAP = List.of("rm", "-rf", "--", "/var/lib/postgresql/data/pgdata.failed");

    private final BackupWorld world = new BackupWorld();

    RestoreFlowTest() {
        world.exec.answer("info", ok(info(
                backup(FULL, "full", null, false, JAN1, JAN1 + 5),
                backup(FAILED, "full", null, true, JAN3, JAN3 + 60))));
    }

    private Result restore(State in, Map<String, Object> params) {
        return world.run(TestEvent.action("restore", params), in);
    }

    private Result restoreBackup(State in) {
        return restore(in, Map.of("backup-id", FULL_ID));
    }

    private List<List<String>> argvs() {
        return world.exec.commands().stream().map(Command::argv).toList();
    }

    private Optional<String> restoreCommand() {
        return world.patroniConfig.applied.isEmpty() ? Optional.empty() : world.patroniConfig.last().restoreCommand();
    }

    /** Refused before anything was stopped, deleted or configured. */
    private void assertNothingTouched(Result r, String failure) {
        assertEquals(Optional.of(failure), r.actionFailure());
        assertEquals(Map.of(), r.actionResults());
        assertFalse(argvs().contains(PEBBLE_STOP), argvs().toString());
        assertFalse(argvs().contains(EMPTY_DATA_DIR));
        assertEquals(0, world.clusterState.deletions);
        assertEquals(List.of(), world.patroniConfig.applied);
        assertEquals(List.of(), r.statusHistory());
        assertFalse(peerAppData(r).containsKey(PeerKeys.RESTORING_BACKUP));
        assertEquals(0, r.exitCode());
    }

    /** The port's checks run after the chart's first five questions: only "Is workload container accessible?" ran. */
    private void assertOnlyTheAccessibilityProbeRan() {
        assertEquals(List.of(List.of("true")), argvs());
    }

    private void assertNoCommandMentions(String... fragments) {
        for (Command c : world.exec.commands()) {
            for (String f : fragments) {
                assertFalse(String.join(" ", c.argv()).contains(f), c.toString());
            }
        }
        world.patroniConfig.applied.forEach(s -> s.restoreCommand().ifPresent(cmd -> {
            for (String f : fragments) {
                assertFalse(cmd.contains(f), cmd);
            }
        }));
    }

    // --- Has user provided a backup id? (or a time) ------------------------------------------------

    @Test
    void hasUserProvidedBackupId_no_failsAction() {
        Result r = restore(withStanza(), Map.of());
        assertNothingTouched(r,
                "Either backup-id or restore-to-time parameters need to be provided to be able to do restore");
        assertEquals(List.of(), world.exec.commands());
    }

    @Test
    void hasUserProvidedBackupId_no_blankValuesCountAsNone() {
        Result r = restore(withStanza(), Map.of("backup-id", " ", "restore-to-time", ""));
        assertNothingTouched(r,
                "Either backup-id or restore-to-time parameters need to be provided to be able to do restore");
    }

    @Test
    void restoreToTimeFormat_bad_failsBeforeAnythingRuns() {
        Result r = restore(withStanza(), Map.of("restore-to-time", "yesterday at nine"));
        assertNothingTouched(r, "Bad restore-to-time format");
        assertOnlyTheAccessibilityProbeRan();
    }

    @Test
    void restoreToTimeFormat_shellMetacharacters_refused_andNeverInACommand() {
        String time = "2023-01-01 09:00:00'; drop table x; --";
        Result r = restore(withStanza(), Map.of("restore-to-time", time));
        assertNothingTouched(r, "Bad restore-to-time format");
        assertOnlyTheAccessibilityProbeRan();
        r.logs().forEach(l -> assertFalse(l.contains("drop table"), l));
    }

    @Test
    void restoreToTimeFormat_withABackupId_metacharactersRefused() {
        Result r = restore(withStanza(), Map.of("backup-id", FULL_ID, "restore-to-time", "2023-01-01 09:00:00`reboot`"));
        assertNothingTouched(r, "Bad restore-to-time format");
        assertNoCommandMentions("reboot");
    }

    /** A well-shaped but impossible time would empty the data directory, then fail in PostgreSQL's recovery. */
    @Test
    void restoreToTimeFormat_impossibleDate_refusedBeforeTheDataIsDeleted() {
        Result r = restore(withStanza(), Map.of("restore-to-time", "2023-02-30 09:00:00"));
        assertNothingTouched(r, "Bad restore-to-time format");
    }

    @Test
    void restoreToTimeFormat_impossibleTimeOfDay_refusedBeforeTheDataIsDeleted() {
        Result r = restore(withStanza(), Map.of("restore-to-time", "2023-01-01 25:61:00"));
        assertNothingTouched(r, "Bad restore-to-time format");
    }

    @Test
    void restoreToTimeFormat_isAskedAfterTheChartsQuestions_workloadInaccessibleComesFirst() {
        world.exec.unreachable();
        Result r = restore(withStanza(), Map.of("restore-to-time", "yesterday at nine"));
        assertNothingTouched(r, "Workload container not ready yet!");
    }

    @Test
    void restoreToTimeFormat_isAskedAfterTheChartsQuestions_notLeaderComesFirst() {
        Result r = restore(withStanza().withLeader(false), Map.of("restore-to-time", "yesterday at nine"));
        assertNothingTouched(r, "Unit cannot restore backup as it was not elected the leader unit yet");
    }

    // --- S3 relation and parameters (the port's, before "Is backup id valid?" reads the repository) ---

    @Test
    void isS3RelationEstablished_isAskedAfterTheChartsQuestions_workloadInaccessibleComesFirst() {
        world.exec.unreachable();
        Result r = restoreBackup(withStanza().withoutRelation("s3-parameters:3"));
        assertNothingTouched(r, "Workload container not ready yet!");
    }

    @Test
    void hasMissingS3Parameters_isAskedAfterTheChartsQuestions_moreThanOneUnitComesFirst() {
        Result r = restoreBackup(withStanza().withPlannedUnits(3)
                .withRelation(BackupWorld.s3Relation(BackupWorld.dataWith("bucket", ""))));
        assertNothingTouched(r, "Unit cannot restore backup as there are more than one unit in the cluster");
    }

    @Test
    void hasInvalidS3Parameters_yes_failsAction_namingTheValue() {
        Result r = restoreBackup(withStanza().withRelation(BackupWorld.s3Relation(BackupWorld.dataWith("s3-uri-style", "virtual"))));
        assertNothingTouched(r, "Invalid S3 parameters: s3-uri-style must be 'host' or 'path'");
        assertOnlyTheAccessibilityProbeRan();
    }

    @Test
    void isS3RelationEstablished_no_failsAction() {
        Result r = restoreBackup(withStanza().withoutRelation("s3-parameters:3"));
        assertNothingTouched(r, "Relation with s3-integrator charm missing, cannot create/restore backup.");
        assertOnlyTheAccessibilityProbeRan();
    }

    @Test
    void hasMissingS3Parameters_yes_failsAction() {
        Result r = restoreBackup(withStanza().withRelation(BackupWorld.s3Relation(BackupWorld.dataWith("bucket", ""))));
        assertNothingTouched(r, "Missing S3 parameters: ['bucket']");
        assertOnlyTheAccessibilityProbeRan();
    }

    // --- Is workload container accessible? ------------------------------------------------------

    @Test
    void isWorkloadContainerAccessible_no_failsAction() {
        world.exec.unreachable();
        Result r = restoreBackup(withStanza());
        assertNothingTouched(r, "Workload container not ready yet!");
    }

    @Test
    void isWorkloadContainerAccessible_yes_askedWithAHarmlessCommand() {
        restoreBackup(withStanza());
        assertEquals(List.of("true"), argvs().get(0));
        assertEquals(Command.ROOT, world.exec.commands().get(0).user());
    }

    // --- Is unit in blocked state? --------------------------------------------------------------

    @Test
    void isUnitBlocked_yes_failsAction() {
        Result r = restoreBackup(withStanza().withUnitStatus(Status.blocked("fix the storage")).withStored(BackupWorld.said(UnitStatuses.Concern.DATABASE, Status.blocked("fix the storage"))));
        assertNothingTouched(r, "Cluster or unit is in a blocking state");
    }

    @Test
    void isUnitBlocked_no_blockedByAFailedRestore_aNewRestoreMayFixIt() {
        Result r = restoreBackup(withStanza().withUnitStatus(Status.blocked("Failed to restore backup")).withStored(BackupWorld.said(UnitStatuses.Concern.RESTORE, Status.blocked("Failed to restore backup"))));
        assertEquals(Map.of("restore-status", "restore started"), r.actionResults());
        assertEquals(Optional.empty(), r.actionFailure());
    }

    @Test
    void isUnitBlocked_no_blockedByAnotherClustersRepository_aRestoreMayFixIt() {
        Result r = restoreBackup(withStanza().withUnitStatus(Status.blocked(Messages.ANOTHER_CLUSTER)).withStored(BackupWorld.said(UnitStatuses.Concern.S3, Status.blocked(Messages.ANOTHER_CLUSTER))));
        assertEquals(Map.of("restore-status", "restore started"), r.actionResults());
    }

    // --- Is single unit cluster? ----------------------------------------------------------------

    @Test
    void isSingleUnitCluster_no_failsAction() {
        Result r = restoreBackup(withStanza().withPlannedUnits(2));
        assertNothingTouched(r, "Unit cannot restore backup as there are more than one unit in the cluster");
    }

    // --- Is current unit leader? ----------------------------------------------------------------

    @Test
    void isLeader_no_failsAction() {
        Result r = restoreBackup(withStanza().withLeader(false));
        assertNothingTouched(r, "Unit cannot restore backup as it was not elected the leader unit yet");
    }

    // --- Is backup id valid? --------------------------------------------------------------------

    @Test
    void isBackupIdValid_no_shellMetacharacters_refused_andNeverInACommand() {
        String id = "2023-01-01T09:00:00Z; rm -rf /";
        Result r = restore(withStanza(), Map.of("backup-id", id));
        assertNothingTouched(r, "Invalid backup-id: 2023-01-01T09:00:00Z; rm -rf /");
        assertNoCommandMentions("rm -rf", ";");
    }

    @Test
    void isBackupIdValid_no_commandSubstitution_refused_andNeverInACommand() {
        Result r = restore(withStanza(), Map.of("backup-id", "$(reboot)"));
        assertNothingTouched(r, "Invalid backup-id: $(reboot)");
        assertNoCommandMentions("reboot", "$(");
    }

    @Test
    void isBackupIdValid_no_notInTheRepository() {
        Result r = restore(withStanza(), Map.of("backup-id", "2023-01-05T09:00:00Z"));
        assertNothingTouched(r, "Invalid backup-id: 2023-01-05T09:00:00Z");
        assertTrue(world.exec.verbs().contains("info"));
    }

    @Test
    void isBackupIdValid_no_aFailedBackup() {
        Result r = restore(withStanza(), Map.of("backup-id", FAILED_ID));
        assertNothingTouched(r, "Invalid backup-id: " + FAILED_ID);
    }

    @Test
    void isBackupIdValid_no_impossibleDate() {
        Result r = restore(withStanza(), Map.of("backup-id", "2023-02-30T00:00:00Z"));
        assertNothingTouched(r, "Invalid backup-id: 2023-02-30T00:00:00Z");
    }

    @Test
    void isBackupIdValid_cannotTell_repositoryUnreadable_failsWithTheListError() {
        world.exec.reanswer("info", new ExecResult(39, "", "ERROR: [039]: HTTP request failed with 403 (Forbidden)\n", false));
        Result r = restoreBackup(withStanza());
        assertNothingTouched(r, "Failed to list PostgreSQL backups with error: ERROR: [039]: HTTP request failed with 403 (Forbidden)");
    }

    @Test
    void restoreStarted_recordsTheBackupsDatabaseSize_forUpdateStatussPercent() {
        world.exec.reanswer("info", ok(info(backup(FULL, "full", null, false, JAN1, JAN1 + 5).replace(",\"size\":1}", ",\"size\":141700000}"))));
        Result r = restoreBackup(withStanza().withStored(Map.of(RestoreProgress.KEY, "999")));
        assertEquals(Map.of("restore-status", "restore started"), r.actionResults());
        assertEquals("141700000", r.state().stored().get(RestoreProgress.KEY), "this restore's backup, not an earlier one's");
    }

    @Test
    void isBackupIdValid_yes_restoreStarted() {
        List<List<String>> verbsAtApply = new ArrayList<>();
        world.patroniConfig.onApply = () -> verbsAtApply.add(List.copyOf(world.exec.verbs()));
        Result r = restoreBackup(withStanza());

        assertEquals(Map.of("restore-status", "restore started"), r.actionResults());
        assertEquals(Optional.empty(), r.actionFailure());
        assertEquals(List.of(Status.maintenance("restoring backup")), r.statusHistory());
        assertEquals(List.of(List.of("true"), List.of("pgbackrest", "info", "--output=json", "--io-timeout=3"), WAL_COMMIT, WAL_CHECK,
                PEBBLE_STOP, EMPTY_DATA_DIR, REMOVE_FAILED_BOOTSTRAP, PEBBLE_START, PEBBLE_SERVICES), argvs());
        assertEquals(1, world.clusterState.deletions);
        assertEquals(FULL, peerAppData(r).get(PeerKeys.RESTORING_BACKUP));
        assertEquals(BackupWorld.STANZA, peerAppData(r).get(PeerKeys.RESTORE_STANZA));
        assertEquals("1", peerAppData(r).get(PeerKeys.RESTORE_FROM_TIMELINE));
        assertFalse(peerAppData(r).containsKey(PeerKeys.RESTORE_TO_TIME));
        assertEquals(Optional.of("pgbackrest --stanza=dev.patroni-postgresql-k8s --pg1-path=/var/lib/postgresql/data/pgdata "
                + "--set=20230101-090000F --type=immediate --target-action=promote restore"), restoreCommand());
        assertEquals(Optional.of(new StanzaName(BackupWorld.STANZA)), world.patroniConfig.last().archiveStanza());
        assertTrue(world.patroniConfig.last().acceptConnections());
        assertEquals(List.of(List.of("true", "info", "psql", "check", "pebble stop", "find", "rm")), verbsAtApply,
                "configured after the data directory was emptied, before the start");
    }

    @Test
    void restoreStarted_theActionFollowsTheRestore_aLineALook_untilTheBackupsFilesAreWritten() {
        world.pausesTakeTime = true;
        world.exec.reanswer("info", ok(info(backup(FULL, "full", null, false, JAN1, JAN1 + 5).replace(",\"size\":1}", ",\"size\":141700000}"))));
        world.exec.answer("pebble services", ok("Service     Startup  Current  Since\npostgresql  enabled  active   today\n"));
        world.exec.answer("du", ok("4096\t/var/lib/postgresql/data/pgdata\n"), ok("70850000\t/var/lib/postgresql/data/pgdata\n"),
                ok("141800000\t/var/lib/postgresql/data/pgdata\n"));
        Result r = restoreBackup(withStanza());
        assertEquals(Map.of("restore-status", "restore started"), r.actionResults(), r.actionFailure().orElse(""));
        List<String> lines = r.actionLogs();
        int started = lines.indexOf("Starting the database to restore " + FULL);
        assertTrue(started > 0, lines.toString());
        assertEquals(List.of("restore 0% (4.0 KB of 135.1 MB written)", "restore 50% (67.6 MB of 135.1 MB written)",
                "restore: the backup's files are written (135.2 MB); PostgreSQL now recovers the WAL, and the unit's status says "
                        + "when the database runs"), lines.subList(started + 1, lines.size()));
        assertEquals(BackupWorld.NOW.plusSeconds(24), world.now, "three looks 8 s apart");
        assertEquals(Status.maintenance("restoring backup"), r.unitStatus(), "update-status says when the database runs");
    }

    @Test
    void restoreStarted_aFollowThatCannotLook_doesNotFailTheAction() {
        world.exec.answer("pebble services", new ExecResult(1, "", "error: cannot connect to pebble\n", false));
        Result r = restoreBackup(withStanza());
        assertEquals(Map.of("restore-status", "restore started"), r.actionResults());
        assertEquals(Optional.empty(), r.actionFailure());
        assertEquals(0, r.exitCode());
        assertEquals(Messages.RESTORE_NOT_FOLLOWED, r.actionLogs().get(r.actionLogs().size() - 1));
    }

    @Test
    void isBackupIdValid_yes_clusterStateDeletedAfterTheStop_beforeTheDataDirectory() {
        List<List<String>> verbsAtDeletion = new ArrayList<>();
        world.clusterState.onDelete = () -> verbsAtDeletion.add(List.copyOf(world.exec.verbs()));
        restoreBackup(withStanza());
        assertEquals(List.of(List.of("true", "info", "psql", "check", "pebble stop")), verbsAtDeletion);
    }

    // --- Has database stopped? ------------------------------------------------------------------

    @Test
    void hasDatabaseStopped_no_failsAction_andNothingIsDeleted() {
        world.exec.fail("pebble stop", 1, "error: cannot perform the following tasks:\n- Stop service \"postgresql\" (timeout)\n");
        Result r = restoreBackup(withStanza());
        assertEquals(Optional.of("Failed to stop database service with error: error: cannot perform the following tasks:\n"
                + "- Stop service \"postgresql\" (timeout)"), r.actionFailure());
        assertEquals(0, world.clusterState.deletions);
        assertFalse(argvs().contains(EMPTY_DATA_DIR));
        assertFalse(argvs().contains(PEBBLE_START));
        assertEquals(List.of(), world.patroniConfig.applied);
        assertFalse(peerAppData(r).containsKey(PeerKeys.RESTORING_BACKUP));
        assertEquals(List.of(Status.maintenance("restoring backup"), Status.active()), r.statusHistory());
    }

    // --- Was previous cluster info removed? -----------------------------------------------------

    @Test
    void wasPreviousClusterInfoRemoved_no_startsTheDatabaseAgain_andFails() {
        world.clusterState.failure = "endpoints \"patroni-postgresql-k8s\" is forbidden";
        Result r = restoreBackup(withStanza());
        assertEquals(Optional.of("Failed to remove previous cluster information with error: "
                + "endpoints \"patroni-postgresql-k8s\" is forbidden"), r.actionFailure());
        assertEquals(List.of(List.of("true"), List.of("pgbackrest", "info", "--output=json", "--io-timeout=3"), WAL_COMMIT, WAL_CHECK,
                PEBBLE_STOP, PEBBLE_START), argvs());
        assertEquals(List.of(), world.patroniConfig.applied);
        assertFalse(peerAppData(r).containsKey(PeerKeys.RESTORING_BACKUP));
        assertEquals(Status.active(), r.unitStatus());
    }

    // --- Was the data directory emptied? --------------------------------------------------------

    @Test
    void wasDataDirectoryEmptied_no_startsTheDatabaseAgain_andFails() {
        world.exec.fail("find", 1, "find: '/var/lib/postgresql/data/pgdata/base': Permission denied\n");
        Result r = restoreBackup(withStanza());
        assertEquals(Optional.of("Failed to remove contents of the data directory with error: "
                + "find: '/var/lib/postgresql/data/pgdata/base': Permission denied"), r.actionFailure());
        assertEquals(List.of(PEBBLE_STOP, EMPTY_DATA_DIR, PEBBLE_START), argvs().subList(4, argvs().size()));
        assertEquals(1, world.clusterState.deletions);
        assertEquals(List.of(), world.patroniConfig.applied);
        assertFalse(peerAppData(r).containsKey(PeerKeys.RESTORING_BACKUP));
        assertEquals(Status.active(), r.unitStatus());
    }

    @Test
    void wasDataDirectoryEmptied_yes_whenItWasAlreadyGone() {
        world.exec.fail("find", 1, "find: '/var/lib/postgresql/data/pgdata': No such file or directory\n");
        Result r = restoreBackup(withStanza());
        assertEquals(Map.of("restore-status", "restore started"), r.actionResults());
        assertTrue(argvs().contains(PEBBLE_START));
    }

    @Test
    void startDatabaseAgain_fails_too_leavesTheUnitBlocked() {
        world.exec.fail("find", 1, "find: cannot delete: Read-only file system\n");
        world.exec.fail("pebble start", 1, "error: cannot start service: exited quickly with code 1\n");
        Result r = restoreBackup(withStanza());
        assertEquals(Optional.of("Failed to remove contents of the data directory with error: "
                + "find: cannot delete: Read-only file system"), r.actionFailure());
        assertEquals(Status.blocked("Failed to restore backup"), r.unitStatus());
    }

    @Test
    void configureRestore_refusedByPatroni_failsTheAction_leavesTheDatabaseStopped_andBlocks() {
        world.patroniConfig.failure = "patroni.yml: permission denied";
        Result r = restoreBackup(withStanza());
        assertFalse(argvs().contains(PEBBLE_START), "an empty data directory must not start without the restore method");
        assertEquals(Optional.of("Failed to configure Patroni to restore the backup with error: patroni.yml: permission denied"),
                r.actionFailure());
        assertEquals(Map.of(), r.actionResults());
        assertEquals(Status.blocked("Failed to restore backup"), r.unitStatus());
    }

    @Test
    void startDatabase_refused_failsTheAction_andBlocks() {
        world.exec.fail("pebble start", 1, "error: cannot start service: exited quickly with code 1");
        Result r = restoreBackup(withStanza());
        assertEquals(Optional.of("Failed to start database service with error: error: cannot start service: exited quickly with code 1"),
                r.actionFailure());
        assertEquals(Status.blocked("Failed to restore backup"), r.unitStatus());
        assertEquals(FULL, peerAppData(r).get(PeerKeys.RESTORING_BACKUP), "a new restore can follow");
    }

    // --- Configure Patroni to restore: the targets ----------------------------------------------

    @Test
    void restoreToTime_withABackupId_restoresToThatTimeOnTheBackupsTimeline() {
        Result r = restore(withStanza(), Map.of("backup-id", FULL_ID, "restore-to-time", "2023-01-01 10:00:00"));
        assertEquals(Map.of("restore-status", "restore started"), r.actionResults());
        assertEquals(Optional.of(RESTORE_PREFIX + " --set=20230101-090000F \"--target=2023-01-01 10:00:00\" --type=time"
                + " --target-timeline=0x1 --target-action=promote restore"), restoreCommand());
        assertEquals("2023-01-01 10:00:00", peerAppData(r).get(PeerKeys.RESTORE_TO_TIME));
    }

    @Test
    void restoreToTime_alone_restoresToThatTime() {
        Result r = restore(withStanza(), Map.of("restore-to-time", "2023-01-02 10:00:00.123456+00"));
        assertEquals(Map.of("restore-status", "restore started"), r.actionResults());
        assertEquals(Optional.of(RESTORE_PREFIX + " --set=" + FULL + " \"--target=2023-01-02 10:00:00.123456+00\" --type=time"
                + " --target-timeline=0x1 --target-action=promote restore"), restoreCommand());
        List<String> verbs = world.exec.verbs();
        assertTrue(verbs.indexOf("check") > verbs.indexOf("psql")
                && verbs.indexOf("check") < verbs.indexOf("pebble stop"),
                "the WAL up to now is archived (a commit, then check) before the database stops: " + verbs);
    }

    @Test
    void restoreToTime_latest_replaysAllWal_withoutATargetAction() {
        Result r = restore(withStanza(), Map.of("restore-to-time", "latest"));
        assertEquals(Map.of("restore-status", "restore started"), r.actionResults());
        String command = restoreCommand().orElseThrow();
        assertEquals(RESTORE_PREFIX + " --set=" + FULL + " --type=default --target-timeline=0x1 restore", command);
        assertFalse(command.contains("--target-action"), command);
    }

    @Test
    void restoreToTime_latest_fromABackup() {
        restore(withStanza(), Map.of("backup-id", FULL_ID, "restore-to-time", "latest"));
        assertEquals(Optional.of(RESTORE_PREFIX + " --set=20230101-090000F --type=default --target-timeline=0x1 restore"), restoreCommand());
    }

    // Not in the flowchart: the checks that a restore can reach its target, before anything is stopped.

    @Test
    void aTimeOnTheRunningTimeline_whoseWalCannotBeArchived_isRefused_andNothingIsStopped() {
        world.exec.fail("check", 82, "ERROR: [082]: WAL segment 000000010000000000000007 was not archived before the 60000ms timeout\n");
        Result r = restore(withStanza(), Map.of("restore-to-time", "2023-01-02 10:00:00"));
        assertNothingTouched(r, "Cannot archive the latest WAL before the restore, nothing was stopped: "
                + "ERROR: [082]: WAL segment 000000010000000000000007 was not archived before the 60000ms timeout");
    }

    @Test
    void aTimeAfterNow_isRefused_andNothingIsStopped() {
        Result r = restore(withStanza(), Map.of("restore-to-time", "2999-01-01 00:00:00"));
        assertNothingTouched(r, "restore-to-time 2999-01-01 00:00:00 is after the end of the archived WAL on timeline 1 ("
                + BackupWorld.NOW.toString().replace(".000", "") + ")");
    }

    @Test
    void aTimeBeforeTheFirstBackup_isRefused_andNothingIsStopped() {
        Result r = restore(withStanza(), Map.of("restore-to-time", "2022-12-31 23:00:00"));
        assertNothingTouched(r, "Can't find the nearest timeline before timestamp 2022-12-31 23:00:00 to restore");
    }

    @Test
    void aBackupIdWithATimeBeforeItFinished_isRefused_andNothingIsStopped() {
        Result r = restore(withStanza(), Map.of("backup-id", FULL_ID, "restore-to-time", "2023-01-01 09:00:02"));
        assertNothingTouched(r, "restore-to-time 2023-01-01 09:00:02 is before backup 2023-01-01T09:00:00Z finished (2023-01-01T09:00:05Z)");
    }

    /** The database runs on timeline 2; the time is on timeline 1, whose newest archived segment arrived at JAN1 + 1 h. */
    private void onTimelineTwo_withTimelineOnesArchiveEndingAt(long end) {
        world.patroni.member = FakePatroni.primary(2);
        world.exec.answer("repo-ls",
                ok("{\".\":{\"type\":\"path\"}}"),
                ok("{\".\":{\"type\":\"path\"},\"14-1\":{\"type\":\"path\"}}"),
                ok("{\".\":{\"type\":\"path\"},\"0000000100000000\":{\"type\":\"path\"},\"0000000200000000\":{\"type\":\"path\"}}"),
                ok("{\".\":{\"type\":\"path\"},\"000000010000000000000005-0123456789abcdef0123456789abcdef01234567.zst\""
                        + ":{\"type\":\"file\",\"size\":9,\"time\":" + end + "}}"));
    }

    @Test
    void aTimeOnAnOlderTimeline_afterItsArchivedWal_isRefused_andNothingIsStopped() {
        onTimelineTwo_withTimelineOnesArchiveEndingAt(JAN1 + 3600);
        Result r = restore(withStanza(), Map.of("restore-to-time", "2023-01-01 10:30:00"));
        assertNothingTouched(r, "restore-to-time 2023-01-01 10:30:00 is after the end of the archived WAL on timeline 1 (2023-01-01T10:00:00Z)");
        assertFalse(world.exec.verbs().contains("check"), "no archiving asked of a timeline the database is not on");
    }

    @Test
    void aTimeOnAnOlderTimeline_withinItsArchivedWal_restoresAlongIt() {
        onTimelineTwo_withTimelineOnesArchiveEndingAt(JAN1 + 3600);
        Result r = restore(withStanza(), Map.of("restore-to-time", "2023-01-01 09:30:00"));
        assertEquals(Map.of("restore-status", "restore started"), r.actionResults(), r.actionFailure().orElse(""));
        assertEquals(Optional.of(RESTORE_PREFIX + " --set=" + FULL + " \"--target=2023-01-01 09:30:00\" --type=time"
                + " --target-timeline=0x1 --target-action=promote restore"), restoreCommand());
        assertEquals("1", peerAppData(r).get(PeerKeys.RESTORE_TIMELINE));
    }

    @Test
    void aBackupAlone_archivesTheWalUpToNowFirst_soTheReplacedHistoryStaysRecoverable() {
        restoreBackup(withStanza());
        List<String> verbs = world.exec.verbs();
        assertTrue(verbs.indexOf("psql") < verbs.indexOf("check")
                && verbs.indexOf("check") < verbs.indexOf("pebble stop"), verbs.toString());
    }

    @Test
    void aBackupAlone_goesOn_whenTheWalCannotBeArchived() {
        world.exec.fail("check", 82, "ERROR: [082]: WAL segment 000000010000000000000007 was not archived before the 60000ms timeout\n");
        Result r = restoreBackup(withStanza());
        assertEquals(Map.of("restore-status", "restore started"), r.actionResults(), r.actionFailure().orElse(""));
    }
}
