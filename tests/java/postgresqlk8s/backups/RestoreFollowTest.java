package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static postgresqlk8s.backups.BackupWorld.ok;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import jujuops.StoredState;
import postgresqlk8s.workload.ExecResult;
import postgresqlk8s.workload.WorkloadExec;

/**
 * The restore action following the restore it started: a line a look, 8 s apart on the seams' clock, and
 * each of its four endings. The clock moves only by the follow's own pauses (and, where a test says so,
 * by the time its execs take), so a test runs at once and the times are exact.
 */
class RestoreFollowTest {

    private static final String ACTIVE = "Service     Startup  Current  Since\npostgresql  enabled  active   today\n";
    private static final String BACKOFF = "Service     Startup  Current  Since\npostgresql  enabled  backoff  today\n";
    private static final long MB = 1024 * 1024;

    private final BackupWorld world = new BackupWorld();
    private final StoredState stored = new StoredState();
    private final List<String> logged = new ArrayList<>();
    /** The seams' clock at each look's measurement of the data directory; {@link BackupWorld#NOW} is when the start was announced. */
    private final List<Instant> looks = new ArrayList<>();
    /** What each exec adds to the clock: a slow pod. */
    private Duration execTakes = Duration.ZERO;

    RestoreFollowTest() {
        world.pausesTakeTime = true;
        world.exec.answer("pebble services", ok(ACTIVE));
    }

    private static ExecResult du(long bytes) {
        return ok(bytes + "\t/var/lib/postgresql/data/pgdata\n");
    }

    private void dataDirectoryHolds(long... bytes) {
        for (long b : bytes) {
            world.exec.answer("du", du(b));
        }
    }

    private RestoreFollow.Ending follow(OptionalLong backupBytes) {
        RestoreProgress progress = new RestoreProgress(stored);
        progress.expect(backupBytes);
        Seams base = world.seams();
        WorkloadExec timed = command -> {
            world.now = world.now.plus(execTakes);
            if (FakeWorkloadExec.verb(command).equals("du")) {
                looks.add(world.now);
            }
            return world.exec.run(command);
        };
        Seams seams = new Seams(timed, base.objectStore(), base.patroni(), base.clusterState(), base.pod(), base.patroniConfig(),
                base.clock(), base.pause(), base.layout(), base.otherPods());
        return new RestoreFollow(seams, progress, logged::add).follow(BackupWorld.NOW);
    }

    private List<Long> secondsAfterStart() {
        return looks.stream().map(t -> Duration.between(BackupWorld.NOW, t).toSeconds()).toList();
    }

    @Test
    void productionTiming_aLineEvery8s_handedOverAfter30sWithoutGrowth() {
        assertEquals(Duration.ofSeconds(8), RestoreFollow.POLL);
        assertEquals(Duration.ofSeconds(30), RestoreFollow.STILL);
    }

    @Test
    void dataDirectoryReachesTheBackupsSize_endsSayingRecoveryFollows() {
        dataDirectoryHolds(4096, 40 * MB, 120 * MB, 164 * MB + 40_960);
        RestoreFollow.Ending ending = follow(OptionalLong.of(164 * MB));
        assertEquals(RestoreFollow.Ending.FILES_WRITTEN, ending);
        assertEquals(List.of("restore 0% (4.0 KB of 164.0 MB written)", "restore 24% (40.0 MB of 164.0 MB written)",
                "restore 73% (120.0 MB of 164.0 MB written)",
                "restore: the backup's files are written (164.0 MB); PostgreSQL now recovers the WAL, and the unit's status "
                        + "says when the database runs"), logged);
        assertEquals(List.of(8L, 16L, 24L, 32L), secondsAfterStart());
    }

    @Test
    void backupsSizeUnknown_linesSayTheBytesWritten() {
        dataDirectoryHolds(40 * MB, 90 * MB, 90 * MB, 90 * MB, 90 * MB, 90 * MB);
        follow(OptionalLong.empty());
        assertEquals(List.of("restore: 40.0 MB written", "restore: 90.0 MB written", "restore: 90.0 MB written"),
                logged.subList(0, 3));
    }

    @Test
    void dataDirectoryNotGrownFor30s_handsTheRestoreToUpdateStatus() {
        // grows until the look at 16 s, then stands still: 24 s without growth at 40 s, 32 s at 48 s
        dataDirectoryHolds(10 * MB, 20 * MB, 20 * MB, 20 * MB, 20 * MB, 20 * MB, 20 * MB);
        RestoreFollow.Ending ending = follow(OptionalLong.of(164 * MB));
        assertEquals(RestoreFollow.Ending.STILL, ending);
        assertEquals(List.of(8L, 16L, 24L, 32L, 40L, 48L), secondsAfterStart());
        assertEquals("restore: the data directory has not grown for 32 s (PostgreSQL recovers the WAL, or the restore waits "
                + "for S3); update-status watches the restore from here", logged.get(logged.size() - 1));
        assertEquals(6, logged.size(), "one line a look: " + logged);
    }

    @Test
    void dataDirectoryThatNeverGrows_countsFromTheFirstLook() {
        dataDirectoryHolds(4096);
        assertEquals(RestoreFollow.Ending.STILL, follow(OptionalLong.of(164 * MB)));
        assertEquals(List.of(8L, 16L, 24L, 32L, 40L), secondsAfterStart());
    }

    @Test
    void aShrinkThenGrowth_isGrowth() {
        // Patroni moved a failed bootstrap's directory aside and Pebble started it again: the restore starts over
        dataDirectoryHolds(50 * MB, 50 * MB, 50 * MB, 4096, 1 * MB, 1 * MB, 1 * MB, 1 * MB, 1 * MB);
        assertEquals(RestoreFollow.Ending.STILL, follow(OptionalLong.of(164 * MB)));
        assertEquals(List.of(8L, 16L, 24L, 32L, 40L, 48L, 56L, 64L, 72L), secondsAfterStart());
    }

    @Test
    void databaseServiceNoLongerActive_ends_leavingTheJudgementToUpdateStatus() {
        dataDirectoryHolds(10 * MB, 20 * MB);
        world.exec.reanswer("pebble services", ok(ACTIVE), ok(ACTIVE), ok(BACKOFF));
        RestoreFollow.Ending ending = follow(OptionalLong.of(164 * MB));
        assertEquals(RestoreFollow.Ending.SERVICE_NOT_ACTIVE, ending);
        assertEquals(List.of("restore 6% (10.0 MB of 164.0 MB written)", "restore 12% (20.0 MB of 164.0 MB written)",
                "restore: the database service is backoff in Pebble (a failed bootstrap or a restart); update-status tells "
                        + "how the restore went"), logged);
        assertEquals(List.of("pebble services", "du", "pebble services", "du", "pebble services"), world.exec.verbs());
    }

    @Test
    void databaseServiceNotListed_isNotActive() {
        world.exec.reanswer("pebble services", ok(""));
        assertEquals(RestoreFollow.Ending.SERVICE_NOT_ACTIVE, follow(OptionalLong.of(164 * MB)));
        assertTrue(logged.get(0).startsWith("restore: the database service is inactive in Pebble"), logged.toString());
    }

    @Test
    void aLookThatFails_endsTheFollow_withoutAnException() {
        dataDirectoryHolds(10 * MB);
        world.exec.answer("du", new ExecResult(1, "", "du: cannot access '/var/lib/postgresql/data/pgdata': No such file or directory\n", false));
        assertEquals(RestoreFollow.Ending.LOOK_FAILED, follow(OptionalLong.of(164 * MB)));
        assertEquals(List.of("restore 6% (10.0 MB of 164.0 MB written)",
                "restore: the workload could not be looked at; update-status watches the restore from here"), logged);
    }

    @Test
    void aPodThatDoesNotAnswer_endsTheFollow_withoutAnException() {
        world.exec.unreachable();
        assertEquals(RestoreFollow.Ending.LOOK_FAILED, follow(OptionalLong.of(164 * MB)));
        assertEquals(List.of(Messages.RESTORE_NOT_FOLLOWED), logged);
    }

    @Test
    void looksKeepTheirCadence_fromTheFirst_soSlowLooksDoNotStretchTheGaps() {
        execTakes = Duration.ofSeconds(3); // each look: 3 s for Pebble, 3 s for du
        dataDirectoryHolds(10 * MB, 20 * MB, 30 * MB, 164 * MB);
        follow(OptionalLong.of(164 * MB));
        // the looks start at 8, 16, 24 and 32 s; du answers 6 s into each
        assertEquals(List.of(14L, 22L, 30L, 38L), secondsAfterStart());
        assertEquals(List.of(Duration.ofSeconds(8), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2)), world.pauses);
    }

    @Test
    void theLooksAreCountedFromTheAnnouncedStart_howeverLongPebbleTookToStartTheDatabase() {
        world.now = world.now.plusSeconds(3); // "Starting the database..." was logged at NOW; pebble start took 3 s
        dataDirectoryHolds(10 * MB, 164 * MB);
        follow(OptionalLong.of(164 * MB));
        assertEquals(List.of(8L, 16L), secondsAfterStart());
        assertEquals(List.of(Duration.ofSeconds(5), Duration.ofSeconds(8)), world.pauses);
    }

    @Test
    void aLookSlowerThanThePoll_isFollowedAtOnce() {
        execTakes = Duration.ofSeconds(5);
        dataDirectoryHolds(10 * MB, 20 * MB, 164 * MB);
        follow(OptionalLong.of(164 * MB));
        assertEquals(List.of(Duration.ofSeconds(8)), world.pauses, "no pause after a 10 s look");
        assertEquals(List.of(18L, 28L, 38L), secondsAfterStart());
    }

    @Test
    void anActionLogThatFails_doesNotEndTheFollow() {
        dataDirectoryHolds(10 * MB, 164 * MB);
        List<String> through = Collections.synchronizedList(new ArrayList<>());
        RestoreProgress progress = new RestoreProgress(stored);
        progress.expect(OptionalLong.of(164 * MB));
        RestoreFollow.Ending ending = new RestoreFollow(world.seams(), progress, line -> {
            through.add(line);
            throw new IllegalStateException("action-log: connection refused");
        }).follow(BackupWorld.NOW);
        assertEquals(RestoreFollow.Ending.FILES_WRITTEN, ending);
        assertEquals(2, through.size(), through.toString());
    }
}
