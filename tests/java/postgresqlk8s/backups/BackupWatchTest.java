package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import postgresqlk8s.pgbackrest.BackupType;
import postgresqlk8s.pgbackrest.StanzaName;
import postgresqlk8s.s3.S3Settings;
import postgresqlk8s.workload.ExecResult;
import postgresqlk8s.workload.WorkloadUnreachableException;

/** A backup watched while it runs: left alone while it moves or S3 answers, stopped when neither. */
class BackupWatchTest {

    /** Looks a few milliseconds apart, so a test takes well under a second; the production values are below. */
    private static final BackupWatch.Timing FAST = new BackupWatch.Timing(Duration.ofMillis(20), 4, Duration.ofSeconds(5));
    private static final String LOCK = "/tmp/" + BackupWorld.STANZA + "-backup.lock";
    private static final ExecResult DONE = new ExecResult(0, "P00   INFO: new backup label = 20261125-183613F\n", "", false);
    private static final ExecResult TERMINATED = new ExecResult(63, "", "ERROR: [063]: terminated on signal [SIGTERM]\n", false);
    private static final String REFUSED = "ERROR: [049]: unable to connect to 's3.example.com:443': [111] Connection refused";

    private final BackupWorld world = new BackupWorld();
    private final Repository repository = new Repository(world.seams(), new StanzaName(BackupWorld.STANZA),
            ((S3Settings.Complete) S3Settings.read(BackupWorld.INTEGRATOR_DATA)).parameters());

    /** The action's log lines the watch wrote, in order. */
    private final List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();

    private BackupWatch.Ending watch() throws WorkloadUnreachableException {
        return new BackupWatch(repository, FAST, logged::add).run(() -> repository.pgbackrest().backup(BackupType.FULL, true));
    }

    private static ExecResult lockSays(int percent) {
        return new ExecResult(0, "{\"execId\":\"5315-eb28bec7\",\"pctCplt\":" + percent + ",\"pid\":5315}", "", false);
    }

    @Test
    void productionTiming_twoMinutesWithoutProgress_lookedAtEvery8s_soAProgressLineWithin10s() {
        assertEquals(Duration.ofMinutes(2), BackupWatch.Timing.PRODUCTION.patience());
        assertEquals(Duration.ofSeconds(8), BackupWatch.Timing.PRODUCTION.poll());
    }

    @Test
    void eachLook_logsTheLockFilesProgress_inOrder() throws Exception {
        world.exec.holdUntil("backup", "check-done", DONE);
        world.exec.answer("cat", new ExecResult(1, "", "cat: no such file", false), lockSays(0), lockSays(3752), lockSays(10000));
        Thread release = releaseBackupWhen(() -> logged.size() >= 4);
        BackupWatch.Ending ending = watch();
        release.join();
        assertEquals(new BackupWatch.Finished(DONE), ending);
        assertEquals(List.of(Messages.BACKUP_PROGRESS_UNKNOWN, "backup 0%", "backup 37%", "backup 100%"), logged.subList(0, 4));
    }

    @Test
    void looksKeepTheirCadence_fromTheFirst_soSlowLockReadsDoNotStretchTheGaps() throws Exception {
        // 12 looks 40 ms apart take 480 ms; each progress line takes 35 ms, which waits counted from the end
        // of the last look would add (900 ms): the bound sits half-way, so a loaded machine's slack of a
        // couple of hundred milliseconds either way does not decide it.
        world.exec.holdUntil("backup", "check-done", DONE);
        world.exec.answer("cat", lockSays(1));
        List<Long> at = new java.util.concurrent.CopyOnWriteArrayList<>();
        BackupWatch slowLog = new BackupWatch(repository, new BackupWatch.Timing(Duration.ofMillis(40), 100, Duration.ofSeconds(5)), line -> {
            at.add(System.nanoTime());
            try {
                Thread.sleep(35);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread release = releaseBackupWhen(() -> at.size() >= 12);
        long start = System.nanoTime();
        slowLog.run(() -> repository.pgbackrest().backup(BackupType.FULL, true));
        release.join();
        long eleventhGapMs = (at.get(11) - start) / 1_000_000;
        assertTrue(eleventhGapMs < 12 * 40 + 210, "12 looks took " + eleventhGapMs + " ms");
    }

    @Test
    void aProgressLineThatCannotBeLogged_leavesTheBackupAlone() throws Exception {
        world.exec.holdUntil("backup", "check-done", DONE);
        world.exec.answer("cat", lockSays(5));
        java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
        BackupWatch failingLog = new BackupWatch(repository, FAST, line -> {
            if (tries.incrementAndGet() == 3) {
                try {
                    world.exec.run(postgresqlk8s.workload.Command.asPostgres(Duration.ofSeconds(1), "check-done"));
                } catch (WorkloadUnreachableException e) {
                    throw new IllegalStateException(e);
                }
            }
            throw new IllegalStateException("action-log exited 1");
        });
        assertEquals(new BackupWatch.Finished(DONE), failingLog.run(() -> repository.pgbackrest().backup(BackupType.FULL, true)));
    }

    @Test
    void backupEndsBeforeTheFirstLook_itsResult_andNothingElseAsked() throws Exception {
        world.exec.answer("backup", DONE);
        BackupWatch.Ending ending = watch();
        assertEquals(new BackupWatch.Finished(DONE), ending);
        assertEquals(List.of("backup"), world.exec.verbs());
    }

    @Test
    void noProgress_andTheRepositoryDoesNotAnswer_endsTheBackupsProcessGroup_andSaysWhy() throws Exception {
        world.exec.holdUntil("backup", "python3", TERMINATED);
        world.exec.answer("cat", lockSays(4512));
        world.exec.fail("repo-ls", 49, REFUSED);
        BackupWatch.Ending ending = watch();
        BackupWatch.Stopped stopped = assertInstanceOf(BackupWatch.Stopped.class, ending);
        assertTrue(stopped.reason().startsWith("no progress for "), stopped.reason());
        assertTrue(stopped.reason().contains("the repository does not answer: " + REFUSED), stopped.reason());
        assertTrue(stopped.reason().endsWith("; the backup was stopped"), stopped.reason());
        List<String> verbs = world.exec.verbs();
        assertEquals(List.of("repo-ls", "python3"), verbs.subList(verbs.size() - 2, verbs.size()), verbs.toString());
        postgresqlk8s.workload.Command kill = world.exec.commands().get(verbs.indexOf("python3"));
        assertEquals("5315", kill.argv().get(kill.argv().size() - 1), "the pid from the lock file, as an argument");
        assertTrue(kill.argv().get(2).contains("os.killpg(os.getpgid("), kill.argv().toString());
        assertEquals("root", kill.user(), "the group is led by the exec's timeout, which runs as root");
        assertEquals(List.of("cat", "--", LOCK), world.exec.commands().get(verbs.indexOf("cat")).argv());
    }

    @Test
    void noPidInTheLockFile_fallsBackToPgBackRestsStop_thenStartsTheStanzaAgain() throws Exception {
        world.exec.holdUntil("backup", "stop", TERMINATED);
        world.exec.answer("cat", new ExecResult(1, "", "cat: /tmp/x: No such file or directory", false));
        world.exec.fail("repo-ls", 49, REFUSED);
        BackupWatch.Stopped stopped = assertInstanceOf(BackupWatch.Stopped.class, watch());
        assertTrue(stopped.reason().endsWith("; the backup was stopped"), stopped.reason());
        List<String> verbs = world.exec.verbs();
        assertEquals(List.of("repo-ls", "stop", "start"), verbs.subList(verbs.size() - 3, verbs.size()), verbs.toString());
        assertEquals(List.of("pgbackrest", "--stanza=" + BackupWorld.STANZA, "--force", "stop"),
                world.exec.commands().get(verbs.indexOf("stop")).argv());
    }

    @Test
    void pidIn_readsPgBackRest245sLockFile() {
        assertEquals(java.util.Optional.of(5315L), BackupWatch.pidIn("{\"execId\":\"5315-eb28bec7\",\"pctCplt\":0,\"pid\":5315}"));
        assertEquals(java.util.Optional.empty(), BackupWatch.pidIn(""));
        assertEquals(java.util.Optional.empty(), BackupWatch.pidIn("{\"pid\":\"; rm -rf /\"}"));
    }

    @Test
    void noProgress_butTheRepositoryAnswers_leavesTheBackupToPgBackRest() throws Exception {
        world.exec.holdUntil("backup", "check-done", DONE); // released below, by a command the watch never runs
        world.exec.answer("cat", lockSays(10));
        Thread release = releaseBackupWhen(() -> world.exec.verbs().stream().filter("repo-ls"::equals).count() >= 3);
        BackupWatch.Ending ending = watch();
        release.join();
        assertEquals(new BackupWatch.Finished(DONE), ending);
        assertFalse(world.exec.verbs().contains("stop"), world.exec.verbs().toString());
    }

    @Test
    void progress_isNeverStopped_evenWhenTheRepositoryDoesNotAnswerAListing() throws Exception {
        world.exec.holdUntil("backup", "check-done", DONE);
        ExecResult[] moving = new ExecResult[12];
        for (int i = 0; i < moving.length; i++) {
            moving[i] = lockSays(i * 100);
        }
        world.exec.answer("cat", moving);
        world.exec.fail("repo-ls", 49, REFUSED);
        Thread release = releaseBackupWhen(() -> world.exec.verbs().stream().filter("cat"::equals).count() >= 10);
        BackupWatch.Ending ending = watch();
        release.join();
        assertEquals(new BackupWatch.Finished(DONE), ending);
        assertFalse(world.exec.verbs().contains("repo-ls"), "progress: the repository is not even asked");
    }

    @Test
    void theBackupDoesNotEndAfterTheStop_saysSo() throws Exception {
        world.exec.holdUntil("backup", "never", TERMINATED);
        world.exec.answer("cat", lockSays(1));
        world.exec.fail("repo-ls", 49, REFUSED);
        BackupWatch.Ending ending = new BackupWatch(repository, new BackupWatch.Timing(Duration.ofMillis(20), 2, Duration.ofMillis(50)), logged::add)
                .run(() -> repository.pgbackrest().backup(BackupType.FULL, true));
        BackupWatch.Stopped stopped = assertInstanceOf(BackupWatch.Stopped.class, ending);
        assertTrue(stopped.reason().endsWith("; the backup was told to stop and had not ended 0 s later"), stopped.reason());
    }

    @Test
    void podUnreachableDuringTheBackup_isThrownAsTheExecWouldHave() {
        world.exec.unreachable();
        assertThrows(WorkloadUnreachableException.class, this::watch);
    }

    /** The held backup ends (its {@code check-done} releases it) once {@code ready} holds; the thread is started. */
    private Thread releaseBackupWhen(java.util.function.BooleanSupplier ready) {
        Thread release = new Thread(() -> {
            while (!ready.getAsBoolean()) {
                Thread.onSpinWait();
            }
            try {
                world.exec.run(postgresqlk8s.workload.Command.asPostgres(Duration.ofSeconds(1), "check-done"));
            } catch (WorkloadUnreachableException e) {
                throw new IllegalStateException(e);
            }
        });
        release.start();
        return release;
    }
}
