package jujuops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The framework must stand on its own: it compiles with nothing of the project on the class path, so it
 * cannot depend on the charm package.
 */
class FrameworkIndependenceTest {

    private static final Path FRAMEWORK_SOURCES = Path.of("src/main/java/jujuops");
    private static final String CHARM_PACKAGE = "postgresqlk8s";

    private static List<Path> frameworkSources() throws IOException {
        assertTrue(Files.isDirectory(FRAMEWORK_SOURCES), () -> "no " + FRAMEWORK_SOURCES.toAbsolutePath());
        try (Stream<Path> files = Files.walk(FRAMEWORK_SOURCES)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList());
        }
    }

    /** The test class path without the project's own output directories. */
    private static String dependencyClassPath() {
        Path classes = Path.of("target/classes").toAbsolutePath().normalize();
        Path testClasses = Path.of("target/test-classes").toAbsolutePath().normalize();
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .filter(entry -> {
                    Path p = Path.of(entry).toAbsolutePath().normalize();
                    return !p.equals(classes) && !p.equals(testClasses);
                })
                .collect(Collectors.joining(File.pathSeparator));
    }

    @Test
    void frameworkSources_compileWithoutTheCharm(@TempDir Path out) throws IOException {
        List<Path> sources = frameworkSources();
        String classPath = dependencyClassPath();
        assertTrue(sources.size() > 20, () -> "only found " + sources);
        assertTrue(classPath.contains("slf4j-api"), classPath);
        assertFalse(classPath.contains("target" + File.separator + "classes"), classPath);

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertNotNull(compiler, "tests need a JDK, not a JRE");
        StringWriter diagnostics = new StringWriter();
        boolean compiled;
        try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            compiled = compiler.getTask(diagnostics, files, null,
                    List.of("-d", out.toString(), "-classpath", classPath, "-sourcepath", "", "-proc:none",
                            "--release", "17"),
                    null, files.getJavaFileObjectsFromPaths(sources)).call();
        }

        assertTrue(compiled, diagnostics::toString);
        assertTrue(Files.exists(out.resolve("jujuops/Dispatcher.class")));
        try (Stream<Path> classes = Files.walk(out)) {
            assertEquals(List.of(), classes.filter(p -> p.toString().contains(CHARM_PACKAGE)).collect(Collectors.toList()));
        }
    }

    @Test
    void noFrameworkSource_mentionsTheCharmPackage() throws IOException {
        for (Path source : frameworkSources()) {
            String text = Files.readString(source, StandardCharsets.UTF_8);
            assertFalse(text.contains(CHARM_PACKAGE), () -> source + " mentions " + CHARM_PACKAGE);
        }
    }
}
