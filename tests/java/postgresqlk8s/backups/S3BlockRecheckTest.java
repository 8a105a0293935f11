package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static postgresqlk8s.backups.BackupWorld.initialised;
import static postgresqlk8s.backups.BackupWorld.s3Changed;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jujuops.model.Status;
import jujuops.testing.Result;
import jujuops.testing.State;
import jujuops.testing.TestEvent;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.cluster.UnitStatuses;
import postgresqlk8s.workload.Command;

/** update-status re-checking a unit that S3 not answering blocked: when, how often, and what never. */
class S3BlockRecheckTest {

    private static final Status BUCKET_BLOCK = Status.blocked(Messages.BUCKET_FAILED);
    private static final Status STANZA_BLOCK = Status.blocked(Messages.STANZA_FAILED
            + ": ERROR: [042]: timeout after 3000ms waiting for read from 's3.eu-west-1.amazonaws.com:443'");

    private final BackupWorld world = new BackupWorld();

    /** The leader of {@link BackupWorld#initialised()}, blocked by its S3 concern, with this back-off stored. */
    private static State blocked(Status block, Map<String, String> backOff) {
        Map<String, String> stored = new LinkedHashMap<>(BackupWorld.said(UnitStatuses.Concern.S3, block));
        stored.putAll(backOff);
        return initialised().withUnitStatus(block).withStored(stored);
    }

    private static State blocked(Status block) {
        return blocked(block, Map.of());
    }

    private Result updateStatus(State in) {
        return world.run(TestEvent.hook("update-status"), in);
    }

    private static String stanza(Result r) {
        return BackupWorld.peerAppData(r).getOrDefault(PeerKeys.STANZA, "");
    }

    private static String stored(Result r, String key) {
        return r.state().stored().get(key);
    }

    private long bucketChecks() {
        return world.s3.requests.stream().filter(q -> q.startsWith("ensureBucket")).count();
    }

    private static boolean logged(Result r, String level, String text) {
        return r.logs().stream().anyMatch(l -> l.startsWith(level + " ") && l.contains(text));
    }

    @Test
    void blockedByTheBucket_s3AnswersAgain_isActive_andTheStanzaIsMadeAndChecked() {
        Result r = updateStatus(blocked(BUCKET_BLOCK));
        assertEquals(Status.active(), r.unitStatus());
        assertEquals(BackupWorld.STANZA, stanza(r));
        assertTrue(world.exec.verbs().containsAll(List.of("stanza-create", "check")), world.exec.verbs().toString());
        assertEquals(null, stored(r, S3BlockRecheck.NEXT_DUE), "healed: no back-off kept");
        assertTrue(logged(r, "INFO", "re-checking S3, which blocked this unit: " + Messages.BUCKET_FAILED), r.logs().toString());
    }

    @Test
    void blockedByTheStanza_s3AnswersAgain_isActive_andTheStanzaIsRecorded() {
        Result r = updateStatus(blocked(STANZA_BLOCK));
        assertEquals(Status.active(), r.unitStatus());
        assertEquals(BackupWorld.STANZA, stanza(r));
    }

    @Test
    void reCheck_usesOnlyTheBoundedPgBackRestCalls() {
        updateStatus(blocked(BUCKET_BLOCK));
        List<Command> pgbackrest = world.exec.commands().stream().filter(c -> c.argv().get(0).equals("pgbackrest")).toList();
        assertEquals(List.of("info", "stanza-create", "check"), pgbackrest.stream().map(FakeWorkloadExec::verb).toList());
        pgbackrest.forEach(c -> assertTrue(c.argv().contains("--io-timeout=3"), c.argv().toString()));
    }

    @Test
    void stillUnreachable_staysBlocked_andTheNextReCheckIsDueInFiveMinutes_saidAtInfo() {
        world.s3.bucketFails = true;
        Result r = updateStatus(blocked(BUCKET_BLOCK));
        assertEquals(BUCKET_BLOCK, r.unitStatus());
        assertEquals(1, bucketChecks());
        assertFalse(world.exec.verbs().contains("stanza-create"));
        assertEquals("2026-11-25T18:41:13Z", stored(r, S3BlockRecheck.NEXT_DUE));
        assertEquals("PT5M", stored(r, S3BlockRecheck.WAIT));
        assertTrue(logged(r, "INFO", "next re-check due at 2026-11-25T18:41:13Z (in 5 min)"), r.logs().toString());
    }

    @Test
    void stillUnreachable_theWaitDoubles_fromFiveMinutes_upToAnHour_oneS3CheckEachTime() {
        world.s3.bucketFails = true;
        State state = blocked(BUCKET_BLOCK);
        List<String> waits = new ArrayList<>();
        for (int round = 0; round < 7; round++) {
            long before = bucketChecks();
            Result r = updateStatus(state);
            assertEquals(1, bucketChecks() - before, "one re-check in round " + round);
            assertEquals(BUCKET_BLOCK, r.unitStatus());
            waits.add(stored(r, S3BlockRecheck.WAIT));
            state = r.state();
            world.now = Instant.parse(stored(r, S3BlockRecheck.NEXT_DUE));
        }
        assertEquals(List.of("PT5M", "PT10M", "PT20M", "PT40M", "PT1H", "PT1H", "PT1H"), waits);
    }

    @Test
    void beforeTheDueTime_asksNeitherS3NorPgBackRest_andAtItDoes() {
        world.s3.bucketFails = true;
        Result first = updateStatus(blocked(BUCKET_BLOCK));
        int execs = world.exec.commands().size();
        int s3Requests = world.s3.requests.size();

        world.now = BackupWorld.NOW.plus(Duration.ofMinutes(5)).minusSeconds(1);
        Result early = updateStatus(first.state());
        assertEquals(execs, world.exec.commands().size(), world.exec.verbs().toString());
        assertEquals(s3Requests, world.s3.requests.size(), world.s3.requests.toString());
        assertEquals(BUCKET_BLOCK, early.unitStatus());
        assertEquals(stored(first, S3BlockRecheck.NEXT_DUE), stored(early, S3BlockRecheck.NEXT_DUE));

        world.now = BackupWorld.NOW.plus(Duration.ofMinutes(5));
        world.s3.bucketFails = false;
        Result due = updateStatus(early.state());
        assertEquals(Status.active(), due.unitStatus());
        assertEquals(BackupWorld.STANZA, stanza(due));
    }

    @Test
    void anotherClustersRepository_isNeverReChecked() {
        Status another = Status.blocked(Messages.ANOTHER_CLUSTER);
        State in = BackupWorld.withPeerData(blocked(another),
                Map.of(PeerKeys.CLUSTER_INITIALISED, "True", PeerKeys.S3_BLOCK_MESSAGE, Messages.ANOTHER_CLUSTER), Map.of());
        Result r = updateStatus(in);
        assertEquals(another, r.unitStatus());
        assertEquals(List.of(), world.s3.requests);
        assertEquals(List.of(), world.exec.commands());
        assertFalse(r.state().stored().containsKey(S3BlockRecheck.NEXT_DUE));
    }

    @Test
    void settingsUnusableAsGiven_areNotReChecked_onlyNewSettingsFixThem() {
        Status invalid = Status.blocked(Messages.STANZA_FAILED
                + ": endpoint must be an https URL: pgBackRest speaks S3 over TLS only");
        State in = blocked(invalid).withRelation(BackupWorld.s3Relation(BackupWorld.dataWith("endpoint", "http://minio.example:9000")));
        Result r = updateStatus(in);
        assertEquals(invalid, r.unitStatus());
        assertEquals(List.of(), world.exec.commands());
        assertFalse(r.state().stored().containsKey(S3BlockRecheck.NEXT_DUE), "no re-check, so no back-off either");
        assertFalse(logged(r, "INFO", "re-checking S3"), r.logs().toString());
    }

    @Test
    void aBlockForAnotherReason_isNotTheS3ReChecksToLift() {
        Status storage = Status.blocked("fix the storage");
        State in = initialised().withUnitStatus(storage).withStored(BackupWorld.said(UnitStatuses.Concern.DATABASE, storage));
        Result r = updateStatus(in);
        assertEquals(storage, r.unitStatus());
        assertEquals(List.of(), world.s3.requests);
        assertEquals(List.of(), world.exec.commands());
    }

    @Test
    void nonLeader_aBlockLeftFromWhenItLed_clearsByWritingItsOwnSettings_withoutAskingS3() {
        Result r = updateStatus(blocked(BUCKET_BLOCK).withLeader(false));
        assertEquals(Status.active(), r.unitStatus());
        assertEquals(List.of(), world.s3.requests);
        assertTrue(world.exec.file("/etc/pgbackrest.conf").contains("repo1-s3-bucket=pg-backups\n"));
        assertFalse(world.exec.verbs().contains("stanza-create"));
        assertEquals(null, stored(r, S3BlockRecheck.NEXT_DUE));
    }

    @Test
    void nonLeader_itsSettingsStillCannotBeWritten_staysBlocked_withBackOff() {
        world.exec.fail("install", 1, "install: cannot create '/etc/pgbackrest.conf.tmp': Read-only file system");
        Status writeFailed = Status.blocked(Messages.STANZA_FAILED + ": install failed");
        Result r = updateStatus(blocked(writeFailed).withLeader(false));
        assertEquals(Status.Kind.BLOCKED, r.unitStatus().kind());
        assertTrue(r.unitStatus().message().startsWith(Messages.STANZA_FAILED), r.unitStatus().message());
        assertEquals("PT5M", stored(r, S3BlockRecheck.WAIT));
        assertEquals(List.of(), world.s3.requests);
    }

    @Test
    void nonLeader_followsAHealedLeader_whoseBlockWasNeverShared() {
        // The leader's bucket block is its own (only another cluster's repository is shared): a non-leader
        // that configured the same settings is Active throughout, and the leader's healing needs nothing of it.
        Result r = updateStatus(initialised().withLeader(false).withStored(BackupWorld.said(UnitStatuses.Concern.S3, Status.active())));
        assertEquals(Status.active(), r.unitStatus());
        assertEquals(List.of(), world.exec.commands());
    }

    @Test
    void aNewRelationChange_resetsTheBackOff_soTheNextUpdateStatusReChecks() {
        world.s3.bucketFails = true;
        State waiting = blocked(BUCKET_BLOCK, Map.of(S3BlockRecheck.NEXT_DUE, "2026-11-25T19:16:13Z", S3BlockRecheck.WAIT, "PT40M"));
        Result changed = world.run(s3Changed(waiting), waiting);
        assertEquals(BUCKET_BLOCK, changed.unitStatus());
        assertFalse(changed.state().stored().containsKey(S3BlockRecheck.NEXT_DUE), changed.state().stored().toString());
        assertFalse(changed.state().stored().containsKey(S3BlockRecheck.WAIT));

        long before = bucketChecks();
        Result next = updateStatus(changed.state());
        assertEquals(1, bucketChecks() - before);
        assertEquals("PT5M", stored(next, S3BlockRecheck.WAIT), "the back-off starts over");
    }

    @Test
    void theBlockGoneOtherwise_forgetsTheBackOff() {
        State in = initialised().withStored(Map.of("status.database", "active:", "status.s3", "active:",
                S3BlockRecheck.NEXT_DUE, "2026-11-25T19:16:13Z", S3BlockRecheck.WAIT, "PT40M"));
        Result r = updateStatus(in);
        assertFalse(r.state().stored().containsKey(S3BlockRecheck.NEXT_DUE));
        assertFalse(r.state().stored().containsKey(S3BlockRecheck.WAIT));
        assertEquals(List.of(), world.s3.requests);
    }

    @Test
    void garbageInTheStoredBackOff_isDueNow_logged_andTheBackOffStartsOver() {
        world.s3.bucketFails = true;
        Result r = updateStatus(blocked(BUCKET_BLOCK, Map.of(S3BlockRecheck.NEXT_DUE, "tomorrow-ish", S3BlockRecheck.WAIT, "a while")));
        assertEquals(0, r.exitCode());
        assertEquals(1, bucketChecks());
        assertTrue(logged(r, "WARNING", "is not a time (tomorrow-ish); re-checking S3 now"), r.logs().toString());
        assertTrue(logged(r, "WARNING", "is not a duration (a while)"), r.logs().toString());
        assertEquals("PT5M", stored(r, S3BlockRecheck.WAIT));
        assertEquals("2026-11-25T18:41:13Z", stored(r, S3BlockRecheck.NEXT_DUE));
    }

    @Test
    void aDueTimeBeyondTheLongestWait_isDueNow() {
        world.s3.bucketFails = true;
        Result r = updateStatus(blocked(BUCKET_BLOCK, Map.of(S3BlockRecheck.NEXT_DUE, "2027-11-25T18:36:13Z", S3BlockRecheck.WAIT, "PT1H")));
        assertEquals(1, bucketChecks());
        assertEquals("PT1H", stored(r, S3BlockRecheck.WAIT));
    }

    @Test
    void aDeferredRelationChangeRunInTheSameDispatch_isItsOnlyS3Check() {
        State uninitialised = BackupWorld.withPeerData(blocked(BUCKET_BLOCK), Map.of(), Map.of());
        Result deferred = world.run(s3Changed(uninitialised), uninitialised);
        assertEquals(1, deferred.state().deferred().size());

        world.s3.bucketFails = true;
        State ready = BackupWorld.withPeerData(deferred.state(), Map.of(PeerKeys.CLUSTER_INITIALISED, "True"), Map.of());
        Result r = updateStatus(ready);
        assertEquals(List.of(), r.state().deferred());
        assertEquals(1, bucketChecks(), world.s3.requests.toString());
        assertEquals(BUCKET_BLOCK, r.unitStatus());
    }

    @Test
    void duringARestore_theStanzaStepsWait() {
        State restoring = BackupWorld.withPeerData(blocked(BUCKET_BLOCK), Map.of(PeerKeys.CLUSTER_INITIALISED, "True",
                PeerKeys.RESTORING_BACKUP, "20230101-090000F", PeerKeys.RESTORE_FROM_TIMELINE, "1"), Map.of());
        updateStatus(restoring);
        assertEquals(0, bucketChecks());
        assertFalse(world.exec.verbs().contains("stanza-create"), world.exec.verbs().toString());
    }
}
