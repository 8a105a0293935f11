package postgresqlk8s.patroni;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import postgresqlk8s.pgbackrest.StanzaName;
import postgresqlk8s.workload.Command;
import postgresqlk8s.workload.ScriptedExec;
import postgresqlk8s.workload.WorkloadCommandException;
import postgresqlk8s.workload.WorkloadFiles;
import postgresqlk8s.workload.WorkloadLayout;
import postgresqlk8s.workload.WorkloadUnreachableException;

class WorkloadPatroniConfigTest {

    private static final String CONF = "/var/lib/postgresql/data/patroni.yml";
    private static final String TMP = CONF + ".tmp";
    private static final PatroniYaml.Cluster CLUSTER = new PatroniYaml.Cluster("patroni-postgresql-k8s",
            "postgresql-k8s-1", "postgresql-k8s-1.postgresql-k8s-endpoints", "10.1.0.12", "dev",
            "SuperSecret1", "ReplSecret2", "RewindSecret3", false);
    private static final PatroniConfig.Settings SETTINGS =
            PatroniConfig.Settings.normal(Optional.of(new StanzaName("dev.patroni-postgresql-k8s")));

    private final ScriptedExec exec = new ScriptedExec();
    private final ReloadRecorder patroni = new ReloadRecorder();
    private final WorkloadPatroniConfig config = new WorkloadPatroniConfig(new WorkloadFiles(exec), WorkloadLayout.PRODUCTION,
            () -> CLUSTER, patroni);

    /** Patroni as the config writer uses it: reload only. Records how many workload commands ran before each reload. */
    private final class ReloadRecorder implements Patroni {
        final List<Integer> reloadsAfterCommands = new ArrayList<>();
        String unavailable;

        @Override
        public void reload() throws PatroniUnavailableException {
            reloadsAfterCommands.add(exec.commands().size());
            if (unavailable != null) {
                throw new PatroniUnavailableException(unavailable);
            }
        }

        @Override
        public MemberStatus member() {
            throw new AssertionError("the config writer does not ask for the member");
        }

        @Override
        public Optional<String> primaryHost() {
            throw new AssertionError("the config writer does not ask for the primary");
        }

        @Override
        public Optional<String> primaryName() {
            throw new AssertionError("the config writer does not ask for the primary");
        }
    }

    @Test
    void apply_writesTheRenderedConfiguration_privateToPostgres_thenReloadsPatroni() throws Exception {
        config.apply(SETTINGS);

        byte[] rendered = PatroniYaml.render(CLUSTER, WorkloadLayout.PRODUCTION, SETTINGS).getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("install", "-m", "0600", "-o", "postgres", "-g", "postgres", "/dev/null", TMP), exec.take().argv());
        Command fill = exec.take();
        assertEquals(List.of("dd", "of=" + TMP, "bs=" + rendered.length, "count=1", "iflag=fullblock", "status=none"), fill.argv());
        assertArrayEquals(rendered, fill.stdin());
        assertEquals(List.of("mv", "-f", TMP, CONF), exec.take().argv());
        assertEquals(List.of(3), patroni.reloadsAfterCommands);
    }

    @Test
    void apply_patroniNotRunning_isFine_itReadsTheFileWhenItStarts() throws Exception {
        patroni.unavailable = "Patroni at http://postgresql-k8s-1.postgresql-k8s-endpoints:8008 does not answer: Connection refused";

        config.apply(SETTINGS);

        assertEquals(3, exec.commands().size());
        assertEquals(List.of(3), patroni.reloadsAfterCommands);
    }

    @Test
    void apply_failedWrite_isAConfigException_namingTheFileAndTheStep_neverItsContent_andDoesNotReload() {
        exec.enqueue(ScriptedExec.OK).enqueueFailure(1, "dd: error writing '" + TMP + "': No space left on device\n");

        PatroniConfig.ConfigException e = assertThrows(PatroniConfig.ConfigException.class, () -> config.apply(SETTINGS));

        assertEquals("could not write " + CONF + ": could not fill " + TMP + ": exit 1 dd: error writing '" + TMP
                + "': No space left on device", e.getMessage());
        assertFalse(e.getMessage().contains("Secret"));
        assertInstanceOf(WorkloadCommandException.class, e.getCause());
        assertEquals(List.of(), patroni.reloadsAfterCommands);
    }

    @Test
    void apply_unreachableWorkload_isAConfigException_andDoesNotReload() {
        exec.enqueueUnreachable("pod postgresql-k8s-1 is not reachable");

        PatroniConfig.ConfigException e = assertThrows(PatroniConfig.ConfigException.class, () -> config.apply(SETTINGS));

        assertEquals("could not write " + CONF + ": pod postgresql-k8s-1 is not reachable", e.getMessage());
        assertInstanceOf(WorkloadUnreachableException.class, e.getCause());
        assertEquals(List.of(), patroni.reloadsAfterCommands);
    }

    @Test
    void apply_clusterUnknown_writesNothing() {
        WorkloadPatroniConfig noAddress = new WorkloadPatroniConfig(new WorkloadFiles(exec), WorkloadLayout.PRODUCTION, () -> {
            throw new PatroniConfig.ConfigException("cannot learn the pod's address: pod postgresql-k8s-1 has no IP yet");
        }, patroni);

        PatroniConfig.ConfigException e = assertThrows(PatroniConfig.ConfigException.class, () -> noAddress.apply(SETTINGS));

        assertEquals("cannot learn the pod's address: pod postgresql-k8s-1 has no IP yet", e.getMessage());
        assertEquals(List.of(), exec.commands());
        assertEquals(List.of(), patroni.reloadsAfterCommands);
    }
}
