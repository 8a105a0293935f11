package e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole backup lifecycle on real PostgreSQL, Patroni, pgBackRest and S3, only through
 * target/charm/dispatch: relate -> backup -> list -> more rows -> differential -> restore each; then a
 * restore whose pgBackRest step fails, and recovery from it. Steps share one stack, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupLifecycleIT {

    private static final Path CHARM_DIR = Path.of(System.getProperty("charm.dir", "target/charm")).toAbsolutePath();

    private LocalStack stack;
    private Lifecycle life;
    private final ByteArrayOutputStream transcript = new ByteArrayOutputStream();
    private final List<String> ids = new ArrayList<>();

    @BeforeAll
    void up() throws IOException {
        stack = LocalStack.start();
        life = new Lifecycle(stack, stack.dir.resolve("model"), CHARM_DIR, new PrintStream(transcript, true, StandardCharsets.UTF_8));
    }

    @AfterAll
    void down() throws IOException {
        System.out.println(transcript.toString(StandardCharsets.UTF_8));
        if (stack != null) {
            stack.close();
        }
    }

    private int rows() {
        return stack.rows("orders");
    }

    private long timeline() {
        return stack.timeline();
    }

    @Test
    @Order(1)
    void deploy_startsPatroni_andTheLeaderRecordsTheCluster() throws IOException {
        life.deploy();
        assertEquals("active", life.juju.state().at("/unit-status/status").asText(), life.status());
        assertEquals("True", life.juju.state().at("/relations/" + Lifecycle.PEERS + "/local-app/cluster_initialised").asText());
        assertEquals("1", stack.sql("select 1").check("select").output().strip());
    }

    @Test
    @Order(2)
    void relateS3_createsTheStanza_checksWalArchiving_andIsActive() throws IOException {
        life.relateS3();
        assertEquals("active ", life.status());
        // The requirer asks for a bucket named after the relation; the provider answers with its own.
        assertEquals("relation-1", life.juju.state().at("/relations/" + Lifecycle.S3_RELATION + "/local-app/bucket").asText());
        assertEquals(LocalStack.MODEL + ".patroni-" + LocalStack.APP,
                life.juju.state().at("/relations/" + Lifecycle.PEERS + "/local-app/stanza").asText());
        assertTrue(Files.isRegularFile(object("e2e-cluster/model-uuid.txt")), listing());
        assertTrue(Files.isDirectory(object("e2e-cluster/archive/e2e.patroni-postgresql-k8s")), "WAL reached S3");
        String archiveCommand = stack.sql("show archive_command").check("show").output().strip();
        assertTrue(archiveCommand.contains("--stanza=e2e.patroni-postgresql-k8s archive-push %p"), archiveCommand);
    }

    @Test
    @Order(3)
    void createBackup_full_thenList_showsItFinished() {
        stack.sql("create table orders(id int primary key, item text)").check("create");
        stack.sql("insert into orders select g, 'first' from generate_series(1, 100) g").check("insert");
        life.action("create-backup");
        assertEquals("backup created", life.lastActionResult("backup-status"), life.lastActionFailure());
        assertEquals("active ", life.status());
        life.action("list-backups");
        List<String> rows = new ArrayList<>(BackupIds.fromList(life.juju).values());
        assertEquals(List.of("full backup | finished"), rows);
        ids.addAll(BackupIds.fromList(life.juju).keySet());
        String id = ids.get(0);
        // The connectivity probe (backup/<stanza>/latest) is written first, then pgBackRest's clean-up of
        // the backup folder removes it as a file it does not know; the backup log is written after.
        assertTrue(Files.isRegularFile(object("e2e-cluster/backup/e2e.patroni-postgresql-k8s/" + id + "/backup.log")),
                "backup log under the user-facing id " + id);
        assertTrue(stack.kubernetesExecs().stream().anyMatch(argv -> argv.contains("backup") && argv.contains("--type=full")),
                "pgBackRest ran through the Kubernetes exec API");
    }

    @Test
    @Order(4)
    void createBackup_differential_afterMoreRows() {
        stack.sql("insert into orders select g, 'second' from generate_series(101, 150) g").check("insert");
        life.action("create-backup", "type=differential");
        assertEquals("backup created", life.lastActionResult("backup-status"), life.lastActionFailure());
        life.action("list-backups");
        assertEquals(List.of("full backup | finished", "differential backup | finished"),
                new ArrayList<>(BackupIds.fromList(life.juju).values()));
        ids.clear();
        ids.addAll(BackupIds.fromList(life.juju).keySet());
    }

    @Test
    @Order(5)
    void restore_theFullBackup_bringsBackExactlyItsRows_onANewTimeline() {
        long before = timeline();
        stack.sql("insert into orders select g, 'after' from generate_series(151, 160) g").check("insert");
        life.action("restore", "backup-id=" + ids.get(0));
        assertEquals("restore started", life.lastActionResult("restore-status"), life.lastActionFailure());
        assertEquals("active ", life.awaitRestore(60));
        assertEquals(100, rows());
        assertTrue(timeline() > before, "a restore promotes onto a new timeline");
        assertEquals("", life.juju.state().at("/relations/" + Lifecycle.PEERS + "/local-app/restoring-backup").asText());
    }

    @Test
    @Order(6)
    void restore_theDifferentialBackup_bringsBackItsRows() {
        life.action("restore", "backup-id=" + ids.get(1));
        assertEquals("restore started", life.lastActionResult("restore-status"), life.lastActionFailure());
        assertEquals("active ", life.awaitRestore(60));
        assertEquals(150, rows());
    }

    @Test
    @Order(7)
    void restore_whosePgBackRestStepFails_isBlocked_andAGoodRestoreStartsTheDatabaseAgain() throws IOException {
        deleteBundleFilesOf(ids.get(1));
        life.action("restore", "backup-id=" + ids.get(1));
        assertEquals("restore started", life.lastActionResult("restore-status"), life.lastActionFailure());
        assertEquals("blocked Failed to restore backup", life.awaitRestore(60));

        life.action("restore", "backup-id=" + ids.get(0));
        assertEquals("restore started", life.lastActionResult("restore-status"), life.lastActionFailure());
        assertEquals("active ", life.awaitRestore(60));
        assertEquals(100, rows());
    }

    private String listing() {
        try (Stream<Path> all = Files.walk(stack.s3().basedir(), 6)) {
            return all.map(Path::toString).filter(p -> !p.contains("/bundle/")).reduce("", (a, b) -> a + "\n" + b);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private Path object(String key) {
        return stack.s3().objectFile(Lifecycle.BUCKET, key);
    }

    /** Damages a backup in S3 the way a lost object would: pgBackRest still lists it, but cannot restore it. */
    private void deleteBundleFilesOf(String id) throws IOException {
        Path backups = object("e2e-cluster/backup/e2e.patroni-postgresql-k8s");
        String labelPrefix = "";
        try (Stream<Path> sets = Files.list(backups)) {
            for (Path set : sets.filter(Files::isDirectory).toList()) {
                Path bundle = set.resolve("bundle");
                if (set.getFileName().toString().endsWith("D") && Files.isDirectory(bundle)) {
                    try (Stream<Path> files = Files.walk(bundle)) {
                        for (Path f : files.filter(Files::isRegularFile).toList()) {
                            Files.delete(f);
                        }
                    }
                    labelPrefix = set.getFileName().toString();
                }
            }
        }
        assertTrue(!labelPrefix.isEmpty(), "found the differential backup's files for " + id);
    }

    Map<String, String> env() {
        return stack.charmEnv();
    }
}
