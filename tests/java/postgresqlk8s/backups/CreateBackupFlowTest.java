package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static postgresqlk8s.backups.BackupWorld.backup;
import static postgresqlk8s.backups.BackupWorld.info;
import static postgresqlk8s.backups.BackupWorld.ok;
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
import postgresqlk8s.patroni.MemberStatus;
import postgresqlk8s.pgbackrest.StanzaName;
import postgresqlk8s.workload.Command;
import postgresqlk8s.workload.ExecResult;

/**
 * One test per edge of the create-backup flowchart, named after its decision, plus the checks the port
 * adds around it (the {@code type} parameter, "can tell the role", "database online", "running", a full backup
 * to build on, unusable S3 values).
 */
class CreateBackupFlowTest {

    /** The fixed clock's time as a backup id: what the metadata says and the log key falls back to. */
    private static final String REQUESTED = "2026-11-25T18:36:13Z";
    private static final String BASE = "postgresql/backup/" + BackupWorld.STANZA + "/";
    private static final String METADATA_KEY = BASE + "latest";
    private static final String METADATA = "Date Backup Requested: 2026-11-25T18:36:13Z\n"
            + "Model Name: dev\n"
            + "Application Name: postgresql-k8s\n"
            + "Unit Name: postgresql-k8s/0\n"
            + "Juju Version: 3.6.4\n";
    /** A label whose time differs from the requested one, so the test can tell which named the log. */
    private static final String LABEL = "20261125-183620F";
    private static final String LABEL_ID = "2026-11-25T18:36:20Z";
    private static final String BACKUP_STDOUT = "P00   INFO: backup command begin 2.45: --type=full\n"
            + "P00   INFO: new backup label = " + LABEL + "\n"
            + "P00   INFO: backup command end: completed successfully\n";
    private static final String WAL_TIMEOUT =
            "ERROR: [082]: WAL segment 000000010000000000000003 was not archived before the 60000ms timeout";
    private static final Optional<StanzaName> STANZA = Optional.of(new StanzaName(BackupWorld.STANZA));

    private final BackupWorld world = new BackupWorld();

    private Result createBackup(State in) {
        return createBackup(in, Map.of());
    }

    private Result createBackup(State in, Map<String, Object> params) {
        return world.run(TestEvent.action("create-backup", params), in);
    }

    /** TLS on in a cluster of three planned units: this unit's role decides. */
    private static State tlsCluster() {
        return BackupWorld.withPeerData(withStanza(),
                Map.of(PeerKeys.CLUSTER_INITIALISED, "True", PeerKeys.STANZA, BackupWorld.STANZA),
                Map.of(PeerKeys.TLS, "enabled")).withPlannedUnits(3);
    }

    private Optional<Command> backupCommand() {
        return world.exec.commands().stream().filter(c -> FakeWorkloadExec.verb(c).equals("backup")).findFirst();
    }

    private List<String> backupArgv() {
        return backupCommand().orElseThrow(() -> new AssertionError("no backup ran: " + world.exec.verbs())).argv();
    }

    private void assertRefusedBeforeTouchingAnything(Result r, String failure) {
        assertEquals(Optional.of(failure), r.actionFailure());
        assertEquals(Map.of(), r.actionResults());
        assertEquals(List.of(), world.exec.commands(), "no command in the workload");
        assertEquals(List.of(), world.s3.requests, "nothing asked of S3");
        assertEquals(List.of(), world.patroniConfig.applied, "connections untouched");
        assertEquals(List.of(), r.statusHistory(), "status untouched");
        assertEquals(0, r.exitCode());
    }

    // --- the type parameter, checked first -------------------------------------------------------

    @Test
    void typeParameter_missing_takesAFullBackup() {
        Result r = createBackup(withStanza());
        assertEquals(List.of("pgbackrest", "--stanza=" + BackupWorld.STANZA, "--log-level-console=debug", "--type=full",
                "--no-backup-standby", "backup"), backupArgv());
        assertEquals(Command.POSTGRES, backupCommand().orElseThrow().user());
        assertFalse(world.exec.verbs().contains("info"), "a full backup needs no backup to build on");
        assertEquals(Map.of("backup-status", "backup created"), r.actionResults());
    }

    @Test
    void typeParameter_full_takesAFullBackup() {
        createBackup(withStanza(), Map.of("type", "full"));
        assertTrue(backupArgv().contains("--type=full"), backupArgv().toString());
    }

    @Test
    void typeParameter_differential_passesTypeDiff() {
        world.exec.answer("info", ok(info(backup("20261120-090000F", "full", null, false, 1795165200L, 1795165260L))));
        Result r = createBackup(withStanza(), Map.of("type", "differential"));
        assertTrue(backupArgv().contains("--type=diff"), backupArgv().toString());
        assertFalse(backupArgv().contains("--type=full"));
        assertEquals(Map.of("backup-status", "backup created"), r.actionResults());
    }

    @Test
    void typeParameter_incremental_passesTypeIncr() {
        world.exec.answer("info", ok(info(backup("20261120-090000F", "full", null, false, 1795165200L, 1795165260L))));
        Result r = createBackup(withStanza(), Map.of("type", "incremental"));
        assertTrue(backupArgv().contains("--type=incr"), backupArgv().toString());
        assertEquals(Map.of("backup-status", "backup created"), r.actionResults());
        assertTrue(r.actionLogs().contains("Creating an incremental backup of dev.patroni-postgresql-k8s"), r.actionLogs().toString());
    }

    @Test
    void typeParameter_unknown_failsBeforeAnyOtherCheck() {
        State blocked = withStanza().withUnitStatus(Status.blocked("fix the storage")).withStored(BackupWorld.said(UnitStatuses.Concern.DATABASE, Status.blocked("fix the storage")));
        Result r = createBackup(blocked, Map.of("type", "weekly"));
        assertRefusedBeforeTouchingAnything(r,
                "Invalid backup type: weekly. Possible values: full, differential, incremental.");
        assertEquals(List.of(), world.patroni.requests);
    }

    // --- Is unit in blocked state? -------------------------------------------------------------

    @Test
    void isUnitBlocked_yes_failsAction() {
        Result r = createBackup(withStanza().withUnitStatus(Status.blocked("fix the storage")).withStored(BackupWorld.said(UnitStatuses.Concern.DATABASE, Status.blocked("fix the storage"))));
        assertRefusedBeforeTouchingAnything(r, "Unit is in a blocking state");
        assertEquals(Status.blocked("fix the storage"), r.unitStatus());
    }

    @Test
    void isUnitBlocked_yes_evenByTheS3Settings_failsAction() {
        Result r = createBackup(withStanza().withUnitStatus(Status.blocked(Messages.BUCKET_FAILED)).withStored(BackupWorld.said(UnitStatuses.Concern.S3, Status.blocked(Messages.BUCKET_FAILED))));
        assertRefusedBeforeTouchingAnything(r, "Unit is in a blocking state");
    }

    @Test
    void isUnitBlocked_no_waitingUnit_goesOn() {
        Result r = createBackup(withStanza().withUnitStatus(Status.waiting("waiting for the replicas")).withStored(BackupWorld.said(UnitStatuses.Concern.DATABASE, Status.waiting("waiting for the replicas"))));
        assertEquals(Optional.empty(), r.actionFailure());
        assertTrue(backupCommand().isPresent());
    }

    // --- Is primary in a TLS enabled multiple units cluster? ---------------------------------------

    @Test
    void isPrimaryInATlsEnabledMultiUnitCluster_yes_failsAction() {
        world.patroni.member = FakePatroni.primary(1);
        Result r = createBackup(tlsCluster());
        assertRefusedBeforeTouchingAnything(r, "Unit cannot perform backups as it is the cluster primary");
    }

    @Test
    void canTellThisUnitsRole_no_tlsClusterWhosePatroniIsSilent_failsAsOffline() {
        world.patroni.member = null;
        Result r = createBackup(tlsCluster());
        assertRefusedBeforeTouchingAnything(r, "Unit cannot perform backups as the database seems to be offline");
    }

    @Test
    void isPrimaryInATlsEnabledMultiUnitCluster_no_singleUnitWithTls_backsUpThePrimary() {
        State in = BackupWorld.withPeerData(withStanza(),
                Map.of(PeerKeys.CLUSTER_INITIALISED, "True", PeerKeys.STANZA, BackupWorld.STANZA),
                Map.of(PeerKeys.TLS, "enabled"));
        Result r = createBackup(in);
        assertEquals(Optional.empty(), r.actionFailure());
        assertTrue(backupArgv().contains("--no-backup-standby"));
    }

    @Test
    void isPrimaryInATlsEnabledMultiUnitCluster_no_replica_goesOn() {
        world.patroni.member = FakePatroni.replica();
        Result r = createBackup(tlsCluster());
        assertEquals(Optional.empty(), r.actionFailure());
        assertTrue(backupCommand().isPresent());
    }

    // --- Is replica and with TLS disabled? ---------------------------------------------------------

    @Test
    void isReplicaWithTlsDisabled_yes_failsAction() {
        world.patroni.member = FakePatroni.replica();
        Result r = createBackup(withStanza().withPlannedUnits(3));
        assertRefusedBeforeTouchingAnything(r, "Unit cannot perform backups as TLS is not enabled");
    }

    @Test
    void canTellThisUnitsRole_no_multiUnitClusterWhosePatroniIsSilent_failsAsOffline() {
        world.patroni.member = null;
        Result r = createBackup(withStanza().withPlannedUnits(3));
        assertRefusedBeforeTouchingAnything(r, "Unit cannot perform backups as the database seems to be offline");
    }

    @Test
    void isReplicaWithTlsDisabled_no_primaryOfAMultiUnitCluster_backsUpItself() {
        Result r = createBackup(withStanza().withPlannedUnits(3));
        assertEquals(Optional.empty(), r.actionFailure());
        assertTrue(backupArgv().contains("--no-backup-standby"));
        assertEquals(List.of(), world.patroniConfig.applied, "the primary never refuses connections");
        assertTrue(r.calls().stream().noneMatch(c -> c.startsWith("goal-state")),
                "a primary backs itself up whatever the unit count: " + r.calls());
    }

    @Test
    void canTellThisUnitsRole_yes_singleUnitWhosePatroniIsSilent_reachesIsDatabaseOnline() {
        world.patroni.member = null;
        Result r = createBackup(withStanza());
        assertRefusedBeforeTouchingAnything(r, "Unit cannot perform backups as the database seems to be offline");
        assertTrue(r.calls().stream().anyMatch(c -> c.startsWith("goal-state")), "the unit count decided: " + r.calls());
    }

    // --- Has stanza been initialised? ----------------------------------------------------------

    @Test
    void hasStanzaBeenInitialised_no_failsAction() {
        Result r = createBackup(BackupWorld.initialised());
        assertRefusedBeforeTouchingAnything(r, "Stanza was not initialised");
    }

    // --- Is S3 relation established? -----------------------------------------------------------

    @Test
    void isS3RelationEstablished_no_failsAction() {
        Result r = createBackup(withStanza().withoutRelation("s3-parameters:3"));
        assertRefusedBeforeTouchingAnything(r, "Relation with s3-integrator charm missing, cannot create/restore backup.");
    }

    // --- Has missing S3 parameters? ------------------------------------------------------------

    @Test
    void hasMissingS3Parameters_yes_secretKeyEmpty_namesIt() {
        State in = withStanza().withRelation(BackupWorld.s3Relation(BackupWorld.dataWith("secret-key", "")));
        Result r = createBackup(in);
        assertRefusedBeforeTouchingAnything(r, "Missing S3 parameters: ['secret-key']");
    }

    @Test
    void hasMissingS3Parameters_yes_secretKeyAbsent_namesIt() {
        State in = withStanza().withRelation(BackupWorld.s3Relation(BackupWorld.dataWith("secret-key", null)));
        Result r = createBackup(in);
        assertRefusedBeforeTouchingAnything(r, "Missing S3 parameters: ['secret-key']");
    }

    @Test
    void hasMissingS3Parameters_yes_several_namesThemInReferenceOrder() {
        Map<String, String> data = BackupWorld.dataWith("secret-key", "   ");
        data.remove("access-key");
        data.put("bucket", "");
        Result r = createBackup(withStanza().withRelation(BackupWorld.s3Relation(data)));
        assertRefusedBeforeTouchingAnything(r, "Missing S3 parameters: ['bucket', 'access-key', 'secret-key']");
    }

    @Test
    void hasInvalidS3Parameters_yes_unusableValue_failsNamingTheKey() {
        State in = withStanza().withRelation(BackupWorld.s3Relation(BackupWorld.dataWith("s3-uri-style", "virtual")));
        Result r = createBackup(in);
        assertEquals(Optional.of("Invalid S3 parameters: s3-uri-style must be 'host' or 'path'"), r.actionFailure());
        assertEquals(List.of(), world.exec.commands());
    }

    @Test
    void hasInvalidS3Parameters_yes_anHttpEndpoint_failsSayingPgBackRestNeedsHttps() {
        State in = withStanza().withRelation(BackupWorld.s3Relation(BackupWorld.dataWith("endpoint", "http://minio.example:9000")));
        Result r = createBackup(in);
        assertEquals(Optional.of("Invalid S3 parameters: endpoint must be an https URL: pgBackRest speaks S3 over TLS only"),
                r.actionFailure());
        assertEquals(List.of(), world.exec.commands());
    }

    // --- Is the database online and running? (the port's checks before touching S3) ---------------

    @Test
    void isDatabaseRunning_no_failsAction() {
        world.patroni.member = new MemberStatus("master", "stopped", 1);
        Result r = createBackup(withStanza());
        assertRefusedBeforeTouchingAnything(r, "Unit cannot perform backups as it's not in running state");
    }

    @Test
    void isDatabaseOnline_no_failsAsOffline() {
        world.patroni.member = null;
        Result r = createBackup(withStanza());
        assertRefusedBeforeTouchingAnything(r, "Unit cannot perform backups as the database seems to be offline");
    }

    // --- A full backup to build on (differential, incremental) -------------------------------------

    @Test
    void hasAFullBackupToReference_no_differentialOnAnEmptyRepository_failsBeforeUploadingAnything() {
        world.exec.answer("info", ok(info()));
        Result r = createBackup(withStanza(), Map.of("type", "differential"));
        assertEquals(Optional.of("Invalid backup type: differential. No previous full backup to reference."), r.actionFailure());
        assertEquals(List.of("info"), world.exec.verbs());
        assertEquals(List.of(), world.s3.requests, "no metadata uploaded");
        assertEquals(List.of(), r.statusHistory());
    }

    @Test
    void hasAFullBackupToReference_no_incrementalWhenTheOnlyFullBackupFailed_fails() {
        world.exec.answer("info", ok(info(backup("20261120-090000F", "full", null, true, 1795165200L, 1795165260L))));
        Result r = createBackup(withStanza(), Map.of("type", "incremental"));
        assertEquals(Optional.of("Invalid backup type: incremental. No previous full backup to reference."), r.actionFailure());
        assertTrue(backupCommand().isEmpty());
    }

    @Test
    void hasAFullBackupToReference_cannotTell_repositoryUnreadable_failsWithTheListError() {
        world.exec.answer("info", new ExecResult(39, "", "P00  ERROR: [039]: HTTP request failed with 403 (Forbidden)\n", false));
        Result r = createBackup(withStanza(), Map.of("type", "differential"));
        assertEquals(Optional.of("Failed to list PostgreSQL backups with error: ERROR: [039]: HTTP request failed with 403 (Forbidden)"),
                r.actionFailure());
        assertTrue(backupCommand().isEmpty());
        assertEquals(List.of(), world.s3.requests, "no metadata uploaded");
    }

    // --- Was it possible to upload the metadata file to test connectivity to S3? -------------------

    @Test
    void couldUploadMetadataToS3_yes_writesTheReferenceLines() {
        createBackup(withStanza());
        assertEquals(METADATA, world.s3.objects.get(METADATA_KEY));
        assertEquals("put " + METADATA_KEY, world.s3.requests.get(0), "the probe goes before anything else in S3");
    }

    @Test
    void couldUploadMetadataToS3_no_failsAction_andNeverRunsTheBackup() {
        world.s3.putFails = true;
        Result r = createBackup(withStanza());
        assertEquals(Optional.of("Failed to upload metadata to provided S3"), r.actionFailure());
        assertTrue(backupCommand().isEmpty(), world.exec.verbs().toString());
        assertEquals(List.of(), world.patroniConfig.applied);
        assertEquals(List.of(), r.statusHistory(), "never went into maintenance");
        assertEquals(Status.active(), r.unitStatus());
    }

    // --- Is current unit a replica? ------------------------------------------------------------

    @Test
    void isReplica_no_backsUpWithoutBlockingConnections_inMaintenanceThenActive() {
        Result r = createBackup(withStanza());
        assertTrue(backupArgv().contains("--no-backup-standby"));
        assertEquals(List.of(), world.patroniConfig.applied);
        assertEquals(List.of(Status.maintenance("creating backup"), Status.active()), r.statusHistory());
        assertEquals(Status.active(), r.unitStatus());
    }

    @Test
    void isReplica_yes_blocksConnectionsBefore_andAllowsThemAfter() {
        world.patroni.member = FakePatroni.replica();
        List<List<String>> verbsAtEachApply = new ArrayList<>();
        world.patroniConfig.onApply = () -> verbsAtEachApply.add(List.copyOf(world.exec.verbs()));
        world.exec.answer("backup", ok(BACKUP_STDOUT));
        Result r = createBackup(tlsCluster());

        assertEquals(Map.of("backup-status", "backup created"), r.actionResults());
        assertFalse(backupArgv().contains("--no-backup-standby"), "a replica backs up from the standby");
        assertEquals(2, world.patroniConfig.applied.size());
        assertFalse(world.patroniConfig.applied.get(0).acceptConnections(), "blocked");
        assertTrue(world.patroniConfig.applied.get(1).acceptConnections(), "allowed again");
        world.patroniConfig.applied.forEach(s -> assertEquals(STANZA, s.archiveStanza(), "archiving kept"));
        world.patroniConfig.applied.forEach(s -> assertEquals(Optional.empty(), s.restoreCommand()));
        assertFalse(verbsAtEachApply.get(0).contains("backup"), "blocked before the backup");
        assertTrue(verbsAtEachApply.get(1).contains("backup"), "allowed after the backup");
        assertEquals(List.of(), world.pauses, "Patroni applied each change by the first look");
        assertEquals(List.of(Status.maintenance("creating backup"), Status.active()), r.statusHistory());
    }

    @Test
    void isReplica_yes_onANonLeaderUnit_backsUpWithoutWritingSharedData() {
        world.patroni.member = FakePatroni.replica();
        Result r = createBackup(tlsCluster().withLeader(false));
        assertEquals(Map.of("backup-status", "backup created"), r.actionResults());
        assertEquals(0, r.exitCode());
        r.calls().forEach(c -> assertFalse(c.startsWith("relation-set") && c.contains("--app"), c));
    }

    @Test
    void isReplica_yes_backupFails_connectionsAllowedAgain() {
        world.patroni.member = FakePatroni.replica();
        world.exec.answer("backup", new ExecResult(82, "", WAL_TIMEOUT + "\n", false));
        Result r = createBackup(tlsCluster());
        assertEquals(Optional.of("Failed to backup PostgreSQL with error: " + WAL_TIMEOUT), r.actionFailure());
        assertEquals(List.of(false, true), world.patroniConfig.applied.stream().map(s -> s.acceptConnections()).toList());
        assertEquals(Status.active(), r.unitStatus());
    }

    @Test
    void isReplica_yes_workloadGoneDuringTheBackup_connectionsAllowedAgain() {
        world.patroni.member = FakePatroni.replica();
        world.exec.unreachable();
        Result r = createBackup(tlsCluster());
        assertEquals(Optional.of("Failed to backup PostgreSQL with error: pod postgresql-k8s-0 is not reachable; pgBackRest may"
                + " still be running in the pod, and a backup is refused until it ends"), r.actionFailure());
        assertEquals(List.of(false, true), world.patroniConfig.applied.stream().map(s -> s.acceptConnections()).toList());
        assertEquals(Status.active(), r.unitStatus());
    }

    @Test
    void isReplica_yes_patroniNeverAppliesTheBlock_waitsBoundedly_backsUpAnyway_andAllowsAgain() {
        world.patroni.member = FakePatroni.replica();
        world.patroniConfig.patroniLoads = settings -> {}; // Patroni's cycle never comes
        world.exec.answer("backup", ok(BACKUP_STDOUT));
        Result r = createBackup(tlsCluster());
        assertEquals(Map.of("backup-status", "backup created"), r.actionResults());
        assertEquals(CreateBackupFlow.CONNECTIVITY_POLLS, world.pauses.size(), "waited for the block only; the allow is at once");
        assertEquals(List.of(false, true), world.patroniConfig.applied.stream().map(s -> s.acceptConnections()).toList());
    }

    @Test
    void isReplica_yes_logUploadFails_connectionsAllowedAgain() {
        world.patroni.member = FakePatroni.replica();
        world.s3.putsBeforeFailure = 1;
        world.exec.answer("backup", ok(BACKUP_STDOUT));
        Result r = createBackup(tlsCluster());
        assertEquals(Optional.of("Error uploading logs to S3"), r.actionFailure());
        assertEquals(List.of(false, true), world.patroniConfig.applied.stream().map(s -> s.acceptConnections()).toList());
    }

    @Test
    void isReplica_yes_failoverDuringTheBackup_thisUnitNowPrimary_connectionsAllowedAgain() {
        world.patroni.member = FakePatroni.replica();
        // Patroni promotes this member once the backup has begun: it now says it is the primary.
        world.patroniConfig.onApply = () -> world.patroni.member = FakePatroni.primary(2);
        world.exec.answer("backup", ok(BACKUP_STDOUT));
        Result r = createBackup(tlsCluster());
        assertEquals(Map.of("backup-status", "backup created"), r.actionResults());
        assertEquals(List.of(false, true), world.patroniConfig.applied.stream().map(s -> s.acceptConnections()).toList());
    }

    @Test
    void isReplica_yes_failoverDuringTheBackup_patroniGone_connectionsAllowedAgain() {
        world.patroni.member = FakePatroni.replica();
        world.patroniConfig.onApply = () -> world.patroni.member = null;
        world.exec.answer("backup", new ExecResult(82, "", WAL_TIMEOUT + "\n", false));
        Result r = createBackup(tlsCluster());
        assertEquals(Optional.of("Failed to backup PostgreSQL with error: " + WAL_TIMEOUT), r.actionFailure());
        assertEquals(List.of(false, true), world.patroniConfig.applied.stream().map(s -> s.acceptConnections()).toList());
    }

    // --- Has backup creation succeeded? --------------------------------------------------------

    @Test
    void hasBackupCreationSucceeded_no_uploadsTheLogsUnderTheNewLabel_andFailsWithTheHint() {
        String stdout = "P00   INFO: backup command begin 2.45\nP00   INFO: new backup label = " + LABEL + "\n";
        String stderr = "P00  ERROR: [082]: WAL segment 000000010000000000000003 was not archived before the 60000ms timeout\n";
        world.exec.answer("backup", new ExecResult(82, stdout, stderr, false));
        Result r = createBackup(withStanza());
        assertEquals(Optional.of("Failed to backup PostgreSQL with error: " + WAL_TIMEOUT), r.actionFailure());
        assertEquals("Stdout:\n" + stdout + "\n\nStderr:\n" + stderr + "\n", world.s3.objects.get(BASE + LABEL_ID + "/backup.log"));
        assertEquals(List.of(Status.maintenance("creating backup"), Status.active()), r.statusHistory());
        assertEquals(Map.of(), r.actionResults());
    }

    @Test
    void hasBackupCreationSucceeded_no_withoutALabel_uploadsTheLogsUnderTheRequestedTime() {
        world.exec.answer("backup", new ExecResult(82, "P00   INFO: backup command begin 2.45\n", WAL_TIMEOUT + "\n", false));
        Result r = createBackup(withStanza());
        assertEquals(Optional.of("Failed to backup PostgreSQL with error: " + WAL_TIMEOUT), r.actionFailure());
        assertEquals("Stdout:\nP00   INFO: backup command begin 2.45\n\n\nStderr:\n" + WAL_TIMEOUT + "\n\n",
                world.s3.objects.get(BASE + REQUESTED + "/backup.log"));
    }

    @Test
    void hasBackupCreationSucceeded_no_withoutAnErrorLine_saysTheExitCode() {
        world.exec.answer("backup", new ExecResult(56, "", "", false));
        Result r = createBackup(withStanza());
        assertEquals(Optional.of("Failed to backup PostgreSQL with error: pgbackrest exited with code 56"), r.actionFailure());
    }

    private static final String LOCK_HELD_HERE = "P00  ERROR: [050]: unable to acquire lock on file '/tmp/" + BackupWorld.STANZA
            + "-backup.lock': Resource temporarily unavailable\n       HINT: is another pgBackRest process running?\n";

    @Test
    void hasBackupCreationSucceeded_no_anotherBackupHoldsTheLockInThisPod_onAReplica_saysThisUnitsOrAnotherUnits() {
        // a replica's pod holds the lock for its own backups and, through its TLS server, for the peers' backups
        world.exec.answer("backup", new ExecResult(50, "P00   INFO: backup command begin 2.45\n", LOCK_HELD_HERE, false));
        world.patroni.member = FakePatroni.replica();
        Result r = createBackup(tlsCluster());
        assertEquals(Optional.of("Failed to backup PostgreSQL with error: another backup of " + BackupWorld.STANZA
                + " is running, on another unit or still on this one (pgBackRest's lock in this unit's pod is held);"
                + " only one backup of the cluster runs at a time, try again once it ends"), r.actionFailure());
        assertEquals(List.of(false, true), world.patroniConfig.applied.stream().map(s -> s.acceptConnections()).toList());
        assertEquals(Status.active(), r.unitStatus());
    }

    @Test
    void hasBackupCreationSucceeded_no_anotherBackupHoldsTheLock_onASingleUnit_saysABackupStillRunsHere() {
        world.exec.answer("backup", new ExecResult(50, "P00   INFO: backup command begin 2.45\n", LOCK_HELD_HERE, false));
        Result r = createBackup(withStanza());
        assertEquals(Optional.of("Failed to backup PostgreSQL with error: another pgBackRest backup of " + BackupWorld.STANZA
                + " is still running in this unit's pod (it holds pgBackRest's lock); try again once it ends"), r.actionFailure());
        assertEquals(Status.active(), r.unitStatus());
    }

    @Test
    void hasBackupCreationSucceeded_no_anotherUnitsBackupHoldsThePeersLocks_saysOnlyOneBackupOfTheClusterRuns() {
        world.exec.answer("backup", new ExecResult(56, postgresqlk8s.pgbackrest.LockHoldersTest.SECOND_BACKUP, "", false));
        world.patroni.member = FakePatroni.replica();
        Result r = createBackup(tlsCluster());
        assertEquals(Optional.of("Failed to backup PostgreSQL with error: another unit's backup of " + BackupWorld.STANZA
                + " is running (pgBackRest's lock on postgresql-k8s-0, postgresql-k8s-2 is held);"
                + " only one backup of the cluster runs at a time, try again once it ends"), r.actionFailure());
        assertEquals(List.of(false, true), world.patroniConfig.applied.stream().map(s -> s.acceptConnections()).toList());
        assertEquals(List.of(Status.maintenance("creating backup"), Status.active()), r.statusHistory());
        assertEquals(Map.of(), r.actionResults());
    }

    @Test
    void hasBackupCreationSucceeded_no_anotherUnitsBackupHoldsThePeersLocks_triesOnceMoreAfterThisUnitsPause() {
        world.exec.answer("backup", new ExecResult(56, postgresqlk8s.pgbackrest.LockHoldersTest.SECOND_BACKUP, "", false));
        world.patroni.member = FakePatroni.replica();
        Result r = createBackup(tlsCluster());
        assertEquals(2, world.exec.verbs().stream().filter("backup"::equals).count(), "one second try, no more");
        assertEquals(List.of(CreateBackupFlow.collisionPause(BackupWorld.UNIT)), world.pauses.stream()
                .filter(d -> !d.equals(CreateBackupFlow.CONNECTIVITY_POLL)).toList());
        assertTrue(r.actionLogs().contains("Another unit's backup started at the same moment; trying once more in 5 s"),
                r.actionLogs().toString());
    }

    @Test
    void hasBackupCreationSucceeded_yes_onTheSecondTry_afterBothUnitsStartedAtOnce_backupCreated() {
        world.exec.answer("backup", new ExecResult(56, postgresqlk8s.pgbackrest.LockHoldersTest.SECOND_BACKUP, "", false),
                ok(BACKUP_STDOUT));
        world.patroni.member = FakePatroni.replica();
        Result r = createBackup(tlsCluster());
        assertEquals(Map.of("backup-status", "backup created"), r.actionResults());
        assertEquals(List.of(false, true), world.patroniConfig.applied.stream().map(s -> s.acceptConnections()).toList(),
                "closed once, opened once: the second try runs inside the same closed window");
        assertEquals(List.of("put " + METADATA_KEY, "put " + BASE + LABEL_ID + "/backup.log"), world.s3.requests,
                "only the try that ran leaves its log");
    }

    @Test
    void hasBackupCreationSucceeded_no_thisPodsOwnLockHeld_noSecondTry() {
        world.exec.answer("backup", new ExecResult(50, "P00   INFO: backup command begin 2.45\n", LOCK_HELD_HERE, false));
        world.patroni.member = FakePatroni.replica();
        createBackup(tlsCluster());
        assertEquals(1, world.exec.verbs().stream().filter("backup"::equals).count());
    }

    @Test
    void collisionPause_differsByUnit_between5And20Seconds() {
        assertEquals(java.time.Duration.ofSeconds(5), CreateBackupFlow.collisionPause("postgresql-k8s/0"));
        assertEquals(java.time.Duration.ofSeconds(10), CreateBackupFlow.collisionPause("postgresql-k8s/1"));
        assertEquals(java.time.Duration.ofSeconds(15), CreateBackupFlow.collisionPause("postgresql-k8s/2"));
        assertEquals(java.time.Duration.ofSeconds(20), CreateBackupFlow.collisionPause("postgresql-k8s/3"));
        assertEquals(java.time.Duration.ofSeconds(5), CreateBackupFlow.collisionPause("postgresql-k8s/4"));
        assertEquals(java.time.Duration.ofSeconds(5), CreateBackupFlow.collisionPause("not-a-unit"));
    }

    @Test
    void hasBackupCreationSucceeded_yes_despiteAPeerWhoseLockWasHeld_backupCreated() {
        // the two backups raced: this one took the primary's lock, the other's held only a replica's
        world.exec.answer("backup", ok("P00   WARN: unable to check pg3: [LockAcquireError] raised from remote-0 tls protocol on"
                + " 'postgresql-k8s-2.postgresql-k8s-endpoints': unable to acquire lock on file '/tmp/x-backup.lock'\n" + BACKUP_STDOUT));
        world.patroni.member = FakePatroni.replica();
        Result r = createBackup(tlsCluster());
        assertEquals(Map.of("backup-status", "backup created"), r.actionResults());
    }

    @Test
    void hasBackupCreationSucceeded_no_andTheLogUploadFailsToo_stillFailsWithTheBackupError() {
        world.s3.putsBeforeFailure = 1;
        world.exec.answer("backup", new ExecResult(82, "", WAL_TIMEOUT + "\n", false));
        Result r = createBackup(withStanza());
        assertEquals(Optional.of("Failed to backup PostgreSQL with error: " + WAL_TIMEOUT), r.actionFailure());
        assertEquals(Status.active(), r.unitStatus());
    }

    // --- Were backup logs uploaded to S3? ------------------------------------------------------

    @Test
    void wereBackupLogsUploaded_yes_backupCreated() {
        world.exec.answer("backup", new ExecResult(0, BACKUP_STDOUT, "", false));
        Result r = createBackup(withStanza());
        assertEquals(Map.of("backup-status", "backup created"), r.actionResults());
        assertEquals(Optional.empty(), r.actionFailure());
        assertEquals("Stdout:\n" + BACKUP_STDOUT + "\n\nStderr:\n\n", world.s3.objects.get(BASE + LABEL_ID + "/backup.log"));
        assertEquals(List.of("put " + METADATA_KEY, "put " + BASE + LABEL_ID + "/backup.log"), world.s3.requests);
        assertEquals(Status.active(), r.unitStatus());
    }

    @Test
    void wereBackupLogsUploaded_no_afterAGoodBackup_failsAction() {
        world.s3.putsBeforeFailure = 1;
        world.exec.answer("backup", ok(BACKUP_STDOUT));
        Result r = createBackup(withStanza());
        assertEquals(Optional.of("Error uploading logs to S3"), r.actionFailure());
        assertTrue(backupCommand().isPresent());
        assertEquals(Map.of(), r.actionResults());
        assertEquals(List.of(Status.maintenance("creating backup"), Status.active()), r.statusHistory());
    }

    @Test
    void wereBackupLogsUploaded_no_theActionsLogSaysTheBackupItselfWasCreated() {
        world.s3.putsBeforeFailure = 1;
        world.exec.answer("backup", ok(BACKUP_STDOUT));
        Result r = createBackup(withStanza());
        assertEquals(Optional.of("Error uploading logs to S3"), r.actionFailure());
        assertTrue(r.actionLogs().contains("Backup " + LABEL_ID + " was created; only its log could not be uploaded to S3"),
                r.actionLogs().toString());
    }
}
