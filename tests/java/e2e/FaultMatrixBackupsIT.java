package e2e;

import java.io.IOException;

import org.junit.jupiter.api.Test;

/**
 * The fault matrix's part of a backup while S3 or WAL archiving fails (S3 frozen or killed mid-copy, S3
 * frozen for the log upload, the archive refusing WAL), on a bench of its own ({@link FaultMatrixIT#runPart}).
 * Most of its time is the charm's bound for a backup S3 left mid-copy, which the other parts run beside.
 */
class FaultMatrixBackupsIT {

    @Test
    void everyFault_leavesTheDatabaseServing_theBackupsIntact_andHealsWhereItCan() throws IOException {
        FaultMatrixIT.runPart(Faults.part("backups"));
    }
}
