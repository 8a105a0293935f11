package jujuops.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The key-value payload of one secret revision, validated as Juju validates it: at least one key; keys
 * are lower-case letters, digits and single hyphens, start with a letter and are at least 3 characters
 * long; values are strings. {@link #toString} names the keys only.
 */
public final class SecretContent {

    /** Juju's own pattern for secret keys (core/secrets). */
    private static final Pattern KEY = Pattern.compile("^([a-z](?:-?[a-z0-9]){2,})$");

    private final Map<String, String> values;

    private SecretContent(Map<String, String> values) {
        this.values = values;
    }

    /** @throws IllegalArgumentException naming the offending key, never a value */
    public static SecretContent of(Map<String, String> content) {
        if (content == null || content.isEmpty()) {
            throw new IllegalArgumentException("secret content must not be empty");
        }
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : content.entrySet()) {
            if (e.getKey() == null || !KEY.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("secret key '" + e.getKey() + "' is not allowed by Juju: lower-case"
                        + " letters, digits and single hyphens, starting with a letter, at least 3 characters");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("secret value for key '" + e.getKey() + "' must be a string");
            }
            copy.put(e.getKey(), e.getValue());
        }
        return new SecretContent(Collections.unmodifiableMap(copy));
    }

    /** The keys and values, in the order given. */
    public Map<String, String> asMap() {
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretContent && ((SecretContent) o).values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "SecretContent" + values.keySet();
    }
}
