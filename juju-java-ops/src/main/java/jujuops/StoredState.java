package jujuops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A charm's own key-value memory across dispatches, saved with the deferred events when the dispatch
 * succeeds and thrown away when it fails.
 */
public final class StoredState {

    /** Keys the framework keeps for itself; a charm may not use this prefix. */
    static final String RESERVED = "jujuops.";
    /** The unit status the last collect-status set. */
    static final String SHOWN_UNIT_STATUS = RESERVED + "shown-unit-status";

    private final Map<String, String> values;

    /** An empty memory, for a charm's unit tests of the classes that keep state in it. */
    public StoredState() {
        this(Map.of());
    }

    StoredState(Map<String, String> initial) {
        this.values = new LinkedHashMap<>(initial);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(charmKey(key)));
    }

    public void put(String key, String value) {
        charmKey(key);
        if (value == null) {
            throw new IllegalArgumentException("stored values must not be null; use remove");
        }
        values.put(key, value);
    }

    public void remove(String key) {
        values.remove(charmKey(key));
    }

    private static String charmKey(String key) {
        if (key.startsWith(RESERVED)) {
            throw new IllegalArgumentException("stored-state keys starting with " + RESERVED + " are the framework's");
        }
        return key;
    }

    Optional<String> getReserved(String key) {
        return Optional.ofNullable(values.get(key));
    }

    void putReserved(String key, String value) {
        values.put(key, value);
    }

    Map<String, String> snapshot() {
        return Map.copyOf(values);
    }
}
