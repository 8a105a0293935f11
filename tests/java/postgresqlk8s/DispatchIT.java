package postgresqlk8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import fakejuju.FakeJuju;

/**
 * The packed charm run as Juju runs it: target/charm/dispatch as a process, Juju's environment, and
 * stand-in hook tools on PATH that record their argv. No workload, no Kubernetes API: the messages an
 * operator gets before anything is deployed behind the charm.
 */
class DispatchIT {

    private static final Path CHARM_DIR = Path.of(System.getProperty("charm.dir", "target/charm")).toAbsolutePath();
    private static final String S3 = "s3-parameters:5";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final String S3_MISSING = "Relation with s3-integrator charm missing, cannot create/restore backup.";

    @TempDir
    Path tmp;

    private FakeJuju juju;

    @BeforeEach
    void model() {
        juju = FakeJuju.init(tmp.resolve("model"), CHARM_DIR, "postgresql-k8s/0", true);
    }

    private static Map<String, String> integrator(boolean withSecret) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("access-key", "AKIAIOSFODNN7EXAMPLE");
        if (withSecret) {
            d.put("secret-key", SECRET);
        }
        d.put("bucket", "pg-backups");
        d.put("endpoint", "https://s3.eu-west-1.amazonaws.com");
        d.put("region", "eu-west-1");
        d.put("path", "/postgresql");
        d.put("tls-ca-chain", "");
        d.put("data", "{}");
        return d;
    }

    /** A cluster that had backups set up: the peer relation records the stanza. */
    private void clusterWithStanza() {
        juju.peers("database-peers:0", Map.of("cluster_initialised", "True", "stanza", "test-model.patroni-postgresql-k8s"));
    }

    private String failure(FakeJuju.Run run) {
        assertTrue(run.stdout().matches("(?s).*Action id \\d+: failed.*"), run.stdout() + run.stderr());
        return juju.state().at("/last-action/failed").asText();
    }

    @Test
    void install_andUpdateStatus_withNoWorkload_exitZero() {
        FakeJuju.Run install = juju.hook("install");
        assertEquals(0, install.exitCode(), install.stderr());
        FakeJuju.Run status = juju.hook("update-status");
        assertEquals(0, status.exitCode(), status.stderr());
    }

    @Test
    void unknownHook_isIgnored() {
        FakeJuju.Run run = juju.hook("some-future-hook");
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(List.of(), juju.callLines());
    }

    @Test
    void listBackups_withoutS3Relation() {
        assertEquals(S3_MISSING, failure(juju.action("list-backups")));
        assertEquals(List.of("relation-ids s3-parameters --format=json", "action-fail -- " + S3_MISSING), juju.callLines());
    }

    @Test
    void createBackup_withoutS3Relation_onAClusterThatHadBackups() {
        clusterWithStanza();
        assertEquals(S3_MISSING, failure(juju.action("create-backup")));
    }

    @Test
    void createBackup_onAFreshCluster_theFlowchartAsksForTheStanzaFirst() {
        assertEquals("Stanza was not initialised", failure(juju.action("create-backup")));
    }

    @Test
    void restore_withoutS3Relation_andNoWorkload_asksTheWorkloadFirst_asTheChartDoes() {
        // "Is workload container accessible?" comes before the port's S3 checks (RestoreFlowTest has those).
        assertEquals("Workload container not ready yet!", failure(juju.action("restore", "backup-id=2026-11-25T18:36:13Z")));
    }

    @Test
    void restore_withoutBackupId() {
        assertEquals("Either backup-id or restore-to-time parameters need to be provided to be able to do restore",
                failure(juju.action("restore")));
    }

    @Test
    void withTheSecretKeyMissing_listAndCreateSayWhichParameter() {
        clusterWithStanza();
        juju.relate(S3, "s3-integrator", integrator(false));
        String missing = "Missing S3 parameters: ['secret-key']";
        assertEquals(missing, failure(juju.action("list-backups")));
        assertEquals(missing, failure(juju.action("create-backup")));
        // restore asks for the workload first (the chart's order); with none here it stops there.
    }

    @Test
    void createBackup_onABlockedUnit() {
        juju.edit(s -> ((ObjectNode) s.get("unit-status")).put("status", "blocked").put("message", "something else"));
        assertEquals("Unit is in a blocking state", failure(juju.action("create-backup")));
    }

    @Test
    void restore_withNoWorkloadToReach_saysTheContainerIsNotReady() {
        juju.relate(S3, "s3-integrator", integrator(true));
        assertEquals("Workload container not ready yet!", failure(juju.action("restore", "backup-id=2026-11-25T18:36:13Z")));
    }

    @Test
    void listBackups_withNoWorkloadToReach_failsWithTheReason_andNoSecret() {
        juju.relate(S3, "s3-integrator", integrator(true));
        String failure = failure(juju.action("list-backups"));
        assertTrue(failure.startsWith("Failed to list PostgreSQL backups with error: "), failure);
        for (String line : juju.callLines()) {
            assertFalse(line.contains(SECRET), line);
        }
        assertFalse(juju.state().toString().contains("\"juju-log\"") && juju.jujuLog().toString().contains(SECRET));
    }

    @Test
    void leader_asksForTheBucket_onRelationJoined() {
        juju.relate(S3, "s3-integrator", Map.of());
        FakeJuju.Run run = juju.relationHook("s3-parameters-relation-joined", S3);
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("relation-5", juju.state().at("/relations/s3-parameters:5/local-app/bucket").asText());
        assertTrue(juju.callLines().contains("relation-set -r s3-parameters:5 --app --file -"), juju.callLines().toString());
    }

    @Test
    void nonLeader_asksForNothing_onRelationJoined() {
        juju.edit(s -> s.put("leader", false));
        juju.relate(S3, "s3-integrator", Map.of());
        assertEquals(0, juju.relationHook("s3-parameters-relation-joined", S3).exitCode());
        assertTrue(juju.state().at("/relations/s3-parameters:5/local-app").isEmpty());
    }

    @Test
    void dispatch_outsideJuju_saysSo_andExitsTwo() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(CHARM_DIR.resolve("dispatch").toString());
        pb.environment().keySet().removeIf(k -> k.startsWith("JUJU_"));
        Path err = tmp.resolve("err");
        Process p = pb.redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        assertTrue(Files.readString(err).contains("JUJU_UNIT_NAME is not set"), Files.readString(err));
    }
}
