package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static postgresqlk8s.backups.BackupWorld.ok;
import static postgresqlk8s.backups.BackupWorld.peerAppData;
import static postgresqlk8s.backups.BackupWorld.withStanza;

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
import postgresqlk8s.patroni.PatroniConfig;
import postgresqlk8s.pgbackrest.StanzaName;

/** update-status while a restore may be in progress: what it decides from Pebble and Patroni. */
class RestoreOutcomeCheckTest {

    /** As Pebble prints {@code pebble services postgresql}. */
    private static final String INACTIVE = "Service     Startup  Current  Since\npostgresql  enabled  inactive -\n";
    private static final String ACTIVE = "Service     Startup  Current  Since\npostgresql  enabled  active   today at 10:00 UTC\n";
    /** Where Patroni moves the data directory when a bootstrap fails. */
    private static final String FAILED_DIR = "/var/lib/postgresql/data/pgdata.failed";
    private static final List<String> RESTORE_KEYS = List.of(PeerKeys.RESTORING_BACKUP, PeerKeys.RESTORE_STANZA,
            PeerKeys.RESTORE_TO_TIME, PeerKeys.RESTORE_FROM_TIMELINE);

    private final BackupWorld world = new BackupWorld();

    /** The leader after the restore action: restore keys set, the database started from timeline 1. */
    private static State restoring() {
        return BackupWorld.withPeerData(withStanza(), Map.of(
                PeerKeys.CLUSTER_INITIALISED, "True",
                PeerKeys.STANZA, BackupWorld.STANZA,
                PeerKeys.RESTORING_BACKUP, "20230101-090000F",
                PeerKeys.RESTORE_STANZA, BackupWorld.STANZA,
                PeerKeys.RESTORE_TO_TIME, "2023-01-01 10:00:00",
                PeerKeys.RESTORE_FROM_TIMELINE, "1"), Map.of())
                .withUnitStatus(Status.maintenance("restoring backup")).withStored(BackupWorld.said(UnitStatuses.Concern.RESTORE, Status.maintenance("restoring backup")));
    }

    private Result updateStatus(State in) {
        return world.run(TestEvent.hook("update-status"), in);
    }

    private void assertStillRestoring(Result r) {
        assertEquals(Status.maintenance("restoring backup"), r.unitStatus());
        RESTORE_KEYS.forEach(k -> assertTrue(peerAppData(r).containsKey(k), k));
        assertEquals(List.of(), world.patroniConfig.applied);
    }

    @Test
    void isRestoreInProgress_no_asksOnlyPatroniWhetherConnectionsAreRefused() {
        Result r = updateStatus(withStanza());
        assertEquals(List.of("find", "find"), world.exec.verbs(), "ArchiveLag's two looks, nothing of the restore's");
        assertEquals(List.of("member"), world.patroni.requests, "ConnectionsHeal's one question");
        assertEquals(List.of(), r.statusHistory());
        assertEquals(Status.active(), r.unitStatus());
        assertEquals(0, r.exitCode());
    }

    @Test
    void isRestoreInProgress_notTheLeader_nothing() {
        Result r = updateStatus(restoring().withLeader(false));
        assertEquals(List.of(), world.exec.commands());
        assertEquals(List.of(), r.statusHistory());
        assertEquals(Status.maintenance("restoring backup"), r.unitStatus());
    }

    @Test
    void isDatabaseServiceRunning_no_blocksWithFailedToRestoreBackup() {
        world.exec.answer("pebble services", ok(INACTIVE));
        Result r = updateStatus(restoring());
        assertEquals(Status.blocked("Failed to restore backup"), r.unitStatus());
        assertEquals(List.of(List.of("/charm/bin/pebble", "services", "postgresql")),
                world.exec.commands().stream().map(c -> c.argv()).toList());
        assertEquals(List.of(), world.patroniConfig.applied, "the bootstrap method stays for a retry");
    }

    @Test
    void isDatabaseServiceRunning_serviceMissingFromTheList_blocks() {
        world.exec.answer("pebble services", ok("Service  Startup  Current  Since\n"));
        Result r = updateStatus(restoring());
        assertEquals(Status.blocked("Failed to restore backup"), r.unitStatus());
    }

    /** Pebble's word for a service that exited and is started again after a delay. */
    private static final String BACKOFF = "Service     Startup  Current  Since\npostgresql  enabled  backoff  today at 10:00 UTC\n";

    @Test
    void isDatabaseServiceRunning_pebbleRestartsIt_notYetFailed_staysRestoring_andNotesSince() {
        world.exec.answer("pebble services", ok(BACKOFF));
        Result r = updateStatus(restoring());
        assertStillRestoring(r);
        assertEquals(Long.toString(BackupWorld.NOW.getEpochSecond()), r.state().stored().get(RestoreStall.BACKOFF));
        assertEquals(List.of("pebble services"), world.exec.verbs(), "nothing else is asked of a restarting service");
        assertEquals(0, r.exitCode());
    }

    @Test
    void isDatabaseServiceRunning_pebbleKeepsRestartingIt_forThePatience_blocksWithFailedToRestoreBackup() {
        world.exec.answer("pebble services", ok(BACKOFF));
        State in = restoring().withStored(Map.of(RestoreStall.BACKOFF,
                Long.toString(BackupWorld.NOW.minus(RestoreStall.PATIENCE).getEpochSecond())));
        Result r = updateStatus(in);
        assertEquals(Status.blocked("Failed to restore backup"), r.unitStatus());
        assertFalse(r.state().stored().containsKey(RestoreStall.BACKOFF));
        assertTrue(r.logs().stream().anyMatch(l -> l.contains("keeps failing")), r.logs().toString());
    }

    @Test
    void isDatabaseServiceRunning_activeAgainAfterARestart_forgetsTheRestart() {
        world.exec.answer("pebble services", ok(ACTIVE));
        world.patroni.member = null;
        State in = restoring().withStored(Map.of(RestoreStall.BACKOFF, Long.toString(BackupWorld.NOW.minusSeconds(60).getEpochSecond())));
        Result r = updateStatus(in);
        assertStillRestoring(r);
        assertFalse(r.state().stored().containsKey(RestoreStall.BACKOFF));
    }

    @Test
    void isDatabaseServiceRunning_cannotTell_workloadUnreachable_changesNothing() {
        world.exec.unreachable();
        Result r = updateStatus(restoring());
        assertEquals(List.of(), r.statusHistory());
        assertStillRestoring(r);
        assertEquals(0, r.exitCode());
    }

    @Test
    void hasRestoredClusterStarted_no_patroniSilent_staysRestoring() {
        world.exec.answer("pebble services", ok(ACTIVE));
        world.patroni.member = null;
        Result r = updateStatus(restoring());
        assertStillRestoring(r);
    }

    @Test
    void hasRestoredClusterStarted_no_stillOnTheOldTimeline_staysRestoring() {
        world.exec.answer("pebble services", ok(ACTIVE));
        world.patroni.member = FakePatroni.primary(1);
        Result r = updateStatus(restoring());
        assertStillRestoring(r);
    }

    @Test
    void hasRestoredClusterStarted_no_notPrimaryYet_staysRestoring() {
        world.exec.answer("pebble services", ok(ACTIVE));
        world.patroni.member = new MemberStatus("replica", "running", 2);
        Result r = updateStatus(restoring());
        assertStillRestoring(r);
    }

    @Test
    void hasRestoredClusterStarted_no_primaryStillStarting_staysRestoring() {
        world.exec.answer("pebble services", ok(ACTIVE));
        world.patroni.member = new MemberStatus("master", "starting", 2);
        Result r = updateStatus(restoring());
        assertStillRestoring(r);
    }

    @Test
    void hasBootstrapFailed_yes_whilePebbleRestartsPatroni_blocks_andStopsTheService() {
        world.exec.answer("pebble services", ok(ACTIVE));
        world.exec.answer("find", ok(FAILED_DIR + "\n"));
        world.patroni.member = null;
        Result r = updateStatus(restoring());
        assertEquals(Status.blocked("Failed to restore backup"), r.unitStatus());
        assertEquals(List.of(List.of("/charm/bin/pebble", "services", "postgresql"),
                        List.of("find", "/var/lib/postgresql/data", "-maxdepth", "1", "-name", "pgdata.failed"),
                        List.of("/charm/bin/pebble", "stop", "postgresql")),
                world.exec.commands().stream().map(c -> c.argv()).toList());
        RESTORE_KEYS.forEach(k -> assertTrue(peerAppData(r).containsKey(k), k + " stays, so that another restore may follow"));
        assertEquals(List.of(), world.patroniConfig.applied, "the bootstrap method stays for a retry");
    }

    @Test
    void hasBootstrapFailed_cannotTell_staysRestoring() {
        world.exec.answer("pebble services", ok(ACTIVE));
        world.exec.fail("find", 1, "find: '/var/lib/postgresql/data': Permission denied");
        world.patroni.member = null;
        Result r = updateStatus(restoring());
        assertStillRestoring(r);
    }

    @Test
    void hasRestoredClusterStarted_yes_afterAnEarlierAttemptFailed_isActive() {
        world.exec.answer("pebble services", ok(ACTIVE));
        world.exec.answer("find", ok(FAILED_DIR + "\n"));
        world.patroni.member = FakePatroni.primary(2);
        Result r = updateStatus(restoring());
        assertEquals(Status.active(), r.unitStatus());
    }

    @Test
    void hasRestoredClusterStarted_yes_clearsTheRestoreKeys_reappliesPatroniWithoutRestore_andIsActive() {
        world.exec.answer("pebble services", ok(ACTIVE));
        world.patroni.member = FakePatroni.primary(2);
        Result r = updateStatus(restoring());
        assertEquals(Status.active(), r.unitStatus());
        RESTORE_KEYS.forEach(k -> assertFalse(peerAppData(r).containsKey(k), k));
        assertEquals(BackupWorld.STANZA, peerAppData(r).get(PeerKeys.STANZA), "backups go on into the same stanza");
        assertEquals(List.of(PatroniConfig.Settings.normal(Optional.of(new StanzaName(BackupWorld.STANZA)))),
                world.patroniConfig.applied);
        assertEquals(Optional.empty(), world.patroniConfig.last().restoreCommand());
    }

    @Test
    void hasRestoredClusterStarted_yes_withoutARecordedTimeline_anyRunningPrimaryCounts() {
        State in = BackupWorld.withPeerData(withStanza(), Map.of(
                PeerKeys.CLUSTER_INITIALISED, "True",
                PeerKeys.STANZA, BackupWorld.STANZA,
                PeerKeys.RESTORING_BACKUP, "latest",
                PeerKeys.RESTORE_STANZA, BackupWorld.STANZA), Map.of())
                .withUnitStatus(Status.maintenance("restoring backup")).withStored(BackupWorld.said(UnitStatuses.Concern.RESTORE, Status.maintenance("restoring backup")));
        world.exec.answer("pebble services", ok(ACTIVE));
        Result r = updateStatus(in);
        assertEquals(Status.active(), r.unitStatus());
        assertFalse(peerAppData(r).containsKey(PeerKeys.RESTORING_BACKUP));
    }

    @Test
    void hasRestoredClusterStarted_yes_afterAFailedRestoreWasRetried_liftsTheBlock() {
        world.exec.answer("pebble services", ok(ACTIVE));
        world.patroni.member = FakePatroni.primary(3);
        Result r = updateStatus(restoring().withUnitStatus(Status.blocked("Failed to restore backup")).withStored(BackupWorld.said(UnitStatuses.Concern.RESTORE, Status.blocked("Failed to restore backup"))));
        assertEquals(Status.active(), r.unitStatus());
    }

    /** The leader restoring, its data directory seen at this size this many seconds before now. */
    private static State restoringWithSizeSeen(long bytes, long secondsAgo) {
        State in = restoring();
        Map<String, String> stored = new java.util.HashMap<>(in.stored());
        stored.put(RestoreStall.KEY, bytes + " " + BackupWorld.NOW.minusSeconds(secondsAgo).getEpochSecond());
        return in.withStored(stored);
    }

    private void restoreRunningWithSize(long bytes) {
        world.exec.answer("pebble services", ok(ACTIVE));
        world.exec.answer("du", ok(bytes + "\t/var/lib/postgresql/data/pgdata\n"));
        world.patroni.member = null;
    }

    @Test
    void hasRestoreStalled_firstLook_recordsTheSize_asksNoRepository() {
        restoreRunningWithSize(52_428_800);
        Result r = updateStatus(restoring());
        assertStillRestoring(r);
        assertEquals("52428800 " + BackupWorld.NOW.getEpochSecond(), r.state().stored().get(RestoreStall.KEY));
        assertFalse(world.exec.verbs().contains("repo-ls"));
        assertTrue(world.exec.commands().stream().anyMatch(c -> c.argv().equals(List.of("du", "-s", "-b", "/var/lib/postgresql/data/pgdata"))));
    }

    @Test
    void restoring_theBackupsSizeKnown_saysThePercentWritten_inTheReferencesWords() {
        restoreRunningWithSize(52_428_800);
        State in = restoring();
        Map<String, String> stored = new java.util.HashMap<>(in.stored());
        stored.put(RestoreProgress.KEY, "141600000");
        Result r = updateStatus(in.withStored(stored));
        assertEquals(Status.maintenance("restoring backup (37%)"), r.unitStatus());
        RESTORE_KEYS.forEach(k -> assertTrue(peerAppData(r).containsKey(k), k));
        assertEquals("141600000", r.state().stored().get(RestoreProgress.KEY), "kept for the next update-status");
    }

    @Test
    void hasRestoredClusterStarted_yes_forgetsTheBackupsSize() {
        world.exec.answer("pebble services", ok(ACTIVE));
        world.patroni.member = FakePatroni.primary(2);
        State in = restoring();
        Map<String, String> stored = new java.util.HashMap<>(in.stored());
        stored.put(RestoreProgress.KEY, "141600000");
        Result r = updateStatus(in.withStored(stored));
        assertEquals(Status.active(), r.unitStatus());
        assertFalse(r.state().stored().containsKey(RestoreProgress.KEY));
    }

    @Test
    void hasRestoreStalled_grew_isProgress_theWatchStartsAgain() {
        restoreRunningWithSize(60_000_000);
        Result r = updateStatus(restoringWithSizeSeen(52_428_800, 600));
        assertStillRestoring(r);
        assertEquals("60000000 " + BackupWorld.NOW.getEpochSecond(), r.state().stored().get(RestoreStall.KEY));
        assertFalse(world.exec.verbs().contains("repo-ls"));
    }

    @Test
    void hasRestoreStalled_sameSizeForLessThanThePatience_asksNoRepository() {
        restoreRunningWithSize(52_428_800);
        Result r = updateStatus(restoringWithSizeSeen(52_428_800, RestoreStall.PATIENCE.toSeconds() - 1));
        assertStillRestoring(r);
        assertFalse(world.exec.verbs().contains("repo-ls"));
    }

    @Test
    void hasRestoreStalled_sameSizeLong_butTheRepositoryAnswers_leavesItToPgBackRest() {
        restoreRunningWithSize(52_428_800);
        Result r = updateStatus(restoringWithSizeSeen(52_428_800, 900));
        assertStillRestoring(r);
        assertTrue(world.exec.commands().stream().anyMatch(c -> c.argv().containsAll(
                List.of("pgbackrest", "repo-ls", "backup/" + BackupWorld.STANZA, "--io-timeout=3"))), world.exec.commands().toString());
        assertFalse(world.exec.verbs().contains("pebble stop"));
        assertEquals(0, r.exitCode());
    }

    @Test
    void hasRestoreStalled_yes_sameSizeLong_andTheRepositoryDoesNotAnswer_blocks_andStopsTheService() {
        restoreRunningWithSize(52_428_800);
        world.exec.fail("repo-ls", 39, "ERROR: [039]: HTTP request failed with 503 (Service Unavailable)");
        Result r = updateStatus(restoringWithSizeSeen(52_428_800, RestoreStall.PATIENCE.toSeconds()));
        assertEquals(Status.blocked("Failed to restore backup"), r.unitStatus());
        assertEquals(List.of("pebble services", "find", "du", "repo-ls", "pebble stop"), world.exec.verbs());
        RESTORE_KEYS.forEach(k -> assertTrue(peerAppData(r).containsKey(k), k + " stays, so that another restore may follow"));
        assertFalse(r.state().stored().containsKey(RestoreStall.KEY), "the watch ends with the restore");
        assertTrue(r.logs().stream().anyMatch(l -> l.contains("no progress for 120 s") && l.contains("[039]")), r.logs().toString());
    }

    @Test
    void hasRestoreStalled_yes_readsTheStanzaTheRestoreReadsFrom() {
        restoreRunningWithSize(52_428_800);
        world.exec.fail("repo-ls", 49, "ERROR: [049]: unable to get address for 's3.example': [-2] Name or service not known");
        State in = BackupWorld.withPeerData(withStanza(), Map.of(
                PeerKeys.CLUSTER_INITIALISED, "True",
                PeerKeys.STANZA, BackupWorld.STANZA,
                PeerKeys.RESTORING_BACKUP, "20230101-090000F",
                PeerKeys.RESTORE_STANZA, "other-model.patroni-postgresql-k8s"), Map.of())
                .withStored(Map.of(RestoreStall.KEY, "52428800 " + BackupWorld.NOW.minusSeconds(900).getEpochSecond()));
        Result r = updateStatus(in);
        assertEquals(Status.blocked("Failed to restore backup"), r.unitStatus());
        assertTrue(world.exec.commands().stream().anyMatch(c -> c.argv().contains("backup/other-model.patroni-postgresql-k8s")),
                world.exec.commands().toString());
    }

    @Test
    void hasRestoreStalled_cannotTell_duPrintsNothing_staysRestoring_keepsTheWatch() {
        world.exec.answer("pebble services", ok(ACTIVE));
        world.exec.fail("du", 1, "du: cannot access '/var/lib/postgresql/data/pgdata': No such file or directory");
        world.patroni.member = null;
        Result r = updateStatus(restoringWithSizeSeen(52_428_800, 900));
        assertStillRestoring(r);
        assertFalse(world.exec.verbs().contains("repo-ls"));
        assertEquals("52428800 " + BackupWorld.NOW.minusSeconds(900).getEpochSecond(), r.state().stored().get(RestoreStall.KEY));
    }

    @Test
    void hasRestoreStalled_duExitsNonZeroWithATotal_countsTheTotal() {
        world.exec.answer("pebble services", ok(ACTIVE));
        world.exec.answer("du", new postgresqlk8s.workload.ExecResult(1, "52428800\t/var/lib/postgresql/data/pgdata\n",
                "du: cannot access '/var/lib/postgresql/data/pgdata/base/5/16384': No such file or directory", false));
        world.patroni.member = null;
        Result r = updateStatus(restoringWithSizeSeen(52_428_800, 900));
        assertTrue(world.exec.verbs().contains("repo-ls"), "the same size, long: the repository is asked");
        assertStillRestoring(r);
    }

    @Test
    void hasRestoredClusterStarted_yes_endsTheWatch() {
        world.exec.answer("pebble services", ok(ACTIVE));
        world.patroni.member = FakePatroni.primary(2);
        Result r = updateStatus(restoringWithSizeSeen(52_428_800, 900));
        assertEquals(Status.active(), r.unitStatus());
        assertFalse(r.state().stored().containsKey(RestoreStall.KEY));
    }

    /** The restore was stopped for want of S3: Blocked, the service down, the unit waiting to resume it. */
    private static State stoppedForWantOfS3() {
        State in = restoring().withUnitStatus(Status.blocked("Failed to restore backup"));
        Map<String, String> stored = new java.util.HashMap<>(BackupWorld.said(UnitStatuses.Concern.RESTORE, Status.blocked("Failed to restore backup")));
        stored.put(RestoreStall.RESUME, "true");
        return in.withStored(stored);
    }

    @Test
    void hasRestoreStalled_yes_forWantOfS3_isToResume() {
        restoreRunningWithSize(52_428_800);
        world.exec.fail("repo-ls", 49, "ERROR: [049]: unable to connect to '127.0.0.1:9000': [111] Connection refused");
        Result r = updateStatus(restoringWithSizeSeen(52_428_800, 900));
        assertEquals(Status.blocked("Failed to restore backup"), r.unitStatus());
        assertEquals("true", r.state().stored().get(RestoreStall.RESUME));
    }

    @Test
    void hasRestoreStalled_yes_withoutS3Settings_isNotToResume() {
        restoreRunningWithSize(52_428_800);
        State in = restoringWithSizeSeen(52_428_800, 900);
        in = in.withoutRelation(in.relationOn("s3-parameters").id());
        Result r = updateStatus(in);
        assertEquals(Status.blocked("Failed to restore backup"), r.unitStatus());
        assertFalse(r.state().stored().containsKey(RestoreStall.RESUME));
        assertFalse(world.exec.verbs().contains("repo-ls"), "no settings: nothing to ask");
    }

    @Test
    void resumeIfS3Answers_stillSilent_staysBlocked_startsNothing() {
        world.exec.answer("pebble services", ok(INACTIVE));
        world.exec.fail("repo-ls", 49, "ERROR: [049]: unable to connect to '127.0.0.1:9000': [111] Connection refused");
        Result r = updateStatus(stoppedForWantOfS3());
        assertEquals(Status.blocked("Failed to restore backup"), r.unitStatus());
        assertEquals(List.of("pebble services", "repo-ls"), world.exec.verbs());
        assertEquals(0, world.clusterState.deletions);
        assertEquals("true", r.state().stored().get(RestoreStall.RESUME), "still to resume");
        assertEquals(0, r.exitCode());
    }

    @Test
    void resumeIfS3Answers_answers_clearsPatronisState_emptiesTheDataDirectory_startsTheService() {
        world.exec.answer("pebble services", ok(INACTIVE));
        Result r = updateStatus(stoppedForWantOfS3());
        assertEquals(Status.maintenance("restoring backup"), r.unitStatus());
        assertEquals(1, world.clusterState.deletions);
        assertEquals(List.of("pebble services", "repo-ls", "find", "rm", "pebble start"), world.exec.verbs());
        assertFalse(r.state().stored().containsKey(RestoreStall.RESUME));
        RESTORE_KEYS.forEach(k -> assertTrue(peerAppData(r).containsKey(k), k + " stays: the same restore goes on"));
        assertEquals(List.of(), world.patroniConfig.applied, "the restore stays Patroni's bootstrap method");
    }

    @Test
    void resumeIfS3Answers_cannotStart_staysToResume() {
        world.exec.answer("pebble services", ok(INACTIVE));
        world.exec.fail("pebble start", 1, "error: cannot start service: exited quickly");
        Result r = updateStatus(stoppedForWantOfS3());
        assertEquals(Status.blocked("Failed to restore backup"), r.unitStatus());
        assertEquals("true", r.state().stored().get(RestoreStall.RESUME));
        assertEquals(0, r.exitCode());
    }
}
