package e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
 * What goes wrong, on the same real stack: a wrong secret key, S3 going away during backups, S3 frozen
 * under list-backups, a point-in-time restore whose WAL has a gap (Failed to restore backup, then a
 * restore that works), S3 killed in the middle of a restore (the same), and a restore of a backup that
 * does not exist. The database keeps serving through all of it, or serves again after the restore that
 * follows a failed one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupFailuresIT {

    private static final Path CHARM_DIR = Path.of(System.getProperty("charm.dir", "target/charm")).toAbsolutePath();

    /** The bound for an interactive command when S3 does not answer. */
    private static final long LIST_BOUND_MILLIS = 20_000;

    private LocalStack stack;
    private Lifecycle life;
    private final ByteArrayOutputStream transcript = new ByteArrayOutputStream();

    @BeforeAll
    void up() throws IOException {
        stack = LocalStack.start();
        life = new Lifecycle(stack, stack.dir.resolve("model"), CHARM_DIR, new PrintStream(transcript, true, StandardCharsets.UTF_8));
        life.deploy();
        stack.sql("create table orders(id int primary key)").check("create");
        stack.sql("insert into orders select generate_series(1, 42)").check("insert");
    }

    @AfterAll
    void down() throws IOException {
        System.out.println(transcript.toString(StandardCharsets.UTF_8));
        if (stack != null) {
            stack.close();
        }
    }

    private void assertDatabaseServes() {
        assertEquals("42", stack.sql("select count(*) from orders").check("count").output().strip());
    }

    @Test
    @Order(1)
    void wrongSecretKey_blocksWithTheReferenceMessage_theReasonInTheLog_thenTheRightKeyRecovers() throws IOException {
        Map<String, String> wrong = new LinkedHashMap<>(stack.integratorData(Lifecycle.BUCKET));
        wrong.put("secret-key", "not-the-secret-key-at-all");
        life.juju.relate(Lifecycle.S3_RELATION, "s3-integrator", Map.of());
        life.relationHook("s3-parameters-relation-joined", Lifecycle.S3_RELATION);
        life.juju.setRemoteAppData(Lifecycle.S3_RELATION, wrong);
        life.relationHook("s3-parameters-relation-changed", Lifecycle.S3_RELATION);
        String status = life.status();
        assertEquals("blocked failed to access/create the bucket, check your S3 settings", status, "the reference's words, no hint");
        assertTrue(life.juju.jujuLog().toString().contains("403"), "the log says why");
        assertTrue(!life.juju.jujuLog().toString().contains("not-the-secret-key-at-all"));
        assertDatabaseServes();

        life.juju.setRemoteAppData(Lifecycle.S3_RELATION, stack.integratorData(Lifecycle.BUCKET));
        life.relationHook("s3-parameters-relation-changed", Lifecycle.S3_RELATION);
        assertEquals("active ", life.status());
    }

    @Test
    @Order(2)
    void s3Down_createBackupFails_withTheReason_theDatabaseServes_andTheNextBackupAfterS3ReturnsSucceeds() throws IOException {
        stack.stopS3();
        life.action("create-backup");
        assertEquals("Failed to upload metadata to provided S3", life.lastActionFailure());
        assertEquals("active ", life.status());
        assertDatabaseServes();
        assertListBackupsGivesUpInTime("stopped (connection refused)");

        stack.startS3Again();
        // The provider hands out the server's new certificate: relation-changed.
        life.juju.setRemoteAppData(Lifecycle.S3_RELATION, stack.integratorData(Lifecycle.BUCKET));
        life.relationHook("s3-parameters-relation-changed", Lifecycle.S3_RELATION);
        life.action("create-backup");
        assertEquals("backup created", life.lastActionResult("backup-status"), life.lastActionFailure());
    }

    @Test
    @Order(3)
    void s3Frozen_listBackupsGivesUpWithin20s_withTheReason_andTheDatabaseServes() {
        stack.withS3Frozen(() -> {
            assertListBackupsGivesUpInTime("frozen (SIGSTOP)");
            return null;
        });
        assertDatabaseServes();
        life.action("list-backups");
        assertEquals("", life.lastActionFailure(), "S3 thawed: list-backups works again");
    }

    /**
     * The bound: list-backups gives up within 20 s when S3 does not answer, and says why. The
     * charm's own bounds are well inside it (see the README's decisions); the rest is the margin for
     * the dispatch's JVM and the fake agent on a shared 2-core machine.
     */
    private void assertListBackupsGivesUpInTime(String how) {
        long start = System.nanoTime();
        life.action("list-backups");
        long millis = (System.nanoTime() - start) / 1_000_000;
        String failure = life.lastActionFailure();
        String figure = "list-backups with S3 " + how + ": failed after " + millis + " ms: " + failure;
        life.say("== " + figure);
        System.out.println(figure);
        String prefix = "Failed to list PostgreSQL backups with error: ";
        assertTrue(failure.startsWith(prefix) && failure.length() > prefix.length(), figure);
        assertTrue(millis < LIST_BOUND_MILLIS, figure);
    }

    /**
     * A point-in-time restore whose WAL has a gap: the first segment archived after the backup is removed
     * from S3Proxy's storage, the later ones stay (so the end of archived WAL, which a pre-check reads, still
     * lies after the target). pgBackRest's restore succeeds, PostgreSQL's recovery stops at the gap short of
     * the target, Patroni's bootstrap fails. Then a restore of the backup alone brings its rows back.
     */
    @Test
    @Order(4)
    void pointInTimeRestore_withAWalSegmentMissing_isFailedToRestoreBackup_thenARestoreOfTheBackupSucceeds() throws IOException {
        String id = backupOfTheFirstRows();
        java.util.Set<Path> before = archivedSegments();
        stack.sql("insert into orders select generate_series(43, 52)").check("insert");
        stack.sql("select pg_switch_wal()").check("switch");
        stack.sql("insert into orders select generate_series(53, 62)").check("insert");
        String target = stack.sql("select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'")
                .check("time").output().strip();
        stack.sql("select pg_switch_wal()").check("switch");
        stack.sql("insert into orders select generate_series(63, 72)").check("insert");
        stack.sql("select pg_switch_wal()").check("switch");
        // archive_command pushes each segment as it is switched out
        assertTrue(Processes.await(60, () -> newSegments(before).size() >= 3), "three segments archived after the backup: "
                + newSegments(before));
        Path gap = newSegments(before).get(0);
        java.nio.file.Files.delete(gap);
        life.say("== removed " + gap.getFileName() + " from S3 (" + (newSegments(before).size()) + " later segments kept)");

        life.action("restore", "backup-id=" + id, "restore-to-time=" + target);
        assertEquals("restore started", life.lastActionResult("restore-status"), life.lastActionFailure());
        assertEquals("blocked Failed to restore backup", life.awaitRestore(60));

        life.action("restore", "backup-id=" + id);
        assertEquals("restore started", life.lastActionResult("restore-status"), life.lastActionFailure());
        assertEquals("active ", life.awaitRestore(60));
        assertDatabaseServes();
    }

    /**
     * S3 goes away mid-restore. The action's last S3 read is its backup list, before it stops the database.
     * Stopping S3 after the action answers races a restore of a few seconds, and so does a TERM when the
     * action stops the database (S3Proxy answers for the seconds its JVM winds down). So S3Proxy gets
     * SIGKILL the moment the action stops the database: its port refuses connections from then on, and the
     * bootstrap's pgBackRest restore, which starts after the action answers, finds no S3. pgBackRest would
     * retry for minutes (its 60 s I/O timeout, eight times); update-status finds the data directory
     * unchanged for two minutes while the repository does not answer, and says the restore failed
     * (RestoreStall). Then S3 is started again and another restore succeeds.
     */
    @Test
    @Order(5)
    void s3GoneMidRestore_isFailedToRestoreBackup_thenS3ReturnsAndAnotherRestoreSucceeds() throws IOException, InterruptedException {
        String id = backupOfTheFirstRows();
        long stopsBefore = stack.databaseStops();
        Path log = stack.dir.resolve("restore-s3-gone.out");
        life.say("$ juju run " + LocalStack.UNIT + " restore backup-id=" + id + "   (S3 killed once the database is stopped)");
        Process agent = life.unit(0).startAction(log, "restore", "backup-id=" + id);
        try {
            assertTrue(Processes.await(60, () -> stack.databaseStops() > stopsBefore), "the restore stopped the database");
            assertTrue(agent.isAlive(), "the action was still running when S3 went away");
            stack.killS3();
            life.say("== S3 killed (SIGKILL): connections refused from now on");
            assertTrue(agent.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the restore action ended");
        } finally {
            agent.descendants().forEach(ProcessHandle::destroyForcibly);
            if (agent.isAlive()) {
                agent.destroyForcibly();
            }
        }
        life.say(java.nio.file.Files.readString(log).strip());
        assertEquals("restore started", life.lastActionResult("restore-status"), life.lastActionFailure());
        long stopsAfterTheAction = stack.databaseStops();
        assertEquals("blocked Failed to restore backup", life.awaitRestore(150));
        String why = life.juju.jujuLog().stream().filter(l -> l.contains("restore failed: ")).reduce((a, b) -> b).orElse("");
        assertTrue(why.contains("restore failed: no progress for") && why.contains("the repository does not answer"),
                "the charm's own verdict, not pgBackRest's give-up: " + life.juju.jujuLog());
        life.say("== juju debug-log: " + why);
        assertTrue(stack.databaseStops() > stopsAfterTheAction, "the stalled restore was stopped");

        stack.startS3Again();
        life.juju.setRemoteAppData(Lifecycle.S3_RELATION, stack.integratorData(Lifecycle.BUCKET));
        life.relationHook("s3-parameters-relation-changed", Lifecycle.S3_RELATION);
        life.action("restore", "backup-id=" + id);
        assertEquals("restore started", life.lastActionResult("restore-status"), life.lastActionFailure());
        assertEquals("active ", life.awaitRestore(60));
        assertDatabaseServes();
        assertEquals(42, stack.rows("orders"), "the backup's rows");
    }

    /** The newest backup, taken now if the table holds only the first 42 rows. */
    private String backupOfTheFirstRows() {
        assertDatabaseServes();
        life.action("create-backup");
        assertEquals("backup created", life.lastActionResult("backup-status"), life.lastActionFailure());
        life.action("list-backups");
        List<String> ids = new java.util.ArrayList<>(BackupIds.fromList(life.juju).keySet());
        return ids.get(ids.size() - 1);
    }

    /** The WAL segments archived in S3Proxy's storage, as its filesystem backend keeps them. */
    private java.util.Set<Path> archivedSegments() {
        Path bucket = stack.s3().basedir().resolve(Lifecycle.BUCKET);
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(bucket)) {
            return files.filter(f -> f.getFileName().toString().matches("[0-9A-F]{24}-[0-9a-f]{40}.*"))
                    .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Segments archived since {@code before}, oldest first. */
    private List<Path> newSegments(java.util.Set<Path> before) {
        return archivedSegments().stream().filter(p -> !before.contains(p))
                .sorted(java.util.Comparator.comparing(p -> p.getFileName().toString())).toList();
    }

    @Test
    @Order(6)
    void restoreOfAnIdThatDoesNotExist_fails_andTheDatabaseKeepsServing() {
        long stopsBefore = stack.databaseStops();
        life.action("restore", "backup-id=2001-01-01T00:00:00Z");
        assertEquals("Invalid backup-id: 2001-01-01T00:00:00Z", life.lastActionFailure());
        assertEquals("active ", life.status());
        assertDatabaseServes();
        assertEquals(stopsBefore, stack.databaseStops(), "the database was not stopped");
    }
}
