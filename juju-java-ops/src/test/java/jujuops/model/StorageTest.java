package jujuops.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import jujuops.HookEvent;
import jujuops.HookOutcome;
import jujuops.TestCharm;
import jujuops.testing.Context;
import jujuops.testing.Result;
import jujuops.testing.State;
import jujuops.testing.StorageState;
import jujuops.testing.TestEvent;

/** Storage through the real dispatch code: a tiny charm records where its attached storage is mounted. */
class StorageTest {

    private static final StorageState DATA0 = new StorageState("data", 0, "/var/lib/juju/storage/data/0");
    private static final StorageState DATA1 = new StorageState("data", 1, "/var/lib/juju/storage/data/1");

    private static Result run(TestEvent event, State in) {
        Context ctx = new Context(fw -> fw.observe(HookEvent.storageAttached("data"), "Tiny.recordMount", e -> {
            fw.stored().put("mount", fw.model().storageById(e.storageId().orElseThrow()).location().toString());
            StringBuilder all = new StringBuilder();
            for (Storage s : fw.model().storage("data")) {
                all.append(s.name()).append('#').append(s.index()).append('=').append(s.location()).append(' ');
            }
            fw.stored().put("all", all.toString().strip());
            return HookOutcome.done();
        }), TestCharm.DIR, "postgresql-k8s/0", "dev");
        return ctx.run(event, in);
    }

    @Test
    void storageAttached_findsItsLocation_andTheOtherInstances() {
        Result result = run(TestEvent.storageAttached(DATA1), State.empty().withStorage(DATA0).withStorage(DATA1));

        assertEquals(0, result.exitCode(), result.logs()::toString);
        assertEquals("/var/lib/juju/storage/data/1", result.state().stored().get("mount"));
        assertEquals("data#0=/var/lib/juju/storage/data/0 data#1=/var/lib/juju/storage/data/1",
                result.state().stored().get("all"));
        assertTrue(result.calls().contains("storage-get -s data/1 location"), result.calls()::toString);
        assertEquals(1, result.calls().stream().filter(c -> c.equals("storage-get -s data/1 location")).count(),
                "a location is read once per dispatch");
    }

    @Test
    void unknownStorage_failsTheHook() {
        Result result = run(TestEvent.storageAttached(DATA1), State.empty().withStorage(DATA0));

        assertEquals(1, result.exitCode());
    }
}
