package e2e;

import static e2e.Faults.expect;
import static e2e.FaultRunner.Healing.YES;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import e2e.FaultRunner.Fault;
import e2e.FaultRunner.Healing;
import e2e.FaultRunner.Outcome;

/**
 * A backup while S3 or WAL archiving fails: S3 frozen or killed in the middle of pgBackRest's copy, S3
 * frozen while the charm uploads the backup's log, and the archive refusing WAL while the backup waits
 * for its last segment. Each fault is timed by what the real parts show (the backup's folder appearing
 * in S3Proxy's storage, pgBackRest's process ending), not by sleeps, and each ends with S3 and archiving
 * back and one more create-backup that must work.
 */
final class FaultsBackup {

    static final String STANZA = LocalStack.MODEL + ".patroni-" + LocalStack.APP;
    /** Tables of some 1.5 MB each (rows of about 100 bytes), 150 MB in all, whose copy takes seconds, so that a fault lands in it. */
    static final int BIG_TABLES = 100;
    static final int ROWS_PER_TABLE = 15_000;
    /** How long a scenario waits for a backup it started to reach the point where the fault goes in. */
    static final long REACH_SECONDS = 180;
    /**
     * How long the action may take once the fault is in: the charm's bound for a backup S3 does not answer
     * (BackupWatch: 2 minutes without progress, looked at every 30 s, a listing of about 12 s, 30 s for
     * the stopped backup to end: about 3 minutes at worst), with a margin. pgBackRest alone was still
     * running after 720 s (docs/when-s3-does-not-answer.md).
     */
    static final long ACTION_BOUND_SECONDS = 240;

    private FaultsBackup() {
    }

    /**
     * In the order they run. The log upload's healing is "yes": the unit stays Active and the next backup
     * works; the backup without its log is complete and listed.
     */
    static List<Fault> all() {
        return List.of(
                new Fault("S3 frozen (SIGSTOP) mid-backup, then thawed", YES, FaultsBackup::s3FrozenMidBackup),
                new Fault("S3 killed (SIGKILL) mid-backup, then back", YES, FaultsBackup::s3KilledMidBackup),
                new Fault("S3 frozen during the backup log's upload, then thawed", YES, FaultsBackup::s3FrozenDuringLogUpload),
                new Fault("WAL archive refusing segments while a backup runs ([082]), then accepting", YES,
                        FaultsBackup::archiveBrokenDuringBackup));
    }

    /** S3 stops answering while pgBackRest copies files: the action ends within the bound and says why. */
    static Outcome s3FrozenMidBackup(FaultBench b) throws IOException, InterruptedException {
        Lifecycle life = b.life;
        bigTable(b);
        RunningAction backup = RunningAction.start(b, "s3-frozen");
        long frozenAt;
        long took;
        try {
            awaitNewBackupFolder(b, backup);
            b.stack.freezeS3();
            frozenAt = System.nanoTime();
            life.say("== S3 frozen (SIGSTOP) mid-backup");
            boolean ended = backup.process.waitFor(ACTION_BOUND_SECONDS, TimeUnit.SECONDS);
            took = (System.nanoTime() - frozenAt) / 1_000_000_000;
            life.say("== the action " + (ended ? "ended " : "still runs ") + took + " s after S3 froze");
            expect(ended, "create-backup still running " + took + " s after S3 froze");
        } finally {
            b.stack.thawS3();
            backup.stop();
        }
        life.say("== S3 thawed");
        return failedThenNext(b, backup, "after " + took + " s with S3 frozen");
    }

    /** S3 gone at once while pgBackRest copies files: the action fails with the reason, the unit is not left creating. */
    static Outcome s3KilledMidBackup(FaultBench b) throws IOException, InterruptedException {
        Lifecycle life = b.life;
        bigTable(b);
        RunningAction backup = RunningAction.start(b, "s3-killed");
        long took;
        boolean back = false;
        try {
            awaitNewBackupFolder(b, backup);
            b.stack.killS3();
            long killedAt = System.nanoTime();
            life.say("== S3 killed (SIGKILL) mid-backup");
            boolean ended = backup.process.waitFor(ACTION_BOUND_SECONDS, TimeUnit.SECONDS);
            took = (System.nanoTime() - killedAt) / 1_000_000_000;
            life.say("== the action " + (ended ? "ended " : "still runs ") + took + " s after S3 was killed");
            expect(ended, "create-backup still running " + took + " s after S3 was killed");
            b.stack.startS3Again();
            back = true;
        } finally {
            if (!back) {
                b.stack.startS3Again();
            }
            backup.stop();
        }
        life.say("== S3 back");
        return failedThenNext(b, backup, "after " + took + " s with S3 killed");
    }

    /**
     * pgBackRest's backup finished, and S3 stops answering the moment its process ends, so the charm's
     * upload of the backup's log finds no S3. The flowchart's "Were backup logs uploaded to S3?" is no:
     * the action fails with the reference's words, and the backup itself stays listed and verified.
     */
    static Outcome s3FrozenDuringLogUpload(FaultBench b) throws IOException, InterruptedException {
        Lifecycle life = b.life;
        Set<String> before = labels(b);
        Process watcher = freezeS3WhenBackupEnds(b);
        RunningAction backup = RunningAction.start(b, "log-upload");
        long took;
        try {
            expect(watcher.waitFor(REACH_SECONDS, TimeUnit.SECONDS) && watcher.exitValue() == 0,
                    "pgBackRest's backup ended and S3 froze: " + Files.readString(b.stack.dir.resolve("freeze-at-exit.out")));
            b.stack.freezeS3(); // the watcher stopped it; the stack must know, to thaw it on every way out
            long frozenAt = System.nanoTime();
            life.say("== S3 frozen (SIGSTOP) as pgBackRest's backup ended: " + Files.readString(b.stack.dir.resolve("freeze-at-exit.out")).strip());
            boolean ended = backup.process.waitFor(ACTION_BOUND_SECONDS, TimeUnit.SECONDS);
            took = (System.nanoTime() - frozenAt) / 1_000_000_000;
            life.say("== the action " + (ended ? "ended " : "still runs ") + took + " s after S3 froze");
            expect(ended, "create-backup still running " + took + " s after S3 froze");
        } finally {
            b.stack.thawS3();
            backup.stop();
            Processes.stop(watcher, 5);
        }
        life.say("== S3 thawed");
        life.say(Files.readString(backup.log).strip());
        String failure = life.lastActionFailure();
        expect(failure.equals("Error uploading logs to S3"), "the action: " + failure + life.lastActionResult("backup-status"));
        expect(life.status().equals("active "), "the unit after it: " + life.status());
        Set<String> made = labels(b);
        made.removeAll(before);
        expect(made.size() == 1, "one new backup in the repository: " + made);
        life.action("list-backups");
        expect(BackupIds.fromList(life.juju).keySet().contains(idOf(made.iterator().next())),
                "the backup whose log is missing is listed");
        return next(b, "create-backup failed after " + took + " s: " + failure + "; the backup is listed");
    }

    /**
     * WAL archiving refuses segments while a backup runs: S3Proxy can write nothing into the archive's
     * folders (immutable, as a bucket policy or a full quota on that prefix would make it), so the
     * backup's last segment never arrives and pgBackRest gives up with [082] after its archive-timeout.
     * The action says pgBackRest's error and hints; archiving recovers once the folders accept writes.
     */
    static Outcome archiveBrokenDuringBackup(FaultBench b) throws IOException, InterruptedException {
        Lifecycle life = b.life;
        bigTable(b);
        Path archive = b.stack.s3().basedir().resolve(Lifecycle.BUCKET).resolve("e2e-cluster/archive").resolve(STANZA);
        List<Path> folders;
        try (Stream<Path> walk = Files.walk(archive)) {
            folders = walk.filter(Files::isDirectory).toList();
        }
        RunningAction backup = RunningAction.start(b, "archive-refused");
        long took;
        try {
            awaitNewBackupFolder(b, backup);
            immutable(folders, true);
            long brokeAt = System.nanoTime();
            life.say("== the archive's folders refuse new files (chattr +i), mid-backup");
            boolean ended = backup.process.waitFor(ACTION_BOUND_SECONDS, TimeUnit.SECONDS);
            took = (System.nanoTime() - brokeAt) / 1_000_000_000;
            expect(ended, "create-backup still running " + took + " s after archiving broke");
        } finally {
            immutable(folders, false);
            backup.stop();
        }
        life.say("== the archive's folders accept files again (chattr -i)");
        life.say(Files.readString(backup.log).strip());
        String failure = life.lastActionFailure();
        expect(failure.contains("[082]") && failure.contains("HINT: check the archive_command"),
                "the action says pgBackRest's [082] and its hint: " + failure);
        expect(life.status().equals("active "), "the unit after it: " + life.status());
        String logged = life.juju.jujuLog().stream().filter(l -> l.contains("[082]")).reduce((x, y) -> y).orElse("");
        life.say("== juju debug-log: " + logged);
        expect(logged.contains("HINT"), "the unit's log says what to do");
        return next(b, "create-backup failed after " + took + " s: " + failure);
    }

    /** The action failed with the reason and left no maintenance status; then, S3 back, the next backup works. */
    private static Outcome failedThenNext(FaultBench b, RunningAction backup, String when) throws IOException {
        Lifecycle life = b.life;
        life.say(Files.readString(backup.log).strip());
        String failure = life.lastActionFailure();
        String prefix = "Failed to backup PostgreSQL with error: ";
        expect(failure.startsWith(prefix) && failure.length() > prefix.length(), "the action fails with the reason: " + failure
                + life.lastActionResult("backup-status"));
        expect(life.status().equals("active "), "the unit after it: " + life.status());
        return next(b, "create-backup failed " + when + ": " + failure.substring(prefix.length()));
    }

    /** One more create-backup once the fault's reason went away: it works, or the unit did not heal. */
    private static Outcome next(FaultBench b, String during) {
        Lifecycle life = b.life;
        life.action("create-backup");
        String result = life.lastActionResult("backup-status");
        String failure = life.lastActionFailure();
        boolean healed = result.equals("backup created") && life.status().equals("active ");
        return Outcome.of(during + "; the next one: " + (failure.isEmpty() ? result : failure),
                healed ? Healing.YES : Healing.NO);
    }

    /**
     * Data enough for pgBackRest to be caught copying it (some 150 MB), written once and kept by the later
     * faults: many tables under pgBackRest's 2 MiB bundle limit rather than one big one, because
     * pgBackRest 2.45's verify calls every block-incremental file stored outside a bundle invalid (it
     * looks for the wrong file name; fixed in 2.47, pgbackrest#2120), and the charm turns on both.
     */
    static void bigTable(FaultBench b) {
        if (b.stack.sql("select to_regclass('big" + BIG_TABLES + "') is not null").output().strip().equals("t")) {
            return;
        }
        long start = System.nanoTime();
        b.stack.sql("do $$ begin for i in 1.." + BIG_TABLES + " loop execute format("
                + "'create table big%s as select g as id, md5(g::text) as a, md5((g * 7)::text) as b from generate_series(1, "
                + ROWS_PER_TABLE + ") g', i); end loop; end $$").check("fill the big tables");
        b.life.say("== " + BIG_TABLES + " tables of " + ROWS_PER_TABLE + " rows written (" + b.stack.sql(
                "select pg_size_pretty(sum(pg_total_relation_size(c.oid))) from pg_class c where c.relname like 'big%'")
                .output().strip() + ") in " + (System.nanoTime() - start) / 1_000_000_000 + " s");
    }

    /** The id users see for a full backup's label: {@code 20230101-090000F} is {@code 2023-01-01T09:00:00Z}. */
    private static String idOf(String label) {
        return label.substring(0, 4) + "-" + label.substring(4, 6) + "-" + label.substring(6, 8) + "T" + label.substring(9, 11) + ":"
                + label.substring(11, 13) + ":" + label.substring(13, 15) + "Z";
    }

    /** Where S3Proxy keeps this cluster's backups: one folder per backup label. */
    private static Path backupFolder(FaultBench b) {
        return b.stack.s3().basedir().resolve(Lifecycle.BUCKET).resolve("e2e-cluster/backup").resolve(STANZA);
    }

    /** The backup labels whose folders S3Proxy holds now. */
    private static Set<String> labels(FaultBench b) throws IOException {
        Set<String> labels = new HashSet<>();
        try (Stream<Path> list = Files.list(backupFolder(b))) {
            list.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{8}-\\d{6}F.*")).forEach(labels::add);
        }
        return labels;
    }

    /** Waits until a backup folder that was not there when the action started holds a file: pgBackRest is copying. */
    private static void awaitNewBackupFolder(FaultBench b, RunningAction backup) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(REACH_SECONDS);
        while (System.nanoTime() < deadline) {
            try {
                for (String label : labels(b)) {
                    if (!backup.labelsBefore.contains(label) && holdsAFile(backupFolder(b).resolve(label))) {
                        b.life.say("== pgBackRest is writing " + label);
                        return;
                    }
                }
                expect(backup.process.isAlive(), "the backup ended before it wrote anything: " + Files.readString(backup.log));
                Thread.sleep(50);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("no new backup folder in S3 after " + REACH_SECONDS + " s");
    }

    private static boolean holdsAFile(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.anyMatch(Files::isRegularFile);
        }
    }

    /**
     * A watcher that stops S3Proxy (SIGSTOP) the moment pgBackRest's backup process ends: it finds the
     * process (pgbackrest whose last argument is {@code backup}, in unit 0's pod: pods share the machine's
     * PIDs, and the other parts' stacks back up beside this one, so a process of theirs would freeze S3
     * mid-copy here, as CI once met) and waits
     * on it with a pidfd, so S3 freezes before the charm, which learns of the end over the exec stream,
     * can upload the log.
     */
    private static Process freezeS3WhenBackupEnds(FaultBench b) throws IOException {
        String script = String.join("\n",
                "import os, select, signal, sys, time",
                "s3 = int(sys.argv[1])",
                "pod = os.readlink('/proc/%s/ns/mnt' % sys.argv[2])",
                "deadline = time.time() + " + REACH_SECONDS,
                "def find():",
                "    for p in os.listdir('/proc'):",
                "        if not p.isdigit(): continue",
                "        try:",
                "            argv = open('/proc/%s/cmdline' % p, 'rb').read().split(b'\\0')[:-1]",
                "            ns = os.readlink('/proc/%s/ns/mnt' % p)",
                "        except OSError: continue",
                "        if ns == pod and argv and argv[0].endswith(b'pgbackrest') and argv[-1] == b'backup': return int(p)",
                "pid = None",
                "while pid is None and time.time() < deadline:",
                "    pid = find()",
                "    if pid is None: time.sleep(0.02)",
                "if pid is None: print('no pgbackrest backup process'); sys.exit(1)",
                "fd = os.pidfd_open(pid)",
                "t0 = time.time()",
                "select.select([fd], [], [], deadline - time.time())",
                "os.kill(s3, signal.SIGSTOP)",
                "print('pgbackrest backup (pid %d) ran %.1f s after it was seen' % (pid, time.time() - t0))",
                "");
        Path py = b.stack.dir.resolve("freeze-at-exit.py");
        Files.writeString(py, script);
        return Processes.start(b.stack.dir.resolve("freeze-at-exit.out"),
                List.of("python3", py.toString(), Long.toString(b.stack.s3().pid()), Long.toString(b.stack.pod(0).holderPid())));
    }

    private static void immutable(List<Path> folders, boolean on) {
        List<String> argv = new ArrayList<>(List.of("chattr", on ? "+i" : "-i"));
        folders.forEach(f -> argv.add(f.toString()));
        Processes.run(30, argv.toArray(String[]::new)).check("chattr " + (on ? "+i" : "-i"));
    }

    /** create-backup started as the agent starts an action, not waited for; its {@code juju run} output in a log. */
    private record RunningAction(Process process, Path log, Set<String> labelsBefore) {

        static RunningAction start(FaultBench b, String name) throws IOException {
            Set<String> before = labels(b);
            Path log = b.stack.dir.resolve("create-backup-" + name + ".out");
            b.life.say("$ juju run " + LocalStack.UNIT + " create-backup");
            return new RunningAction(b.life.unit(0).startAction(log, "create-backup"), log, before);
        }

        /** The action is over: it ended, or it is ended (TERM) so that the next fault starts clean. */
        void stop() {
            try {
                if (!process.waitFor(300, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroy);
                    Processes.stop(process, 30);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
