package e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What goes wrong, on the same real stack: a wrong secret key, S3 going away during backups, and a
 * restore of a backup that does not exist. The database keeps serving through all of it.
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
    void wrongSecretKey_blocksWithTheReferenceMessageAndAHint_thenTheRightKeyRecovers() throws IOException {
        Map<String, String> wrong = new LinkedHashMap<>(stack.integratorData(Lifecycle.BUCKET));
        wrong.put("secret-key", "not-the-secret-key-at-all");
        life.juju.relate(Lifecycle.S3_RELATION, "s3-integrator", Map.of());
        life.relationHook("s3-parameters-relation-joined", Lifecycle.S3_RELATION);
        life.juju.setRemoteAppData(Lifecycle.S3_RELATION, wrong);
        life.relationHook("s3-parameters-relation-changed", Lifecycle.S3_RELATION);
        String status = life.status();
        assertTrue(status.startsWith("blocked failed to access/create the bucket, check your S3 settings: "), status);
        assertTrue(status.contains("403"), "the hint says why: " + status);
        assertTrue(!status.contains("not-the-secret-key-at-all") && !life.juju.jujuLog().toString().contains("not-the-secret-key-at-all"));
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

    @Test
    @Order(4)
    void restoreOfAnIdThatDoesNotExist_fails_andTheDatabaseKeepsServing() {
        life.action("restore", "backup-id=2001-01-01T00:00:00Z");
        assertEquals("Invalid backup-id: 2001-01-01T00:00:00Z", life.lastActionFailure());
        assertEquals("active ", life.status());
        assertDatabaseServes();
        assertTrue(stack.kubernetesExecs().stream().noneMatch(argv -> argv.contains("stop") && argv.contains("postgresql")),
                "the database was never stopped");
    }
}
