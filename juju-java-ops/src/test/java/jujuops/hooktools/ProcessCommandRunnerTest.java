package jujuops.hooktools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.UncheckedIOException;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Real child processes: the seam's production side. */
class ProcessCommandRunnerTest {

    private final ProcessCommandRunner runner = new ProcessCommandRunner();

    @Test
    void stdin_reachesTheCommand_andStdoutComesBack() {
        CommandRunner.Result r = runner.run(List.of("cat"), "{\"k\":\"vålue\"}");

        assertEquals(new CommandRunner.Result(0, "{\"k\":\"vålue\"}", ""), r);
    }

    @Test
    void noStdin_readsAsEmpty() {
        CommandRunner.Result r = runner.run(List.of("cat"), null);

        assertEquals(new CommandRunner.Result(0, "", ""), r);
    }

    @Test
    void exitCodeAndStderr_areReported() {
        CommandRunner.Result r = runner.run(List.of("sh", "-c", "echo out; echo 'relation not found' >&2; exit 3"), null);

        assertEquals(new CommandRunner.Result(3, "out\n", "relation not found\n"), r);
    }

    @Test
    void argv_isPassedWithoutAShell() {
        CommandRunner.Result r = runner.run(List.of("printf", "%s|", "--", "a b", "$HOME"), null);

        assertEquals("--|a b|$HOME|", r.stdout());
    }

    @Test
    void environment_isInherited() {
        CommandRunner.Result r = runner.run(List.of("sh", "-c", "printf %s \"$PATH\""), null);

        assertEquals(System.getenv("PATH"), r.stdout());
    }

    @Test
    void missingExecutable_isAnUncheckedIOException() {
        assertThrows(UncheckedIOException.class,
                () -> runner.run(List.of("/nonexistent/juju-java-ops-no-such-tool"), null));
    }
}
