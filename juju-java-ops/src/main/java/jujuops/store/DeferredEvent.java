package jujuops.store;

import java.util.Map;
import java.util.Objects;

import jujuops.Event;

/**
 * A deferred event-and-observer pair with a stable identity: the handle {@code <event>[<seq>]} and the
 * observer's registered key. Nothing here depends on object identity, so it survives the process.
 */
public record DeferredEvent(long seq, String eventName, Event.Kind kind, String observer, Map<String, String> snapshot) {

    public DeferredEvent {
        Objects.requireNonNull(eventName, "eventName");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(observer, "observer");
        snapshot = Map.copyOf(snapshot);
    }

    // equals and hashCode are written out: a record's generated ones bootstrap through invokedynamic,
    // ~15 ms of method-handle set-up at the first call in a JVM, and every hook is a new JVM.
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DeferredEvent)) {
            return false;
        }
        DeferredEvent d = (DeferredEvent) o;
        return seq == d.seq && eventName.equals(d.eventName) && kind == d.kind && observer.equals(d.observer)
                && snapshot.equals(d.snapshot);
    }

    @Override
    public int hashCode() {
        return ((Long.hashCode(seq) * 31 + eventName.hashCode()) * 31 + observer.hashCode()) * 31 + snapshot.hashCode();
    }

    @Override
    public String toString() {
        return handle() + "/" + observer + snapshot;
    }

    public static DeferredEvent of(long seq, Event event, String observer) {
        return new DeferredEvent(seq, event.name(), event.kind(), observer, event.snapshot());
    }

    public Event event() {
        return new Event(eventName, kind, snapshot);
    }

    /** E.g. {@code update-status[7]}. */
    public String handle() {
        return eventName + "[" + seq + "]";
    }
}
