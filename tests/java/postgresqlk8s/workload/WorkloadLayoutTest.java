package postgresqlk8s.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkloadLayoutTest {

    @TempDir
    Path dir;

    private WorkloadLayout fromFile(String json) throws Exception {
        Path file = Files.writeString(dir.resolve("layout.json"), json);
        return WorkloadLayout.fromEnv(Map.of(WorkloadLayout.OVERRIDE_ENV, file.toString()));
    }

    @Test
    void production_isTheImagesLayout() {
        WorkloadLayout p = WorkloadLayout.fromEnv(Map.of());
        assertEquals(WorkloadLayout.PRODUCTION, p);
        assertEquals("/var/lib/postgresql/data/pgdata", p.dataDir());
        assertEquals("/etc/pgbackrest.conf", p.pgBackRestConf());
        assertEquals("/var/log/pgbackrest", p.pgBackRestLogPath());
        assertEquals("/usr/lib/postgresql/14/bin", p.pgBinDir());
        assertEquals("0.0.0.0", p.listenHost("10.1.2.3"));
        assertEquals("*", p.tlsServerAddress("10.1.2.3"));
        assertEquals(8432, p.pgBackRestServerPort());
        assertEquals("http://postgresql-k8s-1.postgresql-k8s-endpoints:8008", WorkloadLayout.patroniUrl("postgresql-k8s-1", "postgresql-k8s"));
    }

    @Test
    void aLocalCluster_changesOnlyTheVersionAndTheListenAddress() throws Exception {
        WorkloadLayout local = fromFile("{\"postgresql-version\": \"15\", \"listen\": \"pod-address\"}");
        assertEquals("/usr/lib/postgresql/15/bin", local.pgBinDir());
        assertEquals("127.0.0.12", local.listenHost("127.0.0.12"));
        assertEquals("127.0.0.12", local.tlsServerAddress("127.0.0.12"));
        assertEquals(WorkloadLayout.PRODUCTION.dataDir(), local.dataDir());
    }

    @Test
    void anyOtherOverride_isRefused_byName() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fromFile("{\"postgresql-version\": \"15\", \"data-dir\": \"/elsewhere\"}"));
        assertTrue(e.getMessage().contains("[data-dir]"), e.getMessage());
    }

    @Test
    void badValues_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> fromFile("{\"listen\": \"everywhere\"}"));
        assertThrows(IllegalArgumentException.class, () -> fromFile("{\"postgresql-version\": \"15; rm -rf /\"}"));
        assertThrows(IllegalArgumentException.class, () -> fromFile("[1]"));
    }
}
