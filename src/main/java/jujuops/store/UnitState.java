package jujuops.store;

import java.util.List;
import java.util.Map;

/**
 * What a unit keeps between dispatches: deferred events in the order first deferred, the charm's stored
 * key-value state, and the next sequence number for event handles.
 */
public record UnitState(List<DeferredEvent> deferred, Map<String, String> stored, long nextSeq) {

    public static final UnitState EMPTY = new UnitState(List.of(), Map.of(), 1);

    public UnitState {
        deferred = List.copyOf(deferred);
        stored = Map.copyOf(stored);
    }
}
