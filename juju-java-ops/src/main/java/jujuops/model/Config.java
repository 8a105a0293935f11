package jujuops.model;

import java.util.Map;
import java.util.Optional;

/** The charm's configuration as `config-get` reports it. */
public final class Config {

    private final Map<String, Object> values;

    public Config(Map<String, Object> values) {
        this.values = Map.copyOf(values.entrySet().stream()
                .filter(e -> e.getValue() != null)
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    /** A string option; empty when unset or blank. */
    public Optional<String> getString(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String)) {
            throw new ModelError("config option " + key + " is not a string");
        }
        return Optional.of((String) v).filter(s -> !s.isBlank());
    }

    public Optional<Boolean> getBoolean(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Boolean)) {
            throw new ModelError("config option " + key + " is not a boolean");
        }
        return Optional.of((Boolean) v);
    }

    public Optional<Long> getInt(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Long)) {
            throw new ModelError("config option " + key + " is not an integer");
        }
        return Optional.of((Long) v);
    }

    public Map<String, Object> asMap() {
        return values;
    }
}
