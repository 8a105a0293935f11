package e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
        // printed as it goes: the matrix takes minutes, and a line at a time shows where it is
        List<FaultRunner.Line> lines = FaultRunner.run(CHARM_DIR, System.out, name -> true);
        Path report = Path.of("docs/reliability.md"); // the working directory is the project root
        Files.writeString(report, FaultRunner.report(lines));
        lines.forEach(l -> System.out.println(l.text()));
        assertEquals(Faults.all().size(), lines.size(), "a line per fault");
        String failing = lines.stream().filter(l -> !l.holds()).map(FaultRunner.Line::text).collect(Collectors.joining("\n"));
        assertTrue(failing.isEmpty(), "lines that do not hold:\n" + failing);
    }
}
