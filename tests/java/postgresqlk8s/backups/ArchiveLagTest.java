package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static postgresqlk8s.backups.BackupWorld.ok;
import static postgresqlk8s.backups.BackupWorld.withStanza;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jujuops.model.Status;
import jujuops.testing.Result;
import jujuops.testing.State;
import jujuops.testing.TestEvent;
import postgresqlk8s.cluster.UnitStatuses;
import postgresqlk8s.patroni.MemberStatus;

/**
 * update-status on the primary tells when WAL archiving is behind or pgBackRest dropped WAL, in an
 * Active status; otherwise the status stays as it was and nothing is asked of S3.
 */
class ArchiveLagTest {

    private static final long NOW = BackupWorld.NOW.getEpochSecond();
    private static final String NO_DROPS = "";
    private static final String DROP_AT_1800 =
            "2026-11-25 18:00:02.456 P00   WARN: dropped WAL file '000000010000000000000011' because archive queue exceeded 256MB\n";

    private final BackupWorld world = new BackupWorld();

    private Result updateStatus(State in) {
        return world.run(TestEvent.hook("update-status"), in);
    }

    private static String ready(long... ages) {
        StringBuilder out = new StringBuilder();
        int n = 0x11;
        for (long age : ages) {
            out.append(NOW - age).append(".5 0000000100000000000000").append(Integer.toHexString(n++).toUpperCase()).append(".ready\n");
        }
        return out.toString();
    }

    /** The two finds in order: the archive-push logs' drops, then archive_status. */
    private void workload(String drops, String readyListing) {
        world.exec.answer("find", ok(drops), ok(readyListing));
    }

    @Test
    void caughtUp_saysNothing_andAsksNothingOfS3() {
        workload(NO_DROPS, ready(20));
        Result r = updateStatus(withStanza());
        assertEquals(Status.active(), r.unitStatus());
        assertEquals(List.of("find", "find"), world.exec.verbs());
        assertTrue(world.exec.commands().get(1).argv().containsAll(
                List.of("/var/lib/postgresql/data/pgdata/pg_wal/archive_status", "*.ready")), world.exec.commands().get(1).toString());
    }

    @Test
    void behindForLongerThanFiveMinutes_saysSoInAnActiveStatus() {
        workload(NO_DROPS, ready(600, 400, 30));
        Result r = updateStatus(withStanza());
        assertEquals(Status.active("WAL archiving behind: 3 segments waiting, oldest 10 min"), r.unitStatus());
    }

    @Test
    void caughtUpAgain_theWordsGo() {
        workload(NO_DROPS, ready(600));
        Result behind = updateStatus(withStanza());
        assertEquals(Status.Kind.ACTIVE, behind.unitStatus().kind());
        world.exec.reanswer("find", ok(NO_DROPS), ok(""));
        Result after = updateStatus(behind.state());
        assertEquals(Status.active(), after.unitStatus());
    }

    @Test
    void aMoreUrgentConcern_winsOverTheLag() {
        workload(NO_DROPS, ready(600));
        State blocked = withStanza().withStored(BackupWorld.said(UnitStatuses.Concern.RESTORE, Status.blocked(Messages.RESTORE_FAILED)));
        assertEquals(Status.blocked(Messages.RESTORE_FAILED), updateStatus(blocked).unitStatus());
    }

    @Test
    void aDropNewerThanEveryBackup_saysRecoveryHasAGap() {
        workload(DROP_AT_1800, ready());
        world.exec.answer("info", ok(BackupWorld.info(BackupWorld.backup("20261125-170000F", "full", null, false,
                1795626000L, 1795626100L))));
        Result r = updateStatus(withStanza());
        assertEquals(Status.active("WAL dropped from the full archive queue at 2026-11-25 18:00 UTC: point-in-time recovery "
                + "has a gap until the next backup"), r.unitStatus());
    }

    @Test
    void aDropBehindANewerBackup_saysNothing_andTheRepositoryIsNotAskedAgain() {
        workload(DROP_AT_1800, ready());
        world.exec.answer("info", ok(BackupWorld.info(BackupWorld.backup("20261125-181000F", "full", null, false,
                1795630200L, 1795630300L))));
        Result r = updateStatus(withStanza());
        assertEquals(Status.active(), r.unitStatus());
        assertEquals(List.of("find", "info", "find"), world.exec.verbs());
        world.exec.commands().clear();
        world.exec.reanswer("find", ok(DROP_AT_1800), ok(""));
        updateStatus(r.state());
        assertEquals(List.of("find", "find"), world.exec.verbs(), "the covered drop is remembered");
    }

    @Test
    void aDrop_theRepositoryUnreadable_isToldAllTheSame() {
        workload(DROP_AT_1800, ready());
        world.exec.answer("info", ok(BackupWorld.infoRepoError("[invalid]", "[HostConnectError] unable to connect")));
        Result r = updateStatus(withStanza());
        assertTrue(r.unitStatus().message().startsWith("WAL dropped from the full archive queue"), r.unitStatus().toString());
    }

    @Test
    void onAReplica_nothingIsAsked() {
        world.patroni.member = new MemberStatus("replica", "streaming", 1);
        updateStatus(withStanza().withLeader(false));
        assertEquals(List.of(), world.exec.verbs());
    }

    @Test
    void withoutAStanza_nothingIsAsked() {
        Result r = updateStatus(BackupWorld.initialised());
        assertEquals(List.of(), world.exec.verbs());
        assertEquals(Status.active(), r.unitStatus());
    }

    @Test
    void garbageFromFind_changesNothing_andTheHookSucceeds() {
        workload(NO_DROPS, "find: 'pg_wal/archive_status': Permission denied\n");
        State before = withStanza().withStored(Map.of("status.database", "active:", "status.archive",
                "active:WAL archiving behind: 3 segments waiting, oldest 10 min"));
        Result r = updateStatus(before);
        assertEquals(0, r.exitCode());
        assertEquals(Status.active("WAL archiving behind: 3 segments waiting, oldest 10 min"), r.unitStatus());
    }

    @Test
    void theWorkloadUnreachable_changesNothing_andTheHookSucceeds() {
        world.exec.unreachable();
        Result r = updateStatus(withStanza());
        assertEquals(0, r.exitCode());
        assertEquals(Status.active(), r.unitStatus());
    }
}
