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

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import fakejuju.Unit;

/**
 * Issue 12, item 4, on the real stack: cluster A (model {@code e2e}) backs up; its pods go; cluster B
 * (model {@code e2e-other}, another model UUID) is deployed against the same bucket and path. B is
 * Blocked with the reference's words and refuses backups, lists A's backups, stays Blocked while it
 * scales 1 -> 2, leadership moves and it scales back to 1, then restores A's backup, continues A's
 * stanza, is Active, and backs up itself. Steps share the stacks, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnotherClusterIT {

    private static final Path CHARM_DIR = Path.of(System.getProperty("charm.dir", "target/charm")).toAbsolutePath();
    private static final String ANOTHER_CLUSTER = "the S3 repository has backups from another cluster";
    private static final String B_MODEL = "e2e-other";
    private static final String B_UUID = "3c1e9a52-8f0d-4b7e-a6c2-5d4f3e2b1a09";
    private static final String A_STANZA = LocalStack.MODEL + ".patroni-" + LocalStack.APP;

    private LocalStack stackA;
    private LocalStack stackB;
    private Lifecycle a;
    private Lifecycle b;
    private final ByteArrayOutputStream transcript = new ByteArrayOutputStream();
    private String backupOfA;

    @BeforeAll
    void up() throws IOException {
        stackA = LocalStack.start();
        a = new Lifecycle(stackA, stackA.dir.resolve("model"), CHARM_DIR, new PrintStream(transcript, true, StandardCharsets.UTF_8));
    }

    @AfterAll
    void down() throws IOException {
        System.out.println(transcript.toString(StandardCharsets.UTF_8));
        try {
            if (stackB != null) {
                stackB.close();
            }
        } finally {
            if (stackA != null) {
                stackA.close(); // A's S3 server too, which B used: after B, however B's close ended
            }
        }
    }

    private static String shown(Unit u) {
        return u.status().kind() + " " + u.status().message();
    }

    private Unit leaderOfB() {
        return b.juju.units().stream().filter(Unit::isLeader).findFirst().orElseThrow();
    }

    private void assertLeaderBlocked(String when) {
        b.showStatus();
        assertEquals("blocked " + ANOTHER_CLUSTER, shown(leaderOfB()), when + ": " + b.statusTable());
    }

    @Test
    @Order(1)
    void clusterA_backsUp_andGoes() throws IOException {
        a.say("# cluster A");
        a.deploy();
        a.relateS3();
        assertEquals("active ", a.status());
        stackA.sql("create table orders(id int primary key, item text)").check("create");
        stackA.sql("insert into orders select g, 'a' from generate_series(1, 100) g").check("insert");
        a.action("create-backup");
        assertEquals("backup created", a.lastActionResult("backup-status"), a.lastActionFailure());
        backupOfA = BackupIds.fromList(listed(a)).keySet().iterator().next();
        stackA.sql("insert into orders select g, 'after' from generate_series(101, 120) g").check("insert");
        stackA.removePod(LocalStack.APP + "-0");
    }

    private static fakejuju.FakeJuju listed(Lifecycle life) {
        life.action("list-backups");
        return life.juju;
    }

    @Test
    @Order(2)
    void clusterB_onTheSameBucketAndPath_isBlocked_andRefusesBackups() throws IOException {
        stackB = LocalStack.startSharingS3(stackA, B_MODEL, 1);
        b = new Lifecycle(stackB, stackB.dir.resolve("model"), CHARM_DIR, new PrintStream(transcript, true, StandardCharsets.UTF_8));
        b.juju.editModel(m -> m.put("model-uuid", B_UUID));
        b.say("# cluster B, model " + B_MODEL);
        b.deploy();
        assertEquals("active ", b.status());
        b.relateS3();
        assertEquals("blocked " + ANOTHER_CLUSTER, b.status());
        b.action("create-backup");
        assertEquals("Unit is in a blocking state", b.lastActionFailure());
        assertTrue(Files.readString(object("e2e-cluster/model-uuid.txt")).strip().length() > 0);
        assertTrue(!Files.readString(object("e2e-cluster/model-uuid.txt")).contains(B_UUID), "B claims nothing");
    }

    @Test
    @Order(3)
    void clusterB_listsAsBackups_underAsStanza() {
        b.action("list-backups");
        assertEquals(List.of(backupOfA), new ArrayList<>(BackupIds.fromList(b.juju).keySet()), b.lastActionFailure());
        String table = b.lastActionResult("backups");
        assertTrue(table.contains("| /" + A_STANZA + "/"), table);
    }

    @Test
    @Order(4)
    void theBlockStays_whenBScalesUp_leadershipMoves_andItScalesDown() throws IOException {
        b.addUnit(1);
        b.settle();
        assertLeaderBlocked("after scaling to 2 units");
        assertEquals("blocked " + ANOTHER_CLUSTER, shown(b.unit(1)), "the new unit shows the application's block too");
        b.juju.setLeader(b.unit(1));
        b.settle();
        assertEquals(b.unit(1).name(), leaderOfB().name());
        assertLeaderBlocked("after leadership moved to unit 1");
        b.scaleDown(1);
        b.juju.electLeader();
        b.settle();
        assertEquals(b.unit(0).name(), leaderOfB().name());
        assertLeaderBlocked("after scaling back to 1 unit and unit 0 leading");
    }

    @Test
    @Order(5)
    void clusterB_restoresAsBackup_continuesAsStanza_andIsActive() throws IOException {
        b.action("restore", "backup-id=" + backupOfA);
        assertEquals("restore started", b.lastActionResult("restore-status"), b.lastActionFailure());
        assertEquals("active ", awaitRestore(60));
        assertEquals("100", stackB.sql("select count(*) from orders").check("rows").output().strip(),
                "the rows of A's backup");
        assertEquals(A_STANZA, b.juju.appData(Lifecycle.PEERS).get("adopted-stanza"));
        assertEquals(A_STANZA, b.juju.appData(Lifecycle.PEERS).get("stanza"));
        assertEquals(B_UUID, Files.readString(object("e2e-cluster/model-uuid.txt")).strip());
    }

    @Test
    @Order(6)
    void clusterB_backsUpItself_andListsBoth() {
        stackB.sql("insert into orders select g, 'b' from generate_series(201, 230) g").check("insert");
        b.action("create-backup");
        assertEquals("backup created", b.lastActionResult("backup-status"), b.lastActionFailure());
        assertEquals("active ", b.status());
        b.action("list-backups");
        List<String> ids = new ArrayList<>(BackupIds.fromList(b.juju).keySet());
        assertEquals(2, ids.size(), b.lastActionResult("backups"));
        assertEquals(backupOfA, ids.get(0));
    }

    /** update-status until the restore keys are gone from the peer data (the S3 block outranks "restoring backup"). */
    private String awaitRestore(int maxHooks) {
        for (int i = 0; i < maxHooks; i++) {
            for (Unit u : b.juju.units()) {
                u.queue("update-status");
            }
            b.settle();
            String restoring = b.juju.appData(Lifecycle.PEERS).getOrDefault("restoring-backup", "");
            if (restoring.isEmpty() || b.status().startsWith("blocked Failed")) {
                return b.status();
            }
            Processes.await(2, () -> false);
        }
        return b.status();
    }

    private Path object(String key) {
        return stackA.s3().objectFile(Lifecycle.BUCKET, key);
    }
}
