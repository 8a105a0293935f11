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
 * <p>Then a restore of that backup: update-status shows {@code restoring backup (NN%)} while Patroni's
 * bootstrap restores, the percent from the backup's size in {@code pgbackrest info}. S3 is frozen as the
 * restore action ends, for one update-status, so that the restore is seen running however fast it is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupProgressIT {

    private static final Path CHARM_DIR = Path.of(System.getProperty("charm.dir", "target/charm")).toAbsolutePath();
    private static final String STANZA = LocalStack.MODEL + ".patroni-" + LocalStack.APP;
    private static final Duration FROZEN = Duration.ofSeconds(12);
    /** A progress line as {@code juju run} prints it: "HH:MM:SS backup 37%", sizes after when pgBackRest gives them. */
    private static final Pattern PROGRESS = Pattern.compile("(?m)^(\\d\\d:\\d\\d:\\d\\d) backup (\\d{1,3})%");
    private static final Pattern TIMED = Pattern.compile("(?m)^(\\d\\d:\\d\\d:\\d\\d) ");

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
    void restore_updateStatusShowsThePercentRestored_untilActive() {
        int before = life.unit(0).statusHistory().size();
        life.action("restore", "restore-to-time=latest"); // it reads the repository's backups: S3 answers
        assertEquals("restore started", life.lastActionResult("restore-status"), life.lastActionFailure());
        stack.withS3Frozen(() -> life.hook("update-status"));
        String settled = life.awaitRestore(90);
        List<String> restoring = life.unit(0).statusHistory().stream().skip(before)
                .map(fakejuju.FakeJuju.Status::message).filter(m -> m.startsWith("restoring backup")).toList();
        life.say("== statuses while restoring: " + restoring);
        assertEquals("active ", settled);
        assertTrue(restoring.stream().allMatch(m -> m.matches("restoring backup( \\((\\d|[1-9]\\d)%\\))?")), restoring.toString());
        assertTrue(restoring.stream().anyMatch(m -> m.matches("restoring backup \\(\\d+%\\)")),
                "update-status said how far the restore is: " + restoring);
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
