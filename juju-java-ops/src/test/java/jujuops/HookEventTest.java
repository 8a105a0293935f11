package jujuops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class HookEventTest {

    @Test
    void factories_nameTheHooksAsJujuDispatchesThem() {
        assertEquals("update-status", HookEvent.UPDATE_STATUS.name());
        assertEquals("s3-parameters-relation-created", HookEvent.relationCreated("s3-parameters").name());
        assertEquals("s3-parameters-relation-joined", HookEvent.relationJoined("s3-parameters").name());
        assertEquals("s3-parameters-relation-changed", HookEvent.relationChanged("s3-parameters").name());
        assertEquals("s3-parameters-relation-departed", HookEvent.relationDeparted("s3-parameters").name());
        assertEquals("s3-parameters-relation-broken", HookEvent.relationBroken("s3-parameters").name());
        assertEquals("postgresql-pebble-ready", HookEvent.pebbleReady("postgresql").name());
        assertEquals("postgresql-pebble-custom-notice", HookEvent.pebbleCustomNotice("postgresql").name());
        assertEquals("postgresql-pebble-check-failed", HookEvent.pebbleCheckFailed("postgresql").name());
        assertEquals("postgresql-pebble-check-recovered", HookEvent.pebbleCheckRecovered("postgresql").name());
        assertEquals("pgdata-storage-attached", HookEvent.storageAttached("pgdata").name());
        assertEquals("pgdata-storage-detaching", HookEvent.storageDetaching("pgdata").name());
        assertEquals("s3-credentials-changed", HookEvent.custom("s3-credentials-changed").name());
    }

    @Test
    void sameHook_isEqual() {
        assertEquals(HookEvent.relationChanged("db"), HookEvent.relationChanged("db"));
        assertEquals(HookEvent.relationChanged("db").hashCode(), HookEvent.relationChanged("db").hashCode());
        assertNotEquals(HookEvent.relationChanged("db"), HookEvent.relationBroken("db"));
    }

    @Test
    void namedHook_withoutAName_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HookEvent.relationChanged(" "));

        assertEquals("a relation-changed hook needs a name", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HookEvent.pebbleReady(null));
        assertThrows(IllegalArgumentException.class, () -> HookEvent.custom(""));
    }

    @Test
    void custom_withAJujuHookName_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HookEvent.custom("update-status"));

        assertEquals("\"update-status\" is a Juju hook name; observe it with HookEvent's constants and factories", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HookEvent.custom("db-relation-changed"));
        assertThrows(IllegalArgumentException.class, () -> HookEvent.custom("postgresql-pebble-ready"));
        assertThrows(IllegalArgumentException.class, () -> HookEvent.custom("pgdata-storage-attached"));
    }

    @Test
    void event_is_matchesItsHookOrAction_only() {
        Event custom = Event.custom(HookEvent.custom("restore"), Map.of());
        Event action = new Event("restore", Event.Kind.ACTION, Map.of());

        assertTrue(custom.is(HookEvent.custom("restore")));
        assertFalse(custom.is(ActionEvent.named("restore")));
        assertTrue(action.is(ActionEvent.named("restore")));
        assertFalse(action.is(HookEvent.custom("restore")));
        assertFalse(action.is(ActionEvent.named("create-backup")));
    }
}
