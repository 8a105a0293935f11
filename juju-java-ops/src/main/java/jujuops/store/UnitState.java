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

    // equals and hashCode are written out: a record's generated ones bootstrap through invokedynamic,
    // ~15 ms of method-handle set-up at the first call in a JVM, and every hook is a new JVM.
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof UnitState)) {
            return false;
        }
        UnitState other = (UnitState) o;
        return nextSeq == other.nextSeq && deferred.equals(other.deferred) && stored.equals(other.stored);
    }

    @Override
    public int hashCode() {
        return (deferred.hashCode() * 31 + stored.hashCode()) * 31 + Long.hashCode(nextSeq);
    }

    @Override
    public String toString() {
        return "UnitState[deferred=" + deferred + ", stored=" + stored.keySet() + ", nextSeq=" + nextSeq + "]";
    }
}
