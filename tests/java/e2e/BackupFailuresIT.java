package e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What goes wrong with a restore's own input, on the real stack: a point-in-time restore whose WAL has a
 * gap (Failed to restore backup, then a restore that works), and a restore of a backup that does not
 * exist. The database keeps serving, or serves again after the restore that follows a failed one. Faults
 * of the parts around the charm (S3 stopped, frozen or killed; wrong keys) are the fault matrix's
 * ({@link FaultMatrixIT}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupFailuresIT {

    private static final Path CHARM_DIR = Path.of(System.getProperty("charm.dir", "target/charm")).toAbsolutePath();

    private LocalStack stack;
    private Lifecycle life;
    private final ByteArrayOutputStream transcript = new ByteArrayOutputStream();

    @BeforeAll
    void up() throws IOException {
        stack = LocalStack.start();
        life = new Lifecycle(stack, stack.dir.resolve("model"), CHARM_DIR, new PrintStream(transcript, true, StandardCharsets.UTF_8));
        life.deploy();
        life.relateS3();
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

    /**
     * The fault matrix's "backups intact" reads {@code pgbackrest verify}: a backup file changed in S3
     * behind pgBackRest's back must show there, or that column could never say no.
     */
    @Test
    @Order(7)
    void aBackupFileChangedInS3_isFoundByVerify() throws IOException {
        assertEquals("", stack.repositoryProblem(), "nothing wrong before");
        Path bucket = stack.s3().basedir().resolve(Lifecycle.BUCKET);
        Path file;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(bucket)) {
            file = files.filter(f -> f.toString().contains("/pg_data/") && f.getFileName().toString().endsWith(".zst"))
                    .filter(f -> f.toFile().length() > 64).findFirst().orElseThrow();
        }
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x5a;
        java.nio.file.Files.write(file, bytes);
        String problem = stack.repositoryProblem();
        life.say("== changed a byte of " + bucket.relativize(file) + ": " + problem);
        assertTrue(!problem.isEmpty(), "verify finds the changed file");
    }
}
