package jujuops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class EventTest {

    private static Event fire(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("JUJU_UNIT_NAME", "postgresql-k8s/0");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return Event.fromDispatch(JujuContext.fromEnv(env));
    }

    @Test
    void install_isAPlainHook() {
        Event e = fire("JUJU_DISPATCH_PATH", "hooks/install");

        assertEquals("install", e.name());
        assertEquals(Event.Kind.HOOK, e.kind());
        assertEquals(Map.of(), e.snapshot());
        assertFalse(e.isAction());
    }

    @Test
    void relationChanged_snapshotsTheRelation() {
        Event e = fire(
                "JUJU_DISPATCH_PATH", "hooks/s3-parameters-relation-changed",
                "JUJU_RELATION", "s3-parameters",
                "JUJU_RELATION_ID", "s3-parameters:3",
                "JUJU_REMOTE_APP", "s3-integrator",
                "JUJU_REMOTE_UNIT", "s3-integrator/0");

        assertEquals("s3-parameters-relation-changed", e.name());
        assertEquals(Event.Kind.RELATION, e.kind());
        assertEquals(Map.of(
                Event.RELATION_ENDPOINT, "s3-parameters",
                Event.RELATION_ID, "s3-parameters:3",
                Event.REMOTE_APP, "s3-integrator",
                Event.REMOTE_UNIT, "s3-integrator/0"), e.snapshot());
        assertEquals(Optional.of("s3-parameters:3"), e.relationId());
        assertEquals(Optional.of("s3-integrator"), e.remoteApp());
    }

    @Test
    void relationDeparted_snapshotsTheDepartingUnit() {
        Event e = fire(
                "JUJU_DISPATCH_PATH", "hooks/database-peers-relation-departed",
                "JUJU_RELATION", "database-peers",
                "JUJU_RELATION_ID", "database-peers:0",
                "JUJU_REMOTE_APP", "postgresql-k8s",
                "JUJU_REMOTE_UNIT", "postgresql-k8s/1",
                "JUJU_DEPARTING_UNIT", "postgresql-k8s/1");

        assertEquals(Event.Kind.RELATION, e.kind());
        assertEquals(Optional.of("postgresql-k8s/1"), e.get(Event.DEPARTING_UNIT));
    }

    @Test
    void relationBroken_withoutRemoteUnit_hasNoRemoteUnitKey() {
        Event e = fire(
                "JUJU_DISPATCH_PATH", "hooks/s3-parameters-relation-broken",
                "JUJU_RELATION", "s3-parameters",
                "JUJU_RELATION_ID", "s3-parameters:3",
                "JUJU_REMOTE_APP", "s3-integrator",
                "JUJU_REMOTE_UNIT", "");

        assertEquals(Event.Kind.RELATION, e.kind());
        assertFalse(e.snapshot().containsKey(Event.REMOTE_UNIT));
        assertEquals(3, e.snapshot().size());
    }

    @Test
    void pebbleReady_isAWorkloadEvent() {
        Event e = fire("JUJU_DISPATCH_PATH", "hooks/postgresql-pebble-ready", "JUJU_WORKLOAD_NAME", "postgresql");

        assertEquals("postgresql-pebble-ready", e.name());
        assertEquals(Event.Kind.WORKLOAD, e.kind());
        assertEquals(Map.of(Event.WORKLOAD, "postgresql"), e.snapshot());
    }

    @Test
    void storageAttached_isAStorageEvent() {
        Event e = fire("JUJU_DISPATCH_PATH", "hooks/pgdata-storage-attached", "JUJU_STORAGE_ID", "pgdata/0");

        assertEquals("pgdata-storage-attached", e.name());
        assertEquals(Event.Kind.STORAGE, e.kind());
        assertEquals(Map.of(Event.STORAGE, "pgdata/0"), e.snapshot());
    }

    @Test
    void secretChanged_isASecretEvent() {
        Event e = fire("JUJU_DISPATCH_PATH", "hooks/secret-changed", "JUJU_SECRET_ID", "secret:abc123");

        assertEquals("secret-changed", e.name());
        assertEquals(Event.Kind.SECRET, e.kind());
        assertEquals(Map.of(Event.SECRET_URI, "secret:abc123"), e.snapshot());
    }

    @Test
    void action_isAnActionWithoutSnapshot() {
        Event e = fire("JUJU_DISPATCH_PATH", "actions/create-backup",
                "JUJU_ACTION_NAME", "create-backup", "JUJU_ACTION_UUID", "42");

        assertEquals("create-backup", e.name());
        assertEquals(Event.Kind.ACTION, e.kind());
        assertEquals(Map.of(), e.snapshot());
        assertTrue(e.isAction());
    }

    @Test
    void withoutDispatchPath_hookNameIsUsed() {
        Event e = fire("JUJU_HOOK_NAME", "update-status");

        assertEquals("update-status", e.name());
        assertEquals(Event.Kind.HOOK, e.kind());
    }

    @Test
    void withoutDispatchPath_actionNameIsUsed() {
        Event e = fire("JUJU_ACTION_NAME", "restore");

        assertEquals("restore", e.name());
        assertEquals(Event.Kind.ACTION, e.kind());
    }

    @Test
    void withoutDispatchPath_relationHookNameStillSnapshotsTheRelation() {
        Event e = fire("JUJU_HOOK_NAME", "s3-parameters-relation-joined",
                "JUJU_RELATION", "s3-parameters", "JUJU_RELATION_ID", "s3-parameters:7");

        assertEquals(Event.Kind.RELATION, e.kind());
        assertEquals(Optional.of("s3-parameters:7"), e.relationId());
    }

    @Test
    void custom_isACustomEventWithItsSnapshot() {
        Event e = Event.custom(HookEvent.custom("s3-credentials-changed"), Map.of("bucket", "b1"));

        assertEquals(Event.Kind.CUSTOM, e.kind());
        assertEquals(Optional.of("b1"), e.get("bucket"));
        assertEquals("s3-credentials-changed{bucket=b1}", e.toString());
    }

    @Test
    void custom_ofAJujuHook_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Event.custom(HookEvent.relationChanged("s3-parameters"), Map.of()));

        assertEquals("s3-parameters-relation-changed is a Juju hook, not a custom event; only Juju raises it", e.getMessage());
    }

    @Test
    void snapshot_isACopy() {
        Map<String, String> snap = new HashMap<>(Map.of("k", "v"));
        Event e = Event.custom(HookEvent.custom("x"), snap);
        snap.put("k", "changed");

        assertEquals(Optional.of("v"), e.get("k"));
        assertThrows(UnsupportedOperationException.class, () -> e.snapshot().put("a", "b"));
    }
}
