package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static postgresqlk8s.backups.BackupWorld.initialised;
import static postgresqlk8s.backups.BackupWorld.ok;
import static postgresqlk8s.backups.BackupWorld.peerAppData;
import static postgresqlk8s.backups.BackupWorld.s3Changed;

import java.util.LinkedHashMap;
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

/**
 * A repository that holds another cluster's backups (issue 12, item 4): the reference's three-part guard,
 * the application-wide block, listing and restoring the other cluster's backups, and continuing its
 * stanza afterwards.
 */
class AnotherClusterTest {

    static final String OUR_UUID = "00000000-0000-4000-8000-000000000000";
    static final String THEIR_UUID = "11111111-2222-4333-8444-555555555555";
    static final String MARKER = "postgresql/model-uuid.txt";
    static final String THEIRS = "other.patroni-postgresql-k8s";
    static final String SYSTEM_ID = "7312345678901234567";
    static final String CONTROLDATA = "pg_control version number:            1300\n"
            + "Catalog version number:               202209061\n"
            + "Database system identifier:           " + SYSTEM_ID + "\n"
            + "Database cluster state:               in production\n";
    static final String FULL_LABEL = "20230101-090000F";
    static final String FULL_ID = "2023-01-01T09:00:00Z";

    private final BackupWorld world = new BackupWorld();

    /** One stanza as {@code pgbackrest info --output=json} lists it; {@code db} as given (JSON), or left out. */
    static String stanza(String name, String db, String... backups) {
        return "{\"archive\":[],\"backup\":[" + String.join(",", backups) + "],\"cipher\":\"none\","
                + (db == null ? "" : "\"db\":" + db + ",")
                + "\"name\":\"" + name + "\",\"repo\":[{\"cipher\":\"none\",\"key\":1,\"status\":{\"code\":0,\"message\":\"ok\"}}],"
                + "\"status\":{\"code\":0,\"lock\":{\"backup\":{\"held\":false}},\"message\":\"ok\"}}";
    }

    static String db(String systemId) {
        return "[{\"id\":1,\"repo-key\":1,\"system-id\":" + systemId + ",\"version\":\"15\"}]";
    }

    static String repository(String... stanzas) {
        return "[" + String.join(",", stanzas) + "]";
    }

    static String fullBackup() {
        return BackupWorld.backup(FULL_LABEL, "full", null, false, 1672563600L, 1672563605L);
    }

    private static String block(Result r) {
        return peerAppData(r).getOrDefault(PeerKeys.S3_BLOCK_MESSAGE, "");
    }

    private void assertNothingWritten() {
        assertFalse(world.exec.verbs().contains("stanza-create"), world.exec.verbs().toString());
        assertTrue(world.patroniConfig.applied.isEmpty(), "archiving never switched on");
    }

    // The guard, one branch each.

    @Test
    void modelUuidOfAnotherModel_blocksWithTheReferenceWords_andRecordsItForTheApplication() {
        world.s3.objects.put(MARKER, THEIR_UUID);
        Result r = world.run(s3Changed(initialised()), initialised());
        assertEquals(Status.blocked("the S3 repository has backups from another cluster"), r.unitStatus());
        assertEquals(Messages.ANOTHER_CLUSTER, block(r));
        assertEquals(THEIR_UUID, world.s3.objects.get(MARKER));
        assertNothingWritten();
    }

    @Test
    void anotherClustersStanzaName_blocks_andLeavesTheMarkerUnwritten() {
        world.exec.answer("info", ok(repository(stanza(THEIRS, db(SYSTEM_ID), fullBackup()))));
        Result r = world.run(s3Changed(initialised()), initialised());
        assertEquals(Status.blocked(Messages.ANOTHER_CLUSTER), r.unitStatus());
        assertEquals(Messages.ANOTHER_CLUSTER, block(r));
        assertFalse(world.s3.objects.containsKey(MARKER), "the repository is not claimed");
        assertNothingWritten();
    }

    @Test
    void ourStanzaNameButAnotherDatabasesSystemId_blocks() {
        world.s3.objects.put(MARKER, OUR_UUID);
        world.exec.answer("info", ok(repository(stanza(BackupWorld.STANZA, db("6999999999999999999")))));
        world.exec.answer("pg_controldata", ok(CONTROLDATA));
        Result r = world.run(s3Changed(initialised()), initialised());
        assertEquals(Status.blocked(Messages.ANOTHER_CLUSTER), r.unitStatus());
        assertTrue(world.exec.commands().stream().anyMatch(c -> c.argv().equals(
                List.of("/usr/lib/postgresql/14/bin/pg_controldata", "/var/lib/postgresql/data/pgdata"))
                && c.user().equals("postgres")), world.exec.verbs().toString());
        assertNothingWritten();
    }

    @Test
    void anUnreadableRepository_isReportedAsInvalid_blocksWithTheStanzaWordsAndTheHint() {
        world.exec.answer("info", ok(BackupWorld.infoRepoError("[invalid]",
                "[HostConnectError] unable to connect to 's3.eu-west-1.amazonaws.com:443'")));
        Result r = world.run(s3Changed(initialised()), initialised());
        assertEquals(Status.blocked("failed to initialize stanza, check your S3 settings: "
                + "[HostConnectError] unable to connect to 's3.eu-west-1.amazonaws.com:443'"), r.unitStatus());
        assertEquals("", block(r), "not another cluster's: this unit's settings");
        assertFalse(world.s3.objects.containsKey(MARKER));
        assertNothingWritten();
    }

    @Test
    void allThreeMatch_makesTheStanza_andNothingStandsAgainstTheRepository() {
        world.s3.objects.put(MARKER, OUR_UUID);
        world.exec.answer("info", ok(repository(stanza(BackupWorld.STANZA, db(SYSTEM_ID)))));
        world.exec.answer("pg_controldata", ok(CONTROLDATA));
        State in = BackupWorld.withPeerData(initialised(),
                Map.of(PeerKeys.CLUSTER_INITIALISED, "True", PeerKeys.S3_BLOCK_MESSAGE, Messages.ANOTHER_CLUSTER), Map.of())
                .withUnitStatus(Status.blocked(Messages.ANOTHER_CLUSTER))
                .withStored(BackupWorld.said(UnitStatuses.Concern.S3, Status.blocked(Messages.ANOTHER_CLUSTER)));
        Result r = world.run(s3Changed(in), in);
        assertEquals(Status.active(), r.unitStatus());
        assertEquals("", block(r));
        assertEquals(BackupWorld.STANZA, peerAppData(r).get(PeerKeys.STANZA));
        assertTrue(world.exec.verbs().containsAll(List.of("info", "pg_controldata", "stanza-create", "check")));
    }

    @Test
    void anEmptyRepository_asksNoSystemId_andClaimsTheRepository() {
        Result r = world.run(s3Changed(initialised()), initialised());
        assertEquals(Status.active(), r.unitStatus());
        assertFalse(world.exec.verbs().contains("pg_controldata"));
        assertEquals(OUR_UUID, world.s3.objects.get(MARKER));
    }

    @Test
    void infoWithoutADbList_blocksSayingSo_andTouchesNothing() {
        world.exec.answer("info", ok(repository(stanza(BackupWorld.STANZA, null))));
        Result r = world.run(s3Changed(initialised()), initialised());
        assertEquals(Status.blocked(Messages.STANZA_FAILED + ": stanza 0 has no db list"), r.unitStatus());
        assertFalse(world.s3.objects.containsKey(MARKER));
        assertNothingWritten();
    }

    @Test
    void infoWithANonNumericSystemId_blocksSayingSo_andTouchesNothing() {
        world.exec.answer("info", ok(repository(stanza(BackupWorld.STANZA, db("\"seven\"")))));
        Result r = world.run(s3Changed(initialised()), initialised());
        assertEquals(Status.blocked(Messages.STANZA_FAILED + ": stanza 0 db 0 has no numeric system-id"), r.unitStatus());
        assertFalse(world.s3.objects.containsKey(MARKER));
        assertNothingWritten();
    }

    @Test
    void pgControlDataWithoutAnIdentifier_blocksSayingSo() {
        world.exec.answer("info", ok(repository(stanza(BackupWorld.STANZA, db(SYSTEM_ID)))));
        world.exec.answer("pg_controldata", ok("pg_control version number: 1300\n"));
        Result r = world.run(s3Changed(initialised()), initialised());
        assertEquals(Status.blocked(Messages.STANZA_FAILED
                + ": pg_controldata printed no numeric \"Database system identifier\" line"), r.unitStatus());
        assertNothingWritten();
    }

    // The block stands for the application.

    /** The leader after it found another cluster's repository. */
    private static State blockedLeader() {
        return BackupWorld.withPeerData(initialised(),
                Map.of(PeerKeys.CLUSTER_INITIALISED, "True", PeerKeys.S3_BLOCK_MESSAGE, Messages.ANOTHER_CLUSTER), Map.of())
                .withUnitStatus(Status.blocked(Messages.ANOTHER_CLUSTER))
                .withStored(BackupWorld.said(UnitStatuses.Concern.S3, Status.blocked(Messages.ANOTHER_CLUSTER)));
    }

    @Test
    void aNewUnitsCredentialsChanged_asANonLeader_showsTheApplicationsBlock() {
        State in = BackupWorld.withPeerData(initialised(),
                Map.of(PeerKeys.CLUSTER_INITIALISED, "True", PeerKeys.S3_BLOCK_MESSAGE, Messages.ANOTHER_CLUSTER), Map.of())
                .withLeader(false);
        Result r = world.run(s3Changed(in), in);
        assertEquals(Status.blocked(Messages.ANOTHER_CLUSTER), r.unitStatus());
    }

    @Test
    void aScaleEvent_leavesTheBlock() {
        State in = BackupWorld.withThreeUnits(blockedLeader(), Map.of());
        Result joined = world.run(TestEvent.relation("joined", in.relationOn(PeerKeys.ENDPOINT)), in);
        assertEquals(Status.blocked(Messages.ANOTHER_CLUSTER), joined.unitStatus());
        Result departed = world.run(TestEvent.relation("departed", in.relationOn(PeerKeys.ENDPOINT)), joined.state());
        assertEquals(Status.blocked(Messages.ANOTHER_CLUSTER), departed.unitStatus());
    }

    @Test
    void aNewUnitsFirstPeerJoined_showsTheApplicationsBlock() {
        State in = BackupWorld.withThreeUnits(blockedLeader().withLeader(false).withUnitStatus(Status.active())
                .withStored(BackupWorld.said(UnitStatuses.Concern.DATABASE, Status.active())), Map.of());
        Result r = world.run(TestEvent.relation("joined", in.relationOn(PeerKeys.ENDPOINT)), in);
        assertEquals(Status.blocked(Messages.ANOTHER_CLUSTER), r.unitStatus());
    }

    @Test
    void aNewLeader_thatShowedActive_showsTheBlockWhileTheRecordStands() {
        State in = blockedLeader().withUnitStatus(Status.active()).withStored(BackupWorld.said(UnitStatuses.Concern.S3, Status.active()));
        Result r = world.run(TestEvent.hook("leader-elected"), in);
        assertEquals(Status.blocked(Messages.ANOTHER_CLUSTER), r.unitStatus());
        assertEquals(List.of(), world.exec.commands(), "following the record asks nothing of the workload");
    }

    @Test
    void aLeaderThatLostLeadership_keepsTheBlock_onTheNextPeerChange() {
        State in = blockedLeader().withLeader(false);
        Result r = world.run(TestEvent.relation("changed", in.relationOn(PeerKeys.ENDPOINT)), in);
        assertEquals(Status.blocked(Messages.ANOTHER_CLUSTER), r.unitStatus());
    }

    @Test
    void theRecordCleared_aNonLeaderIsActiveAgain_onThePeerChange() {
        State in = BackupWorld.withPeerData(blockedLeader(), Map.of(PeerKeys.CLUSTER_INITIALISED, "True"), Map.of()).withLeader(false);
        Result r = world.run(TestEvent.relation("changed", in.relationOn(PeerKeys.ENDPOINT)), in);
        assertEquals(Status.active(), r.unitStatus());
    }

    @Test
    void theRecordCleared_aBlockByThisUnitsOwnSettings_stays() {
        String own = Messages.STANZA_FAILED + ": endpoint must be an https URL";
        State in = initialised().withLeader(false).withUnitStatus(Status.blocked(own))
                .withStored(BackupWorld.said(UnitStatuses.Concern.S3, Status.blocked(own)));
        Result r = world.run(TestEvent.relation("changed", in.relationOn(PeerKeys.ENDPOINT)), in);
        assertEquals(Status.blocked(own), r.unitStatus());
    }

    @Test
    void theRelationsEnd_clearsTheRecord() {
        State in = blockedLeader();
        Result r = world.run(TestEvent.relation("broken", in.relationOn("s3-parameters")), in);
        assertEquals(Status.active(), r.unitStatus());
        assertEquals("", block(r));
    }

    @Test
    void blocked_createBackupRefuses() {
        Result r = world.run(TestEvent.action("create-backup", Map.of()), blockedLeader());
        assertEquals(Optional.of("Unit is in a blocking state"), r.actionFailure());
        assertFalse(world.exec.verbs().contains("backup"));
    }

    // Listing and restoring the other cluster's backups.

    @Test
    void listBackups_withoutOurStanza_listsTheOneOtherClustersStanza_underItsName() {
        world.exec.answer("info", ok(repository(stanza(THEIRS, db(SYSTEM_ID), fullBackup()))));
        Result r = world.run(TestEvent.action("list-backups", Map.of()), blockedLeader());
        String table = r.actionResults().get("backups").toString();
        assertTrue(table.contains(FULL_ID + " | full backup"), table);
        assertTrue(table.endsWith("| /" + THEIRS + "/" + FULL_LABEL), table);
    }

    @Test
    void listBackups_ourStanzaThere_listsOnlyOurs() {
        world.exec.answer("info", ok(repository(stanza(THEIRS, db(SYSTEM_ID), fullBackup()),
                stanza(BackupWorld.STANZA, db(SYSTEM_ID)))));
        Result r = world.run(TestEvent.action("list-backups", Map.of()), blockedLeader());
        assertFalse(r.actionResults().get("backups").toString().contains(FULL_ID));
    }

    @Test
    void listBackups_severalOtherStanzas_refusesNamingThem() {
        world.exec.answer("info", ok(repository(stanza(THEIRS, db(SYSTEM_ID), fullBackup()),
                stanza("third.patroni-postgresql-k8s", db(SYSTEM_ID)))));
        Result r = world.run(TestEvent.action("list-backups", Map.of()), blockedLeader());
        assertEquals(Optional.of("Failed to list PostgreSQL backups with error: the repository holds no stanza "
                + BackupWorld.STANZA + " but 2 of other clusters (" + THEIRS + ", third.patroni-postgresql-k8s); "
                + "relate this cluster to a path that holds one"), r.actionFailure());
    }

    @Test
    void restore_ofTheOtherClustersBackup_recordsItsStanza_andPatroniRestoresFromIt() {
        world.exec.answer("info", ok(repository(stanza(THEIRS, db(SYSTEM_ID), fullBackup()))));
        Result r = world.run(TestEvent.action("restore", Map.of("backup-id", FULL_ID)), blockedLeader());
        assertEquals(Map.of("restore-status", "restore started"), r.actionResults(), r.actionFailure().toString());
        assertEquals(THEIRS, peerAppData(r).get(PeerKeys.RESTORE_STANZA));
        String command = world.patroniConfig.last().restoreCommand().orElseThrow();
        assertTrue(command.startsWith("pgbackrest --stanza=" + THEIRS + " --pg1-path=/var/lib/postgresql/data/pgdata --set="
                + FULL_LABEL), command);
    }

    @Test
    void restore_ofTheOtherClustersBackup_neverArchivesIntoOurAbsentStanza() {
        world.exec.answer("info", ok(repository(stanza(THEIRS, db(SYSTEM_ID), fullBackup()))));
        world.run(TestEvent.action("restore", Map.of("backup-id", FULL_ID)), blockedLeader());
        assertFalse(world.exec.verbs().contains("check"), world.exec.verbs().toString());
    }

    @Test
    void restoreToATime_fromTheOtherClustersStanza_checksItsArchive_notOurRunningTimeline() {
        world.exec.answer("info", ok(repository(stanza(THEIRS, db(SYSTEM_ID), fullBackup()))));
        // timelines of their archive (none), then its archive ids, WAL folders and newest segment of timeline 1
        world.exec.answer("repo-ls",
                ok("{\".\":{\"type\":\"path\"}}"),
                ok("{\".\":{\"type\":\"path\"},\"14-1\":{\"type\":\"path\"}}"),
                ok("{\".\":{\"type\":\"path\"},\"0000000100000000\":{\"type\":\"path\"}}"),
                ok("{\".\":{\"type\":\"path\"},\"000000010000000000000005-0123456789abcdef0123456789abcdef01234567.zst\""
                        + ":{\"type\":\"file\",\"size\":9,\"time\":" + BackupWorld.NOW.getEpochSecond() + "}}"));
        Result r = world.run(TestEvent.action("restore", Map.of("restore-to-time", "2026-01-01 00:00:00")), blockedLeader());
        assertEquals(Map.of("restore-status", "restore started"), r.actionResults(), r.actionFailure().toString());
        assertFalse(world.exec.verbs().contains("check"), world.exec.verbs().toString());
        assertTrue(world.exec.commands().stream().anyMatch(c -> c.argv().equals(java.util.List.of("pgbackrest", "repo-ls",
                "archive/" + THEIRS + "/14-1/0000000100000000", "--output=json", "--io-timeout=3"))), world.exec.commands().toString());
        assertEquals(THEIRS, peerAppData(r).get(PeerKeys.RESTORE_STANZA));
    }

    // After the restore: this cluster continues the other's stanza.

    /** update-status after the restore action of the other cluster's backup, the database running on timeline 2. */
    private State restoredFromTheirs() {
        Map<String, String> app = new LinkedHashMap<>();
        app.put(PeerKeys.CLUSTER_INITIALISED, "True");
        app.put(PeerKeys.S3_BLOCK_MESSAGE, Messages.ANOTHER_CLUSTER);
        app.put(PeerKeys.RESTORING_BACKUP, FULL_LABEL);
        app.put(PeerKeys.RESTORE_STANZA, THEIRS);
        app.put(PeerKeys.RESTORE_FROM_TIMELINE, "1");
        world.exec.answer("pebble services", ok("Service     Startup  Current  Since\npostgresql  enabled  active   today\n"));
        world.patroni.member = FakePatroni.primary(2);
        world.s3.objects.put(MARKER, THEIR_UUID);
        world.exec.answer("info", ok(repository(stanza(THEIRS, db(SYSTEM_ID), fullBackup()))));
        world.exec.answer("pg_controldata", ok(CONTROLDATA));
        return BackupWorld.withPeerData(blockedLeader(), app, Map.of());
    }

    @Test
    void restoreSucceeded_fromTheOtherClustersStanza_continuesIt_claimsTheRepository_andIsActive() {
        Result r = world.run(TestEvent.hook("update-status"), restoredFromTheirs());
        assertEquals(Status.active(), r.unitStatus(), r.logs().toString());
        assertEquals(THEIRS, peerAppData(r).get(PeerKeys.ADOPTED_STANZA));
        assertEquals(THEIRS, peerAppData(r).get(PeerKeys.STANZA));
        assertEquals("", block(r));
        assertEquals(OUR_UUID, world.s3.objects.get(MARKER), "this model owns the repository now");
        assertTrue(world.exec.file("/etc/pgbackrest.conf").contains("[" + THEIRS + "]\n"));
        assertTrue(world.exec.commands().stream().anyMatch(c -> c.argv().equals(
                List.of("pgbackrest", "--stanza=" + THEIRS, "--io-timeout=3", "--db-timeout=15", "--protocol-timeout=20", "stanza-create"))),
                world.exec.verbs().toString());
        assertEquals(Optional.of(new postgresqlk8s.pgbackrest.StanzaName(THEIRS)), world.patroniConfig.last().archiveStanza());
    }

    @Test
    void afterTheTakeOver_listAndBackupUseTheContinuedStanza() {
        Result restored = world.run(TestEvent.hook("update-status"), restoredFromTheirs());
        Result listed = world.run(TestEvent.action("list-backups", Map.of()), restored.state());
        assertTrue(listed.actionResults().get("backups").toString().endsWith("| /" + THEIRS + "/" + FULL_LABEL));
        Result backup = world.run(TestEvent.action("create-backup", Map.of()), listed.state());
        assertEquals(Map.of("backup-status", "backup created"), backup.actionResults(), backup.actionFailure().toString());
        assertTrue(world.exec.commands().stream().anyMatch(c -> c.argv().contains("backup")
                && c.argv().contains("--stanza=" + THEIRS)));
    }

    @Test
    void restoreSucceeded_fromOurOwnStanza_claimsNothing() {
        Map<String, String> app = new LinkedHashMap<>();
        app.put(PeerKeys.CLUSTER_INITIALISED, "True");
        app.put(PeerKeys.STANZA, BackupWorld.STANZA);
        app.put(PeerKeys.RESTORING_BACKUP, FULL_LABEL);
        app.put(PeerKeys.RESTORE_STANZA, BackupWorld.STANZA);
        app.put(PeerKeys.RESTORE_FROM_TIMELINE, "1");
        world.exec.answer("pebble services", ok("Service     Startup  Current  Since\npostgresql  enabled  active   today\n"));
        world.patroni.member = FakePatroni.primary(2);
        world.s3.objects.put(MARKER, THEIR_UUID);
        Result r = world.run(TestEvent.hook("update-status"), BackupWorld.withPeerData(initialised(), app, Map.of()));
        assertEquals(Status.active(), r.unitStatus());
        assertFalse(peerAppData(r).containsKey(PeerKeys.ADOPTED_STANZA));
        assertEquals(THEIR_UUID, world.s3.objects.get(MARKER));
        assertFalse(world.exec.verbs().contains("stanza-create"));
    }
}
