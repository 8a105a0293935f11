package postgresqlk8s.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class WorkloadServiceTest {

    private static final String PEBBLE = "/charm/bin/pebble";
    private static final String SERVICES_OUTPUT = "Service            Startup   Current   Since\n"
            + "pgbackrest-server  disabled  inactive  -\n"
            + "postgresql         enabled   active    today at 10:12 UTC\n";

    private final ScriptedExec exec = new ScriptedExec();
    private final WorkloadService services = new WorkloadService(exec, PEBBLE);

    private static void assertRanAsRoot(List<String> argv, Duration deadline, Command command) {
        assertEquals(argv, command.argv());
        assertEquals("root", command.user());
        assertEquals(deadline, command.deadline());
    }

    @Test
    void stopStartRestart_runTheirPebbleVerb_onTheService_asRoot() throws Exception {
        services.stop("postgresql");
        services.start("postgresql");
        services.restart("pgbackrest-server");

        assertRanAsRoot(List.of(PEBBLE, "stop", "postgresql"), Duration.ofSeconds(90), exec.take());
        assertRanAsRoot(List.of(PEBBLE, "start", "postgresql"), Duration.ofSeconds(90), exec.take());
        assertRanAsRoot(List.of(PEBBLE, "restart", "pgbackrest-server"), Duration.ofSeconds(90), exec.take());
        assertEquals(3, exec.commands().size());
    }

    @Test
    void stopFails_withStderr_isTheStderr() {
        exec.enqueueFailure(1, "error: cannot perform the following tasks:\n- Stop service \"postgresql\" (timeout)\n");

        WorkloadCommandException e = assertThrows(WorkloadCommandException.class, () -> services.stop("postgresql"));

        // The restore action reports it after "Failed to stop database service with error: ", as the reference does.
        assertEquals("error: cannot perform the following tasks:\n- Stop service \"postgresql\" (timeout)", e.getMessage());
    }

    @Test
    void startFails_silently_namesTheCommandAndItsExitCode() {
        exec.enqueueFailure(2, "  \n");

        WorkloadCommandException e = assertThrows(WorkloadCommandException.class, () -> services.start("postgresql"));

        assertEquals("pebble start postgresql exited 2", e.getMessage());
    }

    @Test
    void addLayer_combinesTheLayerFile_underItsLabel() throws Exception {
        services.addLayer("postgresql", "/var/lib/postgresql/data/patroni.yml.layer.json");

        assertRanAsRoot(List.of(PEBBLE, "add", "--combine", "postgresql", "/var/lib/postgresql/data/patroni.yml.layer.json"),
                Duration.ofSeconds(90), exec.take());
    }

    @Test
    void addLayer_fails_namesTheLabelAndStderr() {
        exec.enqueueFailure(1, "error: cannot parse layer \"postgresql\": yaml: line 1\n");

        WorkloadCommandException e = assertThrows(WorkloadCommandException.class,
                () -> services.addLayer("postgresql", "/var/lib/postgresql/data/patroni.yml.layer.json"));

        assertEquals("pebble add postgresql: error: cannot parse layer \"postgresql\": yaml: line 1", e.getMessage());
    }

    @Test
    void isRunning_readsTheServicesCurrentColumn() throws Exception {
        exec.enqueue(new ExecResult(0, SERVICES_OUTPUT, "", false)).enqueue(new ExecResult(0, SERVICES_OUTPUT, "", false));

        assertTrue(services.isRunning("postgresql"));
        assertFalse(services.isRunning("pgbackrest-server"));
        assertRanAsRoot(List.of(PEBBLE, "services", "postgresql"), Duration.ofSeconds(90), exec.take());
        assertRanAsRoot(List.of(PEBBLE, "services", "pgbackrest-server"), Duration.ofSeconds(90), exec.take());
    }

    @Test
    void isRunning_aServicePebbleDoesNotList_isNotRunning() throws Exception {
        exec.enqueue(new ExecResult(0, "Service  Startup  Current  Since\n", "", false));

        assertFalse(services.isRunning("postgresql"));
    }

    @Test
    void isRunning_fails_namesTheServiceAndStderr() {
        exec.enqueueFailure(1, "error: cannot connect to pebble\n");

        WorkloadCommandException e = assertThrows(WorkloadCommandException.class, () -> services.isRunning("postgresql"));

        assertEquals("pebble services postgresql: error: cannot connect to pebble", e.getMessage());
    }

    @Test
    void reachable_runsTrue_andAnswersByItsExit() {
        exec.enqueue(ScriptedExec.OK).enqueueFailure(126, "").enqueueUnreachable("container postgresql not found");

        assertTrue(services.reachable());
        assertFalse(services.reachable());
        assertFalse(services.reachable());
        assertRanAsRoot(List.of("true"), Duration.ofSeconds(20), exec.take());
        assertEquals(3, exec.commands().size());
    }
}
