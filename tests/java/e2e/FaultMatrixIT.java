package e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The fault matrix ({@code tests/faults/run}) as part of the test command: every fault of {@link Faults}
 * on the real stack, docs/reliability.md written anew, and every line as the issue asks: the database
 * serving, the backups intact, healed without the operator where the fault's reason went away by itself.
 */
class FaultMatrixIT {

    private static final Path CHARM_DIR = Path.of(System.getProperty("charm.dir", "target/charm")).toAbsolutePath();

    @Test
    void everyFault_leavesTheDatabaseServing_theBackupsIntact_andHealsWhereItCan() throws IOException {
        ByteArrayOutputStream transcript = new ByteArrayOutputStream();
        List<FaultRunner.Line> lines;
        try (PrintStream out = new PrintStream(transcript, true, StandardCharsets.UTF_8)) {
            lines = FaultRunner.run(CHARM_DIR, out, name -> true);
        } finally {
            System.out.println(transcript.toString(StandardCharsets.UTF_8));
        }
        Path report = Path.of("docs/reliability.md"); // the working directory is the project root
        Files.writeString(report, FaultRunner.report(lines));
        lines.forEach(l -> System.out.println(l.text()));
        assertEquals(Faults.all().size(), lines.size(), "a line per fault");
        String failing = lines.stream().filter(l -> !l.holds()).map(FaultRunner.Line::text).collect(Collectors.joining("\n"));
        assertTrue(failing.isEmpty(), "lines that do not hold:\n" + failing);
    }
}
