package e2e;

import java.io.IOException;

import org.junit.jupiter.api.Test;

/**
 * The fault matrix's other part: backups interrupted (S3 frozen or killed mid-copy, the log upload, the
 * archive refusing WAL, the charm process killed, the exec cut) and the faults of a cluster of several
 * units, on a bench of its own ({@link FaultMatrixIT#runPart}).
 */
class FaultMatrixClusterIT {

    @Test
    void everyFault_leavesTheDatabaseServing_theBackupsIntact_andHealsWhereItCan() throws IOException {
        FaultMatrixIT.runPart(Faults.part("backups"));
    }
}
