package k8sapi;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An equality-based label selector, {@code a=b,c==d}: every pair must be among an object's labels.
 * Set-based forms ({@code in}, {@code !=}, bare keys) are refused rather than misread.
 */
record LabelSelector(Map<String, String> required) {

    static final LabelSelector EVERYTHING = new LabelSelector(Map.of());

    LabelSelector {
        required = Map.copyOf(required);
    }

    static LabelSelector parse(String selector) throws ApiError {
        Map<String, String> required = new LinkedHashMap<>();
        for (String term : selector.split(",")) {
            if (term.isBlank()) {
                continue;
            }
            String[] pair = term.split("==?", 2);
            if (pair.length != 2 || term.contains("!") || pair[0].isBlank()) {
                throw ApiError.badRequest("unable to parse requirement: " + term + " (only a=b selectors here)");
            }
            required.put(pair[0].trim(), pair[1].trim());
        }
        return new LabelSelector(required);
    }

    boolean matches(Map<String, Object> object) {
        Map<?, ?> labels = KubeObject.labels(object);
        return required.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
}
