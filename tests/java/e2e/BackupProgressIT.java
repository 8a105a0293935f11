package e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real create-backup shows its progress while it runs: {@code juju run}'s output (the stand-in prints
 * action-log lines as they come, timed, as Juju does) holds pgBackRest's percent complete before the
 * action ends, and no two of its lines are more than 10 s apart.
 *
 * <p>The backup has to run longer than the watch's first look (8 s) whatever the machine: a backup of
 * the fault bench's data takes a few seconds here and less on a bigger machine, and data big enough to
 * take long everywhere would cost minutes to write. So, once pgBackRest writes into the backup's folder,
 * S3 is frozen for 12 s (a slow S3, which pgBackRest's 60 s I/O timeout waits out), and then thawed: the
 * backup then finishes by itself.
 *
 * <p>Then a restore of that backup: the action follows the copy in its log ({@code restore NN%}, from the
 * data directory's size against the backup's in {@code pgbackrest info}), at least every 10 s. So that the
 * restore is seen running however fast the machine copies, S3 is frozen once pgBackRest writes into the
 * data directory, and stays frozen until the action, seeing the directory stand still for 30 s, has handed
 * the restore over and one update-status has shown {@code restoring backup (NN%)}: about 45 s, within
 * pgBackRest's 60 s I/O timeout, so that the restore then goes on by itself to Active with the backup's rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupProgressIT {

    private static final Path CHARM_DIR = Path.of(System.getProperty("charm.dir", "target/charm")).toAbsolutePath();
    private static final String STANZA = LocalStack.MODEL + ".patroni-" + LocalStack.APP;
    private static final Duration FROZEN = Duration.ofSeconds(12);
    /** A quarter of what the first test writes (100 tables of 15,000 rows, about 150 MB with their indexes and the rest). */
    private static final long QUARTER = 40L * 1024 * 1024;
    /** A progress line as {@code juju run} prints it: "HH:MM:SS backup 37%", sizes after when pgBackRest gives them. */
    private static final Pattern PROGRESS = Pattern.compile("(?m)^(\\d\\d:\\d\\d:\\d\\d) backup (\\d{1,3})%");
    private static final Pattern TIMED = Pattern.compile("(?m)^(\\d\\d:\\d\\d:\\d\\d) ");
    /** A restore's progress line: "HH:MM:SS restore 42% (69.3 MB of 164.1 MB written)". */
    private static final Pattern RESTORE_PROGRESS = Pattern.compile("(?m)^\\d\\d:\\d\\d:\\d\\d restore (\\d{1,3})% \\(");

    private LocalStack stack;
    private Lifecycle life;
    private final ByteArrayOutputStream transcript = new ByteArrayOutputStream();

    @BeforeAll
    void up() throws IOException {
        stack = LocalStack.start();
        life = new Lifecycle(stack, stack.dir.resolve("model"), CHARM_DIR, new PrintStream(transcript, true, StandardCharsets.UTF_8));
        life.deploy();
        life.relateS3();
        assertEquals("active ", life.status());
    }

    @AfterAll
    void down() throws IOException {
        System.out.println(transcript.toString(StandardCharsets.UTF_8));
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void createBackup_showsPgBackRestsPercentWhileItRuns_atLeastEvery10s() throws Exception {
        stack.sql("do $$ begin for i in 1..100 loop execute format('create table big%s as select g as id, md5(g::text) as a,"
                + " md5((g * 7)::text) as b from generate_series(1, 15000) g', i); end loop; end $$").check("fill the tables");
        Path out = stack.dir.resolve("create-backup-progress.out");
        life.say("$ juju run " + LocalStack.UNIT + " create-backup");
        Process action = life.unit(0).startAction(out, "create-backup");
        String whileRunning;
        try {
            awaitPgBackRestWriting(action, out);
            stack.withS3Frozen(() -> {
                sleep(FROZEN);
                return null;
            });
            whileRunning = Files.readString(out);
            assertTrue(action.isAlive(), "the backup still ran after S3 was frozen for " + FROZEN.toSeconds() + " s: " + whileRunning);
        } finally {
            assertTrue(action.waitFor(300, TimeUnit.SECONDS), "the backup ended");
        }
        String all = Files.readString(out);
        life.say(all);
        assertEquals("backup created", life.lastActionResult("backup-status"), life.lastActionFailure() + "\n" + all);
        assertTrue(PROGRESS.matcher(whileRunning).find(), "a progress line with a percent while the backup ran:\n" + whileRunning);
        List<Integer> percents = new ArrayList<>();
        Matcher m = PROGRESS.matcher(all);
        while (m.find()) {
            percents.add(Integer.parseInt(m.group(2)));
        }
        for (int i = 1; i < percents.size(); i++) {
            assertTrue(percents.get(i) >= percents.get(i - 1), "the percent never goes back: " + percents);
        }
        assertGapsAtMost10s(all.substring(0, all.indexOf("\nAction id")));
    }

    @Test
    @Order(2)
    void restore_showsThePercentWrittenWhileItRuns_handsOverToUpdateStatus_thenActiveWithTheBackupsRows() throws Exception {
        String id = Faults.newestBackup(life);
        stack.sql("insert into big1 select g, 'after', 'the backup' from generate_series(15001, 15010) g").check("insert");
        int before = life.unit(0).statusHistory().size();
        Path out = stack.dir.resolve("restore-progress.out");
        life.say("$ juju run " + LocalStack.UNIT + " restore backup-id=" + id);
        Process action = life.unit(0).startAction(out, "restore", "backup-id=" + id);
        String whileRunning;
        String during;
        try {
            awaitRestoreWriting(action, out);
            stack.freezeS3();
            life.say("== pgBackRest is writing the data directory; S3 frozen until update-status has run");
            whileRunning = awaitOutput(action, out, RESTORE_PROGRESS);
            assertTrue(action.waitFor(120, TimeUnit.SECONDS), "the action handed the restore over within 120 s");
            during = statusAfter(life.hook("update-status"));
        } finally {
            stack.thawS3();
            Processes.stopTree(action);
        }
        life.say("== S3 thawed");
        String all = Files.readString(out);
        life.say(all);
        assertEquals("restore started", life.lastActionResult("restore-status"), life.lastActionFailure() + "\n" + all);
        Matcher progress = RESTORE_PROGRESS.matcher(whileRunning);
        assertTrue(progress.find(), "a restore line with a percent while it ran:\n" + whileRunning);
        int percent = Integer.parseInt(progress.group(1));
        assertTrue(percent >= 20 && percent <= 98, "the percent of a copy frozen past a quarter: " + percent + "\n" + whileRunning);
        String lines = all.substring(0, all.indexOf("\nAction id"));
        String last = lines.strip().substring(lines.strip().lastIndexOf('\n') + 1);
        assertTrue(last.matches("\\d\\d:\\d\\d:\\d\\d restore: the data directory has not grown for \\d+ s .*update-status watches the restore from here"),
                "with S3 frozen the data directory stopped growing, and the action handed the restore over:\n" + all);
        assertGapsAtMost10s(lines.substring(lines.lastIndexOf('\n', lines.indexOf("Starting the database")) + 1));
        String settled = life.awaitRestore(90);
        List<String> restoring = life.unit(0).statusHistory().stream().skip(before)
                .map(fakejuju.FakeJuju.Status::message).filter(m -> m.startsWith("restoring backup")).toList();
        life.say("== update-status with S3 frozen: " + during + "; statuses while restoring: " + restoring);
        assertTrue(during.matches("maintenance restoring backup \\((\\d|[1-9]\\d)%\\)"), "update-status said how far the restore is: " + during);
        assertTrue(restoring.stream().allMatch(m -> m.matches("restoring backup( \\((\\d|[1-9]\\d)%\\))?")), restoring.toString());
        assertEquals("active ", settled);
        assertEquals(15000, stack.rows("big1"), "the backup's rows, not those written after it");
        assertEquals(15000, stack.rows("big100"));
    }

    private String statusAfter(fakejuju.FakeJuju.Run run) {
        assertEquals(0, run.exitCode(), run.stderr());
        return life.status();
    }

    /**
     * The action has emptied the data directory and started the database, and pgBackRest has written a
     * quarter of the fill's 150 MB into it: the copy is well under way, and far from its end.
     */
    private void awaitRestoreWriting(Process action, Path out) throws IOException, InterruptedException {
        awaitOutput(action, out, Pattern.compile("Starting the database to restore"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            long bytes = stack.pod(0).dataDirectoryBytes();
            if (bytes >= QUARTER) {
                life.say("== pgBackRest has written " + bytes / 1024 / 1024 + " MB into the data directory");
                return;
            }
            assertTrue(action.isAlive(), "the restore action ended before pgBackRest wrote a quarter: " + Files.readString(out));
            Thread.sleep(20);
        }
        throw new IllegalStateException("pgBackRest wrote no quarter of the data into the data directory in 120 s: " + Files.readString(out));
    }

    /** The action's output once it holds a match, read while the action still runs. */
    private static String awaitOutput(Process action, Path out, Pattern wanted) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            String now = Files.exists(out) ? Files.readString(out) : "";
            if (wanted.matcher(now).find()) {
                return now;
            }
            assertTrue(action.isAlive(), "the action ended before its output held '" + wanted + "': " + now);
            Thread.sleep(50);
        }
        throw new IllegalStateException("no '" + wanted + "' in the action's output in 120 s: " + Files.readString(out));
    }

    /** The action's timed lines, from "Creating a full backup" to the last progress line, follow each other within 10 s. */
    private static void assertGapsAtMost10s(String output) {
        List<LocalTime> times = new ArrayList<>();
        Matcher m = TIMED.matcher(output);
        while (m.find()) {
            times.add(LocalTime.parse(m.group(1)));
        }
        assertTrue(times.size() >= 3, "the start line and at least two progress lines: " + output);
        for (int i = 1; i < times.size(); i++) {
            // whole seconds on both ends: a gap of at most 10 s prints as at most 10
            long gap = Duration.between(times.get(i - 1), times.get(i)).toSeconds();
            assertTrue(gap <= 10, "lines " + (i - 1) + " and " + i + " are " + gap + " s apart:\n" + output);
        }
    }

    /** pgBackRest has written a file into a new backup folder in S3Proxy's storage: it is copying. */
    private void awaitPgBackRestWriting(Process action, Path out) throws IOException, InterruptedException {
        Path backups = stack.s3().basedir().resolve(Lifecycle.BUCKET).resolve("e2e-cluster/backup").resolve(STANZA);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(backups)) {
                try (Stream<Path> walk = Files.walk(backups)) {
                    // a file under a full backup's label folder (pg_data/..., bundle/...), not the stanza's info files
                    if (walk.anyMatch(p -> Files.isRegularFile(p) && backups.relativize(p).getNameCount() > 1
                            && backups.relativize(p).getName(0).toString().matches("\\d{8}-\\d{6}F"))) {
                        life.say("== pgBackRest is writing; S3 frozen for " + FROZEN.toSeconds() + " s");
                        return;
                    }
                }
            }
            assertTrue(action.isAlive(), "the backup ended before it wrote anything: " + Files.readString(out));
            Thread.sleep(50);
        }
        throw new IllegalStateException("no backup file in S3 after 180 s: " + Files.readString(out));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
