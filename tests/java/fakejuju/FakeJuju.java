package fakejuju;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Drives tests/fake-juju/fakejuju.py, the stand-in unit agent: sets up one unit's model, dispatches
 * hooks and actions into a charm directory as separate processes, and reads back the model and the
 * recorded hook-tool calls.
 */
public final class FakeJuju {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCRIPT = Path.of("tests/fake-juju/fakejuju.py").toAbsolutePath();

    /** What one dispatch printed and returned. */
    public record Run(int exitCode, String stdout, String stderr) {}

    private final Path dir;
    private final Path charmDir;
    private final Map<String, String> env;

    private FakeJuju(Path dir, Path charmDir, Map<String, String> env) {
        this.dir = dir;
        this.charmDir = charmDir;
        this.env = Map.copyOf(env);
    }

    /** A model for one unit, its hook tools linked into {@code dir/bin}. */
    public static FakeJuju init(Path dir, Path charmDir, String unit, boolean leader) {
        return init(dir, charmDir, unit, leader, "test-model", Map.of());
    }

    /**
     * @param env added to the environment of every dispatch (e.g. where the Kubernetes API is)
     */
    public static FakeJuju init(Path dir, Path charmDir, String unit, boolean leader, String model, Map<String, String> env) {
        List<String> args = new ArrayList<>(List.of("init", dir.toString(), "--unit", unit, "--model", model));
        if (leader) {
            args.add("--leader");
        }
        FakeJuju juju = new FakeJuju(dir, charmDir, env);
        Run run = juju.cli(args);
        if (run.exitCode() != 0) {
            throw new IllegalStateException("fakejuju init failed: " + run.stderr());
        }
        return juju;
    }

    public Path dir() {
        return dir;
    }

    public void relate(String relationId, String remoteApp, Map<String, String> remoteAppData) {
        check(cli(List.of("relate", dir.toString(), relationId, remoteApp, "--app-data", write(remoteAppData))));
    }

    /** The peer relation, holding this application's shared data. */
    public void peers(String relationId, Map<String, String> appData) {
        String app = state().get("unit").asText().split("/")[0];
        check(cli(List.of("relate", dir.toString(), relationId, app, "--local-app-data", write(appData))));
    }

    public void setRemoteAppData(String relationId, Map<String, String> data) {
        check(cli(List.of("set-remote-app-data", dir.toString(), relationId, write(data))));
    }

    /** Edits the model file directly: leader, config, planned units, failing tools. */
    public void edit(java.util.function.Consumer<ObjectNode> change) {
        ObjectNode state = (ObjectNode) state();
        change.accept(state);
        try {
            Files.writeString(dir.resolve("state.json"), JSON.writeValueAsString(state));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Run hook(String hook) {
        return cli(List.of("hook", dir.toString(), charmDir.toString(), hook));
    }

    public Run relationHook(String hook, String relationId) {
        return cli(List.of("hook", dir.toString(), charmDir.toString(), hook, relationId));
    }

    public Run action(String name, String... params) {
        List<String> args = new ArrayList<>(List.of("action", dir.toString(), charmDir.toString(), name));
        args.addAll(List.of(params));
        return cli(args);
    }

    public JsonNode state() {
        try {
            return JSON.readTree(dir.resolve("state.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every hook-tool call so far, in order: {"tool": ..., "argv": [...], "stdin": ...}. */
    public List<JsonNode> calls() {
        try {
            List<JsonNode> out = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("calls.jsonl"), StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    out.add(JSON.readTree(line));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each call as one line, "tool arg arg ...", for readable assertions. */
    public List<String> callLines() {
        List<String> out = new ArrayList<>();
        for (JsonNode call : calls()) {
            StringBuilder line = new StringBuilder(call.get("tool").asText());
            call.get("argv").forEach(a -> line.append(' ').append(a.asText()));
            out.add(line.toString());
        }
        return out;
    }

    public void clearCalls() {
        try {
            Files.writeString(dir.resolve("calls.jsonl"), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines the charm sent to juju-log, "LEVEL message". */
    public List<String> jujuLog() {
        List<String> out = new ArrayList<>();
        state().get("juju-log").forEach(l -> out.add(l.asText()));
        return out;
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void check(Run run) {
        if (run.exitCode() != 0) {
            throw new IllegalStateException("fakejuju failed: " + run.stderr());
        }
    }

    private Run cli(List<String> args) {
        List<String> argv = new ArrayList<>(List.of("python3", SCRIPT.toString()));
        argv.addAll(args);
        try {
            Path out = Files.createTempFile("fakejuju", ".out");
            Path err = Files.createTempFile("fakejuju", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(900, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("fakejuju " + args + " did not finish in 900 s");
                }
                return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
