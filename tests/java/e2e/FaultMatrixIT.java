package e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The fault matrix ({@code tests/faults/run}) as part of the test command, its one-unit part: the faults
 * of S3, of Juju's hook tools and of the workload container on the real stack, their table in
 * docs/reliability.md written anew, and every line as the issue asks: the database serving, the backups
 * intact, healed without the operator where the fault's reason went away by itself. The other part
 * ({@link FaultMatrixClusterIT}) runs on a bench of its own, in the other test JVM at the same time.
 */
class FaultMatrixIT {

    static final Path CHARM_DIR = Path.of(System.getProperty("charm.dir", "target/charm")).toAbsolutePath();

    @Test
    void everyFault_leavesTheDatabaseServing_theBackupsIntact_andHealsWhereItCan() throws IOException {
        runPart(Faults.part("one-unit"));
    }

    /** One part on its own bench, printed as it goes (a part takes minutes), its table written, every line holding. */
    static void runPart(Faults.Part part) throws IOException {
        List<FaultRunner.Line> lines = FaultRunner.run(CHARM_DIR, System.out, part, name -> true);
        FaultRunner.writePart(Path.of("docs/reliability.md"), part, lines); // the working directory is the project root
        lines.forEach(l -> System.out.println(l.text()));
        assertEquals(part.faults().size(), lines.size(), "a line per fault");
        String failing = lines.stream().filter(l -> !l.holds()).map(FaultRunner.Line::text).collect(Collectors.joining("\n"));
        assertTrue(failing.isEmpty(), "lines that do not hold:\n" + failing);
    }
}
