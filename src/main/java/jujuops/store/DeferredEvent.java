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
