package jujuops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deferring an action, failing a hook and observing an action as a hook are compile errors: each snippet
 * below is compiled against the framework and must be refused, while the same snippet done right compiles.
 */
class OutcomeTypesTest {

    @TempDir
    Path dir;

    private boolean compiles(String body) throws IOException {
        Path source = dir.resolve("Snippet.java");
        Files.writeString(source, "import java.util.Map;\nimport jujuops.*;\n"
                + "class Snippet {\n  void register(Framework fw) {\n    " + body + "\n  }\n}\n");
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertNotNull(compiler, "tests need a JDK, not a JRE");
        try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            return compiler.getTask(new StringWriter(), files, null,
                    List.of("-d", dir.toString(), "-classpath", System.getProperty("java.class.path"), "-proc:none"),
                    null, files.getJavaFileObjectsFromPaths(List.of(source))).call();
        }
    }

    @Test
    void theRightTypes_compile() throws IOException {
        assertTrue(compiles("fw.observe(ActionEvent.named(\"restore\"), \"k\", e -> ActionOutcome.fail(\"no\"));"
                + "fw.observe(HookEvent.INSTALL, \"k\", e -> HookOutcome.defer());"));
    }

    @Test
    void anActionCannotBeDeferred() throws IOException {
        assertFalse(compiles("fw.observe(ActionEvent.named(\"restore\"), \"k\", e -> HookOutcome.defer());"));
        assertFalse(compiles("ActionOutcome.defer();"));
    }

    @Test
    void aHookCannotFailOrReturnResults() throws IOException {
        assertFalse(compiles("fw.observe(HookEvent.INSTALL, \"k\", e -> ActionOutcome.fail(\"no\"));"));
        assertFalse(compiles("HookOutcome.fail(\"no\");"));
        assertFalse(compiles("HookOutcome.done().withResults(Map.of());"));
    }

    @Test
    void anActionObserverCannotObserveAHook() throws IOException {
        assertFalse(compiles("ActionObserver a = e -> ActionOutcome.done(); fw.observe(HookEvent.INSTALL, \"k\", a);"));
        assertFalse(compiles("fw.observe(\"install\", \"k\", e -> HookOutcome.done());"));
    }
}
