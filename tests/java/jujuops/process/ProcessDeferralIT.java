package jujuops.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import fakejuju.FakeJuju;

/**
 * Deferral, rollback and relation-data access rules across separate processes: every dispatch here is
 * a new JVM started by the stand-in unit agent, sharing only the state file in the charm directory.
 */
class ProcessDeferralIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path charmDir;
    private FakeJuju juju;

    @BeforeEach
    void probeCharm() throws IOException {
        charmDir = Files.createDirectories(tmp.resolve("charm"));
        Files.writeString(charmDir.resolve("metadata.yaml"), ProbeCharm.METADATA);
        Path dispatch = charmDir.resolve("dispatch");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(dispatch, "#!/bin/sh\nexec '" + java + "' -XX:TieredStopAtLevel=1 -cp '"
                + System.getProperty("java.class.path") + "' jujuops.process.ProbeCharm\n");
        Files.setPosixFilePermissions(dispatch, PosixFilePermissions.fromString("rwxr-xr-x"));
        juju = FakeJuju.init(tmp.resolve("model"), charmDir, "probe/0", true);
    }

    private void config(Map<String, Object> options) {
        juju.edit(state -> state.set("config", JSON.valueToTree(options)));
    }

    private List<String> handled() {
        return juju.jujuLog().stream()
                .filter(l -> l.contains("handled "))
                .map(l -> l.substring(l.indexOf("handled ")))
                .collect(Collectors.toList());
    }

    private JsonNode unitState() throws IOException {
        return JSON.readTree(charmDir.resolve(".unit-state.json").toFile());
    }

    private List<String> deferredHandles() throws IOException {
        List<String> out = new java.util.ArrayList<>();
        unitState().get("deferred").forEach(d -> out.add(d.get("event").asText() + "[" + d.get("seq").asLong() + "]/" + d.get("observer").asText()));
        return out;
    }

    @Test
    void deferredEvent_isRunAgainFirst_inTheNextProcess_untilDone() throws IOException {
        config(Map.of("defer-update-status", true));
        assertEquals(0, juju.hook("update-status").exitCode());
        assertEquals(List.of("update-status[1]/Probe.first"), deferredHandles());

        juju.edit(s -> ((com.fasterxml.jackson.databind.node.ArrayNode) s.get("juju-log")).removeAll());
        assertEquals(0, juju.hook("config-changed").exitCode());
        assertEquals(List.of(
                "handled update-status by first",
                "handled config-changed by first",
                "handled config-changed by second"), handled());
        assertEquals(List.of("update-status[1]/Probe.first"), deferredHandles(), "deferred again, same handle");

        config(Map.of());
        juju.edit(s -> ((com.fasterxml.jackson.databind.node.ArrayNode) s.get("juju-log")).removeAll());
        assertEquals(0, juju.hook("install").exitCode());
        assertEquals(List.of(
                "handled update-status by first",
                "handled install by first",
                "handled install by second"), handled());
        assertEquals(List.of(), deferredHandles());
    }

    @Test
    void severalDeferred_areReemittedInTheOrderFirstDeferred() throws IOException {
        juju.relate("db:7", "other", Map.of());
        config(Map.of("defer-update-status", true, "defer-db-relation-changed", true, "defer-install", true));
        assertEquals(0, juju.hook("update-status").exitCode());
        assertEquals(0, juju.relationHook("db-relation-changed", "db:7").exitCode());
        assertEquals(List.of("update-status[1]/Probe.first", "db-relation-changed[2]/Probe.first"), deferredHandles());

        config(Map.of());
        juju.edit(s -> ((com.fasterxml.jackson.databind.node.ArrayNode) s.get("juju-log")).removeAll());
        assertEquals(0, juju.hook("install").exitCode());
        assertEquals(List.of(
                "handled update-status by first",
                "handled db-relation-changed by first",
                "handled db-ready for db:7",
                "handled install by first",
                "handled install by second"), handled());
        assertEquals(List.of(), deferredHandles());
    }

    @Test
    void deferredCustomEvent_keepsItsRelationSnapshot_acrossProcesses() throws IOException {
        juju.relate("db:4", "other", Map.of());
        config(Map.of("defer-db-ready", true));
        assertEquals(0, juju.relationHook("db-relation-changed", "db:4").exitCode());
        JsonNode deferred = unitState().get("deferred").get(0);
        assertEquals("db-ready", deferred.get("event").asText());
        assertEquals("CUSTOM", deferred.get("kind").asText());
        assertEquals("db:4", deferred.get("snapshot").get("relation-id").asText());

        config(Map.of());
        juju.edit(s -> ((com.fasterxml.jackson.databind.node.ArrayNode) s.get("juju-log")).removeAll());
        assertEquals(0, juju.hook("update-status").exitCode());
        assertEquals("handled db-ready for db:4", handled().get(0));
    }

    @Test
    void failedDispatch_rollsBackWhatItDroppedAndWrote_butKeepsItsLogs() throws IOException {
        juju.relate("db:2", "other", Map.of());
        config(Map.of("defer-update-status", true));
        assertEquals(0, juju.hook("update-status").exitCode());
        String before = Files.readString(charmDir.resolve(".unit-state.json"));

        // The deferred event is handled (and would be dropped), app data is written, then a handler throws.
        config(Map.of("write-app-data", true, "explode", true));
        FakeJuju.Run failed = juju.relationHook("db-relation-changed", "db:2");
        assertEquals(1, failed.exitCode(), "an uncaught exception is a bug: the hook fails for Juju to retry");
        assertTrue(failed.stderr().contains("explode was set"), failed.stderr());
        assertEquals(before, Files.readString(charmDir.resolve(".unit-state.json")), "state file untouched");
        assertTrue(juju.jujuLog().stream().anyMatch(l -> l.startsWith("ERROR") && l.contains("IllegalStateException")));
        assertTrue(juju.callLines().stream().anyMatch(l -> l.startsWith("relation-set -r db:2 --app")),
                "the write reached Juju");
        assertTrue(juju.state().get("relations").get("db:2").get("local-app").isEmpty(),
                "but Juju dropped it with the failed hook");

        config(Map.of());
        juju.edit(s -> ((com.fasterxml.jackson.databind.node.ArrayNode) s.get("juju-log")).removeAll());
        assertEquals(0, juju.hook("install").exitCode());
        assertEquals("handled update-status by first", handled().get(0), "the rolled-back drop did not happen");
        assertEquals(List.of(), deferredHandles());
    }

    @Test
    void nonLeader_isRefusedAppData_beforeAnyHookToolCall_leaderWritesIt() {
        juju.relate("db:3", "other", Map.of());
        juju.edit(s -> s.put("leader", false));
        config(Map.of("write-app-data", true));
        assertEquals(0, juju.relationHook("db-relation-changed", "db:3").exitCode());
        assertTrue(juju.jujuLog().stream().anyMatch(l -> l.startsWith("WARNING") && l.contains("refused: only the leader")),
                juju.jujuLog().toString());
        assertFalse(juju.callLines().stream().anyMatch(l -> l.startsWith("relation-set")), juju.callLines().toString());
        assertTrue(juju.state().get("relations").get("db:3").get("local-app").isEmpty());

        juju.edit(s -> s.put("leader", true));
        assertEquals(0, juju.relationHook("db-relation-changed", "db:3").exitCode());
        assertEquals("probe/0", juju.state().get("relations").get("db:3").get("local-app").get("written-by").asText());
    }

    @Test
    void stateFile_isPrivateToTheUnit() throws IOException {
        config(Map.of("defer-install", true));
        assertEquals(0, juju.hook("install").exitCode());
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(charmDir.resolve(".unit-state.json"))));
        assertFalse(Files.exists(charmDir.resolve(".unit-state.json.tmp")));
    }
}
