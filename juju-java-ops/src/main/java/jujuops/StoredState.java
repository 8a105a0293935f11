package jujuops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A charm's own key-value memory across dispatches, saved with the deferred events when the dispatch
 * succeeds and thrown away when it fails.
 */
public final class StoredState {

    private final Map<String, String> values;

    StoredState(Map<String, String> initial) {
        this.values = new LinkedHashMap<>(initial);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public void put(String key, String value) {
        if (value == null) {
            throw new IllegalArgumentException("stored values must not be null; use remove");
        }
        values.put(key, value);
    }

    public void remove(String key) {
        values.remove(key);
    }

    Map<String, String> snapshot() {
        return Map.copyOf(values);
    }
}
