package jujuops.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jujuops.json.Json;
import jujuops.store.FileUnitStateStore;

/**
 * The sample charm under {@code sample/} built as its author would build it (compiled against this
 * module's classes only) and run as Juju runs a charm: its own {@code dispatch}, a new JVM per event,
 * the event named by {@code JUJU_DISPATCH_PATH}, hook tools found on PATH (a stand-in answering from a
 * JSON model file).
 */
class SampleCharmProcessTest {

    private static final Path SAMPLE = Path.of("sample");
    private static final List<String> TOOLS = List.of("config-get", "is-leader", "action-get", "action-set",
            "action-fail", "action-log", "relation-ids", "relation-list", "relation-get", "relation-set",
            "status-set", "status-get", "juju-log");

    @TempDir
    static Path tmp;

    private static Path charmDir;
    private static Path bin;

    /** Compiles the sample's sources, lays out its charm directory and puts the hook tools on a PATH. */
    @BeforeAll
    static void build() throws IOException {
        charmDir = Files.createDirectories(tmp.resolve("charm"));
        Path classes = Files.createDirectories(charmDir.resolve("classes"));
        List<File> sources;
        try (Stream<Path> files = Files.walk(SAMPLE.resolve("src"))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).map(Path::toFile).collect(Collectors.toList());
        }
        assertTrue(!sources.isEmpty(), "no sources under " + SAMPLE.toAbsolutePath());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(errors, fm, null,
                    List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path"), "-Xlint:all", "-Werror"),
                    null, fm.getJavaFileObjectsFromFiles(sources)).call();
            assertTrue(ok, () -> "the sample charm does not compile:\n" + errors);
        }
        for (String file : List.of("dispatch", "metadata.yaml", "actions.yaml", "config.yaml")) {
            Files.copy(SAMPLE.resolve(file), charmDir.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
        }
        Files.writeString(charmDir.resolve("classpath"), classes + File.pathSeparator + System.getProperty("java.class.path"));

        bin = Files.createDirectories(tmp.resolve("bin"));
        Path tool = bin.resolve("hooktool.py");
        try (InputStream in = SampleCharmProcessTest.class.getResourceAsStream("hooktool.py")) {
            Files.copy(in, tool);
        }
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String name : TOOLS) {
            Files.createSymbolicLink(bin.resolve(name), tool);
        }
    }

    /** Each test is a new unit: no state file left by another test's dispatches. */
    @BeforeEach
    void freshUnit() throws IOException {
        Files.deleteIfExists(charmDir.resolve(FileUnitStateStore.FILE_NAME));
    }

    /** A model as the stand-in tools read it: the leader of "greeter", related to "visitor" on greeting:7. */
    private static Path model(String name, Map<String, Object> config, Map<String, Object> params) throws IOException {
        Map<String, Object> relation = Map.of("id", "greeting:7", "endpoint", "greeting", "remote-app", "visitor",
                "remote-units", Map.of("visitor/0", Map.of()), "app-data", Map.of());
        Path file = tmp.resolve(name + ".json");
        Files.writeString(file, Json.write(Map.of("app", "greeter", "leader", true, "config", config,
                "params", params, "relation", relation)));
        return file;
    }

    /** Runs dispatch once, as the unit agent does, and returns the model afterwards. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> dispatch(String path, Path model, Map<String, String> env)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(charmDir.resolve("dispatch").toString()).directory(charmDir.toFile());
        Map<String, String> e = pb.environment();
        e.put("PATH", bin + File.pathSeparator + e.get("PATH"));
        e.put("HOOKTOOL_MODEL", model.toString());
        e.put("JUJU_DISPATCH_PATH", path);
        e.put("JUJU_UNIT_NAME", "greeter/0");
        e.put("JUJU_MODEL_NAME", "sample");
        e.put("JUJU_MODEL_UUID", "00000000-0000-4000-8000-000000000000");
        e.put("JUJU_CHARM_DIR", charmDir.toString());
        e.put("JUJU_VERSION", "3.6.4");
        e.putAll(env);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "dispatch did not end");
        assertEquals(0, p.exitValue(), () -> path + " exited " + p.exitValue() + ":\n" + output);
        return (Map<String, Object>) Json.parse(Files.readString(model));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void configChanged_sharesTheGreeting_andSaysActive() throws Exception {
        Map<String, Object> after = dispatch("hooks/config-changed", model("config", Map.of("greeting", "Hi"), Map.of()), Map.of());

        assertEquals(Map.of("greeting", "Hi"), map(map(after.get("relation")).get("app-data")));
        assertEquals(Map.of("kind", "active", "message", ""), after.get("status"));
    }

    @Test
    void anEmptyGreeting_blocksTheUnit_andSharesNothing() throws Exception {
        Map<String, Object> after = dispatch("hooks/config-changed", model("empty", Map.of("greeting", ""), Map.of()), Map.of());

        assertEquals(Map.of(), map(map(after.get("relation")).get("app-data")));
        assertEquals("blocked", map(after.get("status")).get("kind"));
        assertTrue(map(after.get("status")).get("message").toString().contains("greeting"), after.toString());
    }

    @Test
    void aNewRelation_getsTheGreeting() throws Exception {
        Map<String, Object> after = dispatch("hooks/greeting-relation-joined", model("joined", Map.of("greeting", "Hello"), Map.of()),
                Map.of("JUJU_RELATION", "greeting", "JUJU_RELATION_ID", "greeting:7", "JUJU_REMOTE_APP", "visitor",
                        "JUJU_REMOTE_UNIT", "visitor/0"));

        assertEquals(Map.of("greeting", "Hello"), map(map(after.get("relation")).get("app-data")));
    }

    @Test
    void theGreetAction_answersWithAResult() throws Exception {
        Map<String, Object> after = dispatch("actions/greet", model("greet", Map.of("greeting", "Hi"), Map.of("name", "Ada")),
                Map.of("JUJU_ACTION_NAME", "greet", "JUJU_ACTION_UUID", "1"));

        assertEquals(Map.of("message", "Hi, Ada!"), after.get("results"));
        assertEquals(null, after.get("failed"));
    }

    @Test
    void theGreetAction_failsClearly_withABlankName() throws Exception {
        Map<String, Object> after = dispatch("actions/greet", model("blank", Map.of("greeting", "Hi"), Map.of("name", " ")),
                Map.of("JUJU_ACTION_NAME", "greet", "JUJU_ACTION_UUID", "2"));

        assertEquals("name must not be blank", after.get("failed"));
        assertEquals(null, after.get("results"));
    }

    @Test
    void theSampleStaysShort() throws IOException {
        long lines;
        try (Stream<Path> files = Files.walk(SAMPLE.resolve("src"))) {
            lines = files.filter(p -> p.toString().endsWith(".java")).mapToLong(p -> {
                try {
                    return Files.readAllLines(p).size();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sum();
        }
        assertTrue(lines < 100, "the sample is " + lines + " lines of Java; an example to copy stays under 100");
    }
}
