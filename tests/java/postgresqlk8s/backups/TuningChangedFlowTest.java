package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static postgresqlk8s.backups.BackupWorld.ok;
import static postgresqlk8s.backups.BackupWorld.s3Changed;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jujuops.model.Status;
import jujuops.testing.Result;
import jujuops.testing.State;
import jujuops.testing.TestEvent;

/**
 * config-changed with the tuning options, and the CPUs of the workload container read through exec: the
 * options validated, pgbackrest.conf written again with the tuning and nothing restarted.
 */
class TuningChangedFlowTest {

    private static final String CONF = "/etc/pgbackrest.conf";
    /** What the probe prints in a container with a 4-CPU quota on a 16-CPU node (cgroup v2). */
    private static final String FOUR_OF_SIXTEEN = "/sys/fs/cgroup/cpu.max:400000 100000\n"
            + "/proc/self/status:Cpus_allowed_list:\t0-15\n";
    private static final TestEvent CONFIG_CHANGED = TestEvent.hook("config-changed");

    private final BackupWorld world = new BackupWorld();

    private static State configured(State s, Object compression, Object processMax) {
        return s.withConfig(Map.of(TuningOptions.COMPRESSION, compression, TuningOptions.PROCESS_MAX, processMax));
    }

    private String conf() {
        return world.exec.file(CONF);
    }

    private void assertNothingRestarted() {
        assertFalse(world.exec.verbs().stream().anyMatch(v -> v.startsWith("pebble")), world.exec.verbs().toString());
        assertEquals(List.of(), world.patroniConfig.applied);
        assertEquals(List.of(), world.patroni.requests);
    }

    @Test
    void validOptions_rewriteTheConf_withoutRestartingAnything() {
        world.exec.answer("grep", new postgresqlk8s.workload.ExecResult(2, FOUR_OF_SIXTEEN, "", false));
        Result r = world.run(CONFIG_CHANGED, configured(BackupWorld.withStanza(), "lz4", 0L));
        assertEquals(0, r.exitCode());
        assertTrue(conf().contains("\ncompress-type=lz4\n"), conf());
        assertTrue(conf().contains("\nprocess-max=4\n"), conf());
        assertEquals("0600", world.exec.mode(CONF));
        assertNothingRestarted();
        assertEquals(Status.active(), r.unitStatus());
    }

    @Test
    void aConfiguredProcessMax_overridesTheCpus() {
        world.exec.answer("grep", ok(FOUR_OF_SIXTEEN));
        world.run(CONFIG_CHANGED, configured(BackupWorld.withStanza(), "zst", 12L));
        assertTrue(conf().contains("\ncompress-type=zst\nprocess-max=12\n"), conf());
    }

    @Test
    void theDefaults_onTwoCpus_areZstWithTwoProcesses() {
        world.exec.answer("grep", ok("/sys/fs/cgroup/cpu.max:max 100000\n/proc/self/status:Cpus_allowed_list:\t0-1\n"));
        world.run(CONFIG_CHANGED, BackupWorld.withStanza().withConfig(Map.of()));
        assertTrue(conf().contains("\ncompress-type=zst\nprocess-max=2\n"), conf());
    }

    @Test
    void anUnknownCompression_blocksNamingTheOptionAndTheAllowedValues_andWritesNothing() {
        Result r = world.run(CONFIG_CHANGED, configured(BackupWorld.withStanza(), "xz", 0L));
        assertEquals(0, r.exitCode());
        assertEquals(Status.blocked("invalid backup-compression 'xz': allowed zst, lz4, gz, bz2, none"), r.unitStatus());
        assertEquals(List.of(), world.exec.commands());
    }

    @Test
    void aNegativeProcessMax_blocks_andWritesNothing() {
        Result r = world.run(CONFIG_CHANGED, configured(BackupWorld.withStanza(), "zst", -1L));
        assertEquals(Status.blocked("invalid backup-process-max '-1': allowed 0 (from the pod's CPUs) to 999"), r.unitStatus());
        assertNull(conf());
    }

    @Test
    void afterABadValue_theFix_clearsTheBlock_andWritesTheConf() {
        Result bad = world.run(CONFIG_CHANGED, configured(BackupWorld.withStanza(), "zst", 1000L));
        assertTrue(bad.unitStatus().is(Status.Kind.BLOCKED));
        Result fixed = world.run(CONFIG_CHANGED, configured(bad.state(), "gz", 3L));
        assertEquals(Status.active(), fixed.unitStatus());
        assertTrue(conf().contains("\ncompress-type=gz\nprocess-max=3\n"), conf());
    }

    @Test
    void whileAnOptionIsBad_otherHooksKeepTheLastValidOptions_andTheStanzaIsStillMade() {
        world.exec.answer("grep", ok(FOUR_OF_SIXTEEN));
        Result lz4 = world.run(CONFIG_CHANGED, configured(BackupWorld.initialised(), "lz4", 0L));
        Result bad = world.run(CONFIG_CHANGED, configured(lz4.state(), "snappy", 0L));
        assertTrue(bad.unitStatus().is(Status.Kind.BLOCKED));
        Result s3 = world.run(s3Changed(bad.state()), bad.state());
        assertTrue(conf().contains("\ncompress-type=lz4\nprocess-max=4\n"), conf());
        assertTrue(world.exec.verbs().contains("stanza-create"), world.exec.verbs().toString());
        assertEquals(Status.blocked("invalid backup-compression 'snappy': allowed zst, lz4, gz, bz2, none"), s3.unitStatus());
    }

    @Test
    void theCpus_areReadOnce_untilTheContainerStartsAgain() {
        world.exec.answer("grep", ok(FOUR_OF_SIXTEEN));
        Result first = world.run(CONFIG_CHANGED, configured(BackupWorld.withStanza(), "zst", 0L));
        Result second = world.run(CONFIG_CHANGED, first.state());
        assertEquals(1, world.exec.verbs().stream().filter("grep"::equals).count());
        world.exec.reanswer("grep", ok("/sys/fs/cgroup/cpu.max:800000 100000\n/proc/self/status:Cpus_allowed_list:\t0-15\n"));
        world.run(TestEvent.pebbleReady("postgresql"), second.state());
        assertEquals(2, world.exec.verbs().stream().filter("grep"::equals).count());
        assertTrue(conf().contains("\nprocess-max=8\n"), conf());
    }

    @Test
    void unreadableCpus_fallBackToTwo_withoutFailingTheHook_andAreReadAgainNextTime() {
        world.exec.answer("grep", ok("/sys/fs/cgroup/cpu.max:garbage\n"));
        Result first = world.run(CONFIG_CHANGED, configured(BackupWorld.withStanza(), "zst", 0L));
        assertEquals(0, first.exitCode());
        assertEquals(Status.active(), first.unitStatus());
        assertTrue(conf().contains("\nprocess-max=2\n"), conf());
        world.run(CONFIG_CHANGED, first.state());
        assertEquals(2, world.exec.verbs().stream().filter("grep"::equals).count());
    }

    @Test
    void withoutS3Settings_aValidChange_writesNothing() {
        State noS3 = BackupWorld.initialised().withoutRelation("s3-parameters:3");
        Result r = world.run(CONFIG_CHANGED, configured(noS3, "lz4", 0L));
        assertEquals(0, r.exitCode());
        assertNull(conf());
    }
}
