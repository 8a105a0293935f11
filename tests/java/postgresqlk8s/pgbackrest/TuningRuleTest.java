package postgresqlk8s.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The rule docs/performance.md gives, at the CPU counts it was measured on and around them. */
class TuningRuleTest {

    @Test
    void twoCpus_isTheMeasuredDefault_zstWithTwoProcesses() {
        assertEquals(new PgBackRestConfig.Tuning("zst", 2, 2), TuningRule.derive("zst", 0, 2));
        assertEquals(PgBackRestConfig.Tuning.DEFAULT, TuningRule.derive("zst", 0, 2));
    }

    @Test
    void backupProcesses_onePerCpu_upToSixteen() {
        assertEquals(1, TuningRule.derive("zst", 0, 1).processMax());
        assertEquals(8, TuningRule.derive("zst", 0, 8).processMax());
        assertEquals(16, TuningRule.derive("lz4", 0, 16).processMax());
        assertEquals(16, TuningRule.derive("lz4", 0, 64).processMax());
    }

    @Test
    void archiveProcesses_aQuarterOfTheCpus_twoToFour_neverMoreThanTheCpus() {
        assertEquals(1, TuningRule.derive("zst", 0, 1).archiveProcessMax());
        assertEquals(2, TuningRule.derive("zst", 0, 2).archiveProcessMax());
        assertEquals(2, TuningRule.derive("zst", 0, 8).archiveProcessMax());
        assertEquals(3, TuningRule.derive("zst", 0, 12).archiveProcessMax());
        assertEquals(4, TuningRule.derive("zst", 0, 16).archiveProcessMax());
        assertEquals(4, TuningRule.derive("zst", 0, 96).archiveProcessMax());
    }

    @Test
    void aConfiguredProcessMax_overridesBackupAndRestore_notArchiving() {
        PgBackRestConfig.Tuning t = TuningRule.derive("gz", 6, 16);
        assertEquals(new PgBackRestConfig.Tuning("gz", 6, 4), t);
    }
}
