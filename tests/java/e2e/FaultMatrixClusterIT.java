package e2e;

import java.io.IOException;

import org.junit.jupiter.api.Test;

/**
 * The fault matrix's part of the charm interrupted (its state file spoilt, its process killed or its exec
 * cut mid-backup) and of a cluster of several units (two backups at once, the primary killed during a
 * replica's backup), on a bench of its own ({@link FaultMatrixIT#runPart}).
 */
class FaultMatrixClusterIT {

    @Test
    void everyFault_leavesTheDatabaseServing_theBackupsIntact_andHealsWhereItCan() throws IOException {
        FaultMatrixIT.runPart(Faults.part("cluster"));
    }
}
