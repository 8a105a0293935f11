package e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Point-in-time restores and timelines on real PostgreSQL, Patroni, pgBackRest and S3, only through
 * target/charm/dispatch. Backups A and B on timeline 1; a restore to a time between two writes
 * (timeline 2); a backup C there; a restore of B (timeline 3, branching off timeline 1); writes; a restore
 * to latest (timeline 4, from B: C is on a sibling timeline); a restore to a time on timeline 2, which
 * the database no longer runs; and restores the checks refuse while the database keeps serving. Every
 * restore must leave exactly the rows committed by its target.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestoreTimelinesIT {

    private static final Path CHARM_DIR = Path.of(System.getProperty("charm.dir", "target/charm")).toAbsolutePath();
    private static final DateTimeFormatter PG_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

    private LocalStack stack;
    private Lifecycle life;
    private final ByteArrayOutputStream transcript = new ByteArrayOutputStream();
    private final List<String> ids = new ArrayList<>();
    private String midTimelineOne;
    private String onTimelineTwo;

    @BeforeAll
    void up() throws IOException {
        stack = LocalStack.start();
        life = new Lifecycle(stack, stack.dir.resolve("model"), CHARM_DIR, new PrintStream(transcript, true, StandardCharsets.UTF_8));
        life.deploy();
        life.relateS3();
        stack.sql("create table orders(id int primary key, item text)").check("create");
    }

    @AfterAll
    void down() throws IOException {
        System.out.println(transcript.toString(StandardCharsets.UTF_8));
        if (stack != null) {
            stack.close();
        }
    }

    private void insert(int from, int to) {
        stack.sql("insert into orders select g, 'x' from generate_series(" + from + ", " + to + ") g").check("insert");
    }

    /** A time strictly between the commits before and after it, as the user would type it. */
    private static String between() throws InterruptedException {
        Thread.sleep(1100);
        String t = PG_TIME.format(Instant.now());
        Thread.sleep(1100);
        return t;
    }

    private String backup() {
        life.action("create-backup");
        assertEquals("backup created", life.lastActionResult("backup-status"), life.lastActionFailure());
        life.action("list-backups");
        List<String> all = new ArrayList<>(BackupIds.fromList(life.juju).keySet());
        return all.get(all.size() - 1);
    }

    private void restored(int expectedRows, String... params) {
        life.action("restore", params);
        assertEquals("restore started", life.lastActionResult("restore-status"), life.lastActionFailure());
        assertEquals("active ", life.awaitRestore(90));
        assertEquals(expectedRows, stack.rows("orders"), String.join(" ", params));
    }

    @Test
    @Order(1)
    void twoBackupsOnTimelineOne_thenATimeBetweenTwoWrites_restoresExactlyTheRowsCommittedBeforeIt() throws Exception {
        insert(1, 100);
        ids.add(backup()); // A: 100
        insert(101, 150);
        ids.add(backup()); // B: 150
        insert(151, 175);
        midTimelineOne = between();
        insert(176, 185);
        restored(175, "restore-to-time=" + midTimelineOne);
        assertEquals(2, stack.timeline());
    }

    @Test
    @Order(2)
    void aBackupOnTimelineTwo_thenBackupBFromTimelineOne_makesTimelineThree() throws Exception {
        insert(176, 195);
        ids.add(backup()); // C: 195, timeline 2
        onTimelineTwo = between();
        insert(196, 200);
        restored(150, "backup-id=" + ids.get(1));
        assertEquals(3, stack.timeline());
    }

    @Test
    @Order(3)
    void latest_onTimelineThree_keepsEveryCommittedRow_fromBackupB_notFromTheSiblingTimelinesBackup() {
        insert(151, 180);
        restored(180, "restore-to-time=latest");
        assertEquals(4, stack.timeline());
        assertTrue(life.lastActionResult("restore-status").equals("restore started"));
    }

    @Test
    @Order(4)
    void aTimeOnTimelineTwo_whichTheDatabaseNoLongerRuns_restoresItsRows() {
        // timeline 2's last rows were archived before backup B's restore replaced it
        restored(195, "restore-to-time=" + onTimelineTwo);
        assertEquals(5, stack.timeline());
    }

    @Test
    @Order(5)
    void listBackups_showsTheBackups_andARestoreRowForEachNewTimeline() {
        life.action("list-backups");
        Map<String, String> rows = BackupIds.fromList(life.juju);
        assertEquals(3, rows.values().stream().filter(v -> v.equals("full backup | finished")).count(), rows.toString());
        assertEquals(4, rows.values().stream().filter(v -> v.equals("restore | finished")).count(), rows.toString());
        String table = life.juju.state().at("/last-action/results/backups").asText();
        for (String tl : List.of("2", "3", "4", "5")) {
            assertTrue(table.lines().anyMatch(l -> l.contains("| restore ") && l.contains("| " + tl + "        | n/a")),
                    "a restore row for timeline " + tl + ":\n" + table);
        }
    }

    @Test
    @Order(6)
    void restoresThatCannotSucceed_areRefused_andTheDatabaseKeepsServingItsRows() {
        int before = stack.rows("orders");
        long timelineBefore = stack.timeline();
        life.action("restore", "restore-to-time=2000-01-01 00:00:00");
        assertEquals("Can't find the nearest timeline before timestamp 2000-01-01 00:00:00 to restore", life.lastActionFailure());
        life.action("restore", "restore-to-time=2999-01-01 00:00:00+00");
        assertTrue(life.lastActionFailure().startsWith("restore-to-time 2999-01-01 00:00:00+00 is after the end of the archived WAL on timeline 5"),
                life.lastActionFailure());
        life.action("restore", "backup-id=" + ids.get(0), "restore-to-time=" + midTimelineOne.substring(0, 10) + " 00:00:00");
        assertTrue(life.lastActionFailure().startsWith("restore-to-time "), life.lastActionFailure());
        life.action("restore", "restore-to-time=2023-01-01 00:00:00+99");
        assertEquals("Bad restore-to-time format", life.lastActionFailure());
        assertEquals("active ", life.status());
        assertEquals(before, stack.rows("orders"));
        assertEquals(timelineBefore, stack.timeline());
    }
}
