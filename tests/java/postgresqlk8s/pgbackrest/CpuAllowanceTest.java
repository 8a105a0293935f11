package postgresqlk8s.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The workload container's CPUs from what {@code grep -s -H} prints of the cgroup files and its own status. */
class CpuAllowanceTest {

    private static final String TWO_CPUS = "/proc/self/status:Cpus_allowed_list:\t0-1\n";
    private static final String SIXTEEN_CPUS = "/proc/self/status:Cpus_allowed_list:\t0-15\n";

    private static CpuAllowance known(String output) {
        return assertInstanceOf(CpuAllowance.Known.class, CpuAllowance.parse(output)).allowance();
    }

    @Test
    void probe_isOneCommand_withoutAShell_readingEverySource() {
        List<String> argv = CpuAllowance.probe().argv();
        assertEquals("grep", argv.get(0));
        assertTrue(argv.containsAll(List.of("/sys/fs/cgroup/cpu.max", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us",
                "/sys/fs/cgroup/cpu/cpu.cfs_period_us", "/proc/self/status")), argv.toString());
        assertTrue(argv.contains("-s"), "missing files are no error message: " + argv);
    }

    @Test
    void v2_quotaOfTwoCpus_onSixteen_isTwo() {
        CpuAllowance a = known("/sys/fs/cgroup/cpu.max:200000 100000\n" + SIXTEEN_CPUS);
        assertEquals(2, a.cores());
        assertTrue(a.source().contains("cgroup v2"), a.source());
    }

    @Test
    void v2_fractionalQuota_roundsUp() {
        assertEquals(2, known("/sys/fs/cgroup/cpu.max:150000 100000\n" + SIXTEEN_CPUS).cores());
        assertEquals(1, known("/sys/fs/cgroup/cpu.max:50000 100000\n" + SIXTEEN_CPUS).cores());
    }

    @Test
    void v2_max_isTheCpusAllowed() {
        CpuAllowance a = known("/sys/fs/cgroup/cpu.max:max 100000\n" + SIXTEEN_CPUS);
        assertEquals(16, a.cores());
        assertTrue(a.source().contains("no limit"), a.source());
    }

    @Test
    void v2_quotaAboveTheCpusAllowed_isTheCpusAllowed() {
        assertEquals(2, known("/sys/fs/cgroup/cpu.max:800000 100000\n" + TWO_CPUS).cores());
    }

    @Test
    void v1_quotaOverPeriod() {
        CpuAllowance a = known("/sys/fs/cgroup/cpu/cpu.cfs_quota_us:400000\n/sys/fs/cgroup/cpu/cpu.cfs_period_us:100000\n"
                + SIXTEEN_CPUS);
        assertEquals(4, a.cores());
        assertTrue(a.source().contains("cgroup v1"), a.source());
    }

    @Test
    void v1_minusOne_isNoLimit_soTheCpusAllowed() {
        assertEquals(16, known("/sys/fs/cgroup/cpu/cpu.cfs_quota_us:-1\n/sys/fs/cgroup/cpu/cpu.cfs_period_us:100000\n"
                + SIXTEEN_CPUS).cores());
    }

    @Test
    void noCgroupFiles_isTheCpusAllowed_countingRangesAndSingles() {
        assertEquals(6, known("/proc/self/status:Cpus_allowed_list:\t0-3,8,10\n").cores());
    }

    @Test
    void garbageInCpuMax_fallsToV1_andSaysWhatItIgnored() {
        CpuAllowance a = known("/sys/fs/cgroup/cpu.max:banana\n/sys/fs/cgroup/cpu/cpu.cfs_quota_us:300000\n"
                + "/sys/fs/cgroup/cpu/cpu.cfs_period_us:100000\n" + SIXTEEN_CPUS);
        assertEquals(3, a.cores());
        assertTrue(a.source().contains("ignored /sys/fs/cgroup/cpu.max 'banana'"), a.source());
    }

    @Test
    void garbageInCpuMax_zeroPeriod_fallsToTheCpusAllowed() {
        assertEquals(2, known("/sys/fs/cgroup/cpu.max:100000 0\n" + TWO_CPUS).cores());
        assertEquals(2, known("/sys/fs/cgroup/cpu.max:max\n" + TWO_CPUS).cores());
    }

    @Test
    void garbageEverywhere_isUnknown_sayingWhy() {
        CpuAllowance.Reading r = CpuAllowance.parse("/sys/fs/cgroup/cpu.max:-5 x\n/proc/self/status:Cpus_allowed_list:\tzero\n");
        String why = assertInstanceOf(CpuAllowance.Unknown.class, r).why();
        assertTrue(why.contains("cpu.max '-5 x'") && why.contains("Cpus_allowed_list: 'zero'"), why);
    }

    @Test
    void nothingPrinted_isUnknown() {
        assertInstanceOf(CpuAllowance.Unknown.class, CpuAllowance.parse(""));
        assertInstanceOf(CpuAllowance.Unknown.class, CpuAllowance.parse("grep: something odd\n"));
    }

    @Test
    void aReversedRange_isGarbage() {
        assertInstanceOf(CpuAllowance.Unknown.class, CpuAllowance.parse("/proc/self/status:Cpus_allowed_list:\t3-1\n"));
    }
}
