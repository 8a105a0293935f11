package postgresqlk8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fakejuju.FakeJuju;

/**
 * The packed charm run as Juju runs it: target/charm/dispatch as a process, Juju's environment, and
 * stand-in hook tools on PATH that record their argv.
 */
class DispatchIT {

    private static final Path CHARM_DIR = Path.of(System.getProperty("charm.dir", "target/charm")).toAbsolutePath();

    @TempDir
    Path tmp;

    private FakeJuju juju;

    @BeforeEach
    void model() {
        juju = FakeJuju.init(tmp.resolve("model"), CHARM_DIR, "postgresql-k8s/0", true);
    }

    @Test
    void install_runsAndLogsThroughJujuLog() {
        FakeJuju.Run run = juju.hook("install");
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(List.of("juju-log --log-level INFO -- PostgresqlCharm: installed postgresql-k8s/0"), juju.callLines());
    }

    @Test
    void updateStatus_withNothingToDo_exitsZero() {
        FakeJuju.Run run = juju.hook("update-status");
        assertEquals(0, run.exitCode(), run.stderr());
    }

    @Test
    void unknownHook_isIgnored() {
        FakeJuju.Run run = juju.hook("some-future-hook");
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(List.of(), juju.callLines());
    }

    @Test
    void listBackups_withoutS3Relation_failsTheActionWithTheReferenceMessage() {
        FakeJuju.Run run = juju.action("list-backups");
        assertTrue(run.stdout().contains("Action id 1: failed"), run.stdout());
        assertEquals(List.of(
                "relation-ids s3-parameters --format=json",
                "action-fail -- Relation with s3-integrator charm missing, cannot create/restore backup."),
                juju.callLines());
        assertEquals("Relation with s3-integrator charm missing, cannot create/restore backup.",
                juju.state().at("/last-action/failed").asText());
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

    @Test
    void listBackups_withS3Relation_putsNoSecretInAnyArgv() {
        juju.relate("s3-parameters:5", "s3-integrator", Map.of("access-key", "AKIAEXAMPLE", "secret-key", "very-secret-value"));
        juju.action("list-backups");
        for (String line : juju.callLines()) {
            assertTrue(!line.contains("very-secret-value"), line);
        }
    }
}
