package jujuops.hooktools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jujuops.hooktools.HookTools.LogLevel;
import jujuops.json.Json;
import jujuops.model.HookToolOutputError;
import jujuops.model.ModelError;
import jujuops.model.RelationNotFoundError;
import jujuops.model.Status;

class ProcessHookToolsTest {

    /** What a tool was asked: its argv and its standard input. */
    private record Request(List<String> argv, String stdin) {}

    /** A scripted command runner: {@link #enqueue} answers, {@link #take} the requests in order. */
    private static final class RecordingRunner implements CommandRunner {
        private final Deque<Object> answers = new ArrayDeque<>();
        private final Deque<Request> requests = new ArrayDeque<>();

        RecordingRunner enqueue(String stdout) {
            return enqueue(new Result(0, stdout, ""));
        }

        RecordingRunner enqueue(Result result) {
            answers.add(result);
            return this;
        }

        RecordingRunner enqueueFailure(RuntimeException e) {
            answers.add(e);
            return this;
        }

        Request take() {
            Request r = requests.poll();
            if (r == null) {
                throw new AssertionError("no command was run");
            }
            return r;
        }

        List<String> takeArgv() {
            return take().argv();
        }

        int requestCount() {
            return requests.size();
        }

        @Override
        public Result run(List<String> argv, String stdin) {
            requests.add(new Request(List.copyOf(argv), stdin));
            Object answer = answers.isEmpty() ? new Result(0, "", "") : answers.poll();
            if (answer instanceof RuntimeException) {
                throw (RuntimeException) answer;
            }
            return (Result) answer;
        }
    }

    private final RecordingRunner runner = new RecordingRunner();
    private final ProcessHookTools tools = new ProcessHookTools(runner);

    // ---- exact argv ----------------------------------------------------------------------------

    @Test
    void isLeader_runsIsLeaderAsJson() {
        runner.enqueue("true\n");

        assertTrue(tools.isLeader());
        assertEquals(List.of("is-leader", "--format=json"), runner.takeArgv());
    }

    @Test
    void isLeader_false() {
        runner.enqueue("false");

        assertFalse(tools.isLeader());
    }

    @Test
    void isLeader_nonBooleanAnswer_isAModelError() {
        runner.enqueue("\"yes\"");

        assertThrows(ModelError.class, tools::isLeader);
    }

    @Test
    void plannedUnits_countsGoalStateUnitsThatAreNotDying() {
        runner.enqueue("{\"units\":{\"pg/0\":{\"status\":\"active\"},\"pg/1\":{\"status\":\"waiting\"},"
                + "\"pg/2\":{\"status\":\"dying\"},\"pg/3\":{\"status\":\"dead\"}},\"relations\":{}}");

        assertEquals(2, tools.plannedUnits());
        assertEquals(List.of("goal-state", "--format=json"), runner.takeArgv());
    }

    @Test
    void plannedUnits_withoutUnits_isZero() {
        runner.enqueue("{}");

        assertEquals(0, tools.plannedUnits());
    }

    @Test
    void configGet_parsesTheObject() {
        runner.enqueue("{\"s3-bucket\":\"b\",\"port\":5432,\"tls\":false}");

        assertEquals(Map.of("s3-bucket", "b", "port", 5432L, "tls", false), tools.configGet());
        assertEquals(List.of("config-get", "--format=json"), runner.takeArgv());
    }

    @Test
    void relationIds_namesTheEndpointFirst() {
        runner.enqueue("[\"s3-parameters:3\"]");

        assertEquals(List.of("s3-parameters:3"), tools.relationIds("s3-parameters"));
        assertEquals(List.of("relation-ids", "s3-parameters", "--format=json"), runner.takeArgv());
    }

    @Test
    void relationList_listsRemoteUnits() {
        runner.enqueue("[\"s3-integrator/0\",\"s3-integrator/1\"]");

        assertEquals(List.of("s3-integrator/0", "s3-integrator/1"), tools.relationList("s3-parameters:3"));
        assertEquals(List.of("relation-list", "--format=json", "-r", "s3-parameters:3"), runner.takeArgv());
    }

    @Test
    void relationRemoteApp_usesRelationListWithApp() {
        runner.enqueue("\"s3-integrator\"\n");

        assertEquals("s3-integrator", tools.relationRemoteApp("s3-parameters:3"));
        assertEquals(List.of("relation-list", "--format=json", "-r", "s3-parameters:3", "--app"), runner.takeArgv());
    }

    @Test
    void relationRemoteApp_emptyAnswer_isAModelError() {
        runner.enqueue("\"\"");

        assertThrows(ModelError.class, () -> tools.relationRemoteApp("s3-parameters:3"));
    }

    @Test
    void relationGet_unitData() {
        runner.enqueue("{\"ingress-address\":\"10.0.0.1\"}");

        assertEquals(Map.of("ingress-address", "10.0.0.1"),
                tools.relationGet("s3-parameters:3", "s3-integrator/0", false));
        assertEquals(List.of("relation-get", "--format=json", "-r", "s3-parameters:3", "-", "s3-integrator/0"),
                runner.takeArgv());
    }

    @Test
    void relationGet_appData() {
        runner.enqueue("{\"bucket\":\"backups\"}");

        assertEquals(Map.of("bucket", "backups"), tools.relationGet("s3-parameters:3", "s3-integrator", true));
        assertEquals(List.of("relation-get", "--format=json", "-r", "s3-parameters:3", "--app", "-", "s3-integrator"),
                runner.takeArgv());
    }

    @Test
    void relationSet_sendsValuesOnStdin_neverInArgv() {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("secret-key", "SK-very-secret");
        data.put("gone", "");

        tools.relationSet("s3-parameters:3", data, false);

        Request r = runner.take();
        assertEquals(List.of("relation-set", "-r", "s3-parameters:3", "--file", "-"), r.argv());
        assertEquals(data, Json.parseStringMap(r.stdin()));
        assertTrue(r.argv().stream().noneMatch(a -> a.contains("SK-very-secret")), r.argv()::toString);
    }

    @Test
    void relationSet_appData() {
        tools.relationSet("s3-parameters:3", Map.of("k", "v"), true);

        Request r = runner.take();
        assertEquals(List.of("relation-set", "-r", "s3-parameters:3", "--app", "--file", "-"), r.argv());
        assertEquals("{\"k\":\"v\"}", r.stdin());
    }

    @Test
    void statusSet_unitAndApplication() {
        tools.statusSet(Status.blocked("no s3 relation"), false);
        tools.statusSet(Status.active(), true);

        assertEquals(List.of("status-set", "--application=False", "blocked", "--", "no s3 relation"), runner.takeArgv());
        assertEquals(List.of("status-set", "--application=True", "active", "--", ""), runner.takeArgv());
    }

    @Test
    void statusSet_messageStartingWithDash_staysAfterTheSeparator() {
        tools.statusSet(Status.waiting("--force"), false);

        assertEquals(List.of("status-set", "--application=False", "waiting", "--", "--force"), runner.takeArgv());
    }

    @Test
    void statusSet_unsettableStatus_isRefusedBeforeRunning() {
        assertThrows(IllegalArgumentException.class, () -> tools.statusSet(Status.unknown(), false));
        assertEquals(0, runner.requestCount());
    }

    @Test
    void statusGet_unitShape() {
        runner.enqueue("{\"message\":\"installing\",\"status\":\"maintenance\",\"status-data\":{}}");

        assertEquals(Status.maintenance("installing"), tools.statusGet(false));
        assertEquals(List.of("status-get", "--include-data", "--format=json", "--application=false"), runner.takeArgv());
    }

    @Test
    void statusGet_applicationShape() {
        runner.enqueue("{\"application-status\":{\"message\":\"needs s3\",\"status\":\"blocked\",\"status-data\":{},"
                + "\"units\":{\"postgresql-k8s/0\":{\"message\":\"\",\"status\":\"active\",\"status-data\":{}}}}}");

        assertEquals(Status.blocked("needs s3"), tools.statusGet(true));
        assertEquals(List.of("status-get", "--include-data", "--format=json", "--application=true"), runner.takeArgv());
    }

    @Test
    void statusGet_unknownWord_readsAsUnknown() {
        runner.enqueue("{\"message\":\"\",\"status\":\"terminated\"}");

        assertEquals(Status.unknown(), tools.statusGet(false));
    }

    @Test
    void actionGet_parsesParams() {
        runner.enqueue("{\"type\":\"full\",\"nested\":{\"a\":1}}");

        assertEquals(Map.of("type", "full", "nested", Map.of("a", 1L)), tools.actionGet());
        assertEquals(List.of("action-get", "--format=json"), runner.takeArgv());
    }

    @Test
    void actionSet_passesKeyValuePairs() {
        Map<String, String> results = new LinkedHashMap<>();
        results.put("backup-status", "backup created");
        results.put("backup.id", "2024-01-01T00:00:00Z");

        tools.actionSet(results);

        assertEquals(List.of("action-set", "backup-status=backup created", "backup.id=2024-01-01T00:00:00Z"),
                runner.takeArgv());
    }

    @Test
    void actionSet_badKey_isRejectedBeforeRunning() {
        Map<String, String> results = new LinkedHashMap<>();
        results.put("good", "1");
        results.put("Bad_Key", "2");

        assertThrows(IllegalArgumentException.class, () -> tools.actionSet(results));
        assertEquals(0, runner.requestCount());
    }

    @Test
    void actionSet_keysEndingInDashOrWithEmptySegment_areRejected() {
        assertThrows(IllegalArgumentException.class, () -> tools.actionSet(Map.of("trailing-", "x")));
        assertThrows(IllegalArgumentException.class, () -> tools.actionSet(Map.of("a..b", "x")));
        assertEquals(0, runner.requestCount());
    }

    @Test
    void actionSet_nothingToSet_runsNothing() {
        tools.actionSet(Map.of());

        assertEquals(0, runner.requestCount());
    }

    @Test
    void actionFail_actionLog_jujuLog_putTheMessageAfterTheSeparator() {
        tools.actionFail("no s3");
        tools.actionLog("-v looks like a flag");
        tools.jujuLog(LogLevel.DEBUG, "d");
        tools.jujuLog(LogLevel.INFO, "i");
        tools.jujuLog(LogLevel.WARNING, "w");
        tools.jujuLog(LogLevel.ERROR, "e");

        assertEquals(List.of("action-fail", "--", "no s3"), runner.takeArgv());
        assertEquals(List.of("action-log", "--", "-v looks like a flag"), runner.takeArgv());
        assertEquals(List.of("juju-log", "--log-level", "DEBUG", "--", "d"), runner.takeArgv());
        assertEquals(List.of("juju-log", "--log-level", "INFO", "--", "i"), runner.takeArgv());
        assertEquals(List.of("juju-log", "--log-level", "WARNING", "--", "w"), runner.takeArgv());
        assertEquals(List.of("juju-log", "--log-level", "ERROR", "--", "e"), runner.takeArgv());
    }

    @Test
    void secretGet_readsTheContent() {
        runner.enqueue("{\"access-key\":\"AK\",\"secret-key\":\"SK\"}");

        assertEquals(Map.of("access-key", "AK", "secret-key", "SK"), tools.secretGet("secret:abc123"));
        assertEquals(List.of("secret-get", "--format=json", "secret:abc123"), runner.takeArgv());
    }

    @Test
    void toolsWithoutStdin_passNull() {
        runner.enqueue("true");
        tools.isLeader();

        assertNull(runner.take().stdin());
    }

    // ---- failures ------------------------------------------------------------------------------

    @Test
    void relationNotFoundOnStderr_isARelationNotFoundError() {
        runner.enqueue(new CommandRunner.Result(2, "",
                "ERROR invalid value \"s3-parameters:3\" for option -r: relation not found\n"));

        RelationNotFoundError e = assertThrows(RelationNotFoundError.class,
                () -> tools.relationGet("s3-parameters:3", "s3-integrator", true));
        assertTrue(e.getMessage().startsWith("relation-get failed (exit 2): ERROR invalid value"), e.getMessage());
    }

    @Test
    void otherNonZeroExit_isAModelErrorButNotRelationNotFound() {
        runner.enqueue(new CommandRunner.Result(1, "", "ERROR cannot write relation settings: permission denied"));

        ModelError e = assertThrows(ModelError.class, () -> tools.relationSet("s3-parameters:3", Map.of("k", "v"), true));
        assertFalse(e instanceof RelationNotFoundError);
        assertFalse(e instanceof HookToolOutputError, "Juju refused: not an unreadable answer");
        assertEquals("relation-set failed (exit 1): ERROR cannot write relation settings: permission denied",
                e.getMessage());
    }

    @Test
    void nonZeroExitWithoutStderr_isAModelError() {
        runner.enqueue(new CommandRunner.Result(1, "", "  \n"));

        ModelError e = assertThrows(ModelError.class, () -> tools.statusSet(Status.active(), false));
        assertEquals("status-set failed (exit 1)", e.getMessage());
    }

    @Test
    void runnerThatCannotStartTheTool_isAModelError() {
        runner.enqueueFailure(new UncheckedIOException("cannot run is-leader", new IOException("No such file")));

        ModelError e = assertThrows(ModelError.class, tools::isLeader);
        assertFalse(e instanceof RelationNotFoundError);
        assertTrue(e.getCause() instanceof UncheckedIOException);
    }

    @Test
    void malformedJsonOutput_isAHookToolOutputError() {
        runner.enqueue("{not json").enqueue("[\"a\"").enqueue("{\"a\":").enqueue("tru").enqueue("[1]")
                .enqueue("{\"x\":").enqueue("{\"k\": 1}").enqueue("[\"ok\"] [").enqueue("{");

        assertThrows(HookToolOutputError.class, tools::configGet);
        assertThrows(HookToolOutputError.class, () -> tools.relationIds("s3-parameters"));
        assertThrows(HookToolOutputError.class, () -> tools.relationRemoteApp("s3-parameters:3"));
        assertThrows(HookToolOutputError.class, tools::isLeader);
        assertThrows(HookToolOutputError.class, () -> tools.relationList("s3-parameters:3"));
        assertThrows(HookToolOutputError.class, () -> tools.statusGet(false));
        assertThrows(HookToolOutputError.class, () -> tools.relationGet("s3-parameters:3", "s3-integrator/0", false));
        assertThrows(HookToolOutputError.class, tools::plannedUnits);
        assertThrows(HookToolOutputError.class, tools::actionGet);
    }

    @Test
    void secretGet_malformedOutput_neverEchoesTheSecret() {
        String secret = "AKIA-TOP-SECRET-VALUE";
        runner.enqueue("{\"secret-key\": \"" + secret + "\" oops}")
                .enqueue("{\"secret-key\": \"" + secret)
                .enqueue("{\"secret-key\": [\"" + secret + "\"]}");

        for (int i = 0; i < 3; i++) {
            ModelError e = assertThrows(HookToolOutputError.class, () -> tools.secretGet("secret:abc123"));
            assertFalse(e.getMessage().contains(secret), e.getMessage());
            assertTrue(e.getMessage().startsWith("secret-get output is not a JSON map of strings"), e.getMessage());
        }
    }
}
