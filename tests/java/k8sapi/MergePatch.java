package k8sapi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A merge patch as the API server applies it to the kinds Patroni patches (RFC 7386; the strategic form
 * behaves the same for them): maps merge key by key, {@code null} deletes a key, lists such as
 * {@code subsets} are replaced whole. Stored objects never hold nulls, as after the server's decoding.
 */
final class MergePatch {

    private MergePatch() {}

    /** A new map: the target with the patch applied; neither argument changes. */
    static Map<String, Object> apply(Map<?, ?> target, Map<?, ?> patch) {
        Map<String, Object> out = copy(target);
        for (Map.Entry<?, ?> e : patch.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object value = e.getValue();
            if (value == null) {
                out.remove(key);
            } else if (value instanceof Map<?, ?> inner) {
                Object current = out.get(key);
                out.put(key, apply(current instanceof Map<?, ?> m ? m : Map.of(), inner));
            } else {
                out.put(key, copyValue(value));
            }
        }
        return out;
    }

    /** A deep copy without null values. */
    static Map<String, Object> copy(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (v != null) {
                out.put(String.valueOf(k), copyValue(v));
            }
        });
        return out;
    }

    private static Object copyValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            return copy(map);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.stream().filter(v -> v != null).forEach(v -> out.add(copyValue(v)));
            return out;
        }
        return value;
    }
}
