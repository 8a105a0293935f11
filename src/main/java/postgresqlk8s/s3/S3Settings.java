package postgresqlk8s.s3;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jujuops.json.Json;
import jujuops.json.JsonException;

/**
 * Reads the s3-integrator's application databag (v0 protocol) into {@link S3Parameters}, as the real
 * provider writes it: plain strings, JSON-encoded lists for {@code attributes} and {@code tls-ca-chain},
 * empty strings for unset fields, and a {@code data} key of the provider's own that is ignored.
 */
public final class S3Settings {

    /** The keys without which there is nothing to connect to, in the order the reference names them. */
    public static final List<String> REQUIRED = List.of("bucket", "access-key", "secret-key");

    /** What reading the databag gave. */
    public sealed interface Reading permits Complete, Missing, Invalid {}

    public record Complete(S3Parameters parameters) implements Reading {}

    /** Required keys absent or empty, in {@link #REQUIRED} order. */
    public record Missing(List<String> names) implements Reading {
        /** As the Python charm prints its list: {@code ['bucket', 'secret-key']}. */
        public String pythonList() {
            List<String> quoted = new ArrayList<>();
            for (String n : names) {
                quoted.add("'" + n + "'");
            }
            return "[" + String.join(", ", quoted) + "]";
        }
    }

    /** A value is present but unusable; the reason names the key, never the value. */
    public record Invalid(String reason) implements Reading {}

    private S3Settings() {}

    public static Reading read(Map<String, String> data) {
        List<String> missing = new ArrayList<>();
        for (String key : REQUIRED) {
            if (value(data, key).isEmpty()) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            return new Missing(missing);
        }
        Optional<S3Endpoint.UriStyle> uriStyle = S3Endpoint.UriStyle.of(value(data, "s3-uri-style").orElse("host"));
        if (uriStyle.isEmpty()) {
            return new Invalid("s3-uri-style must be 'host' or 'path'");
        }
        S3Endpoint endpoint;
        try {
            endpoint = S3Endpoint.parse(value(data, "endpoint").orElse(S3Endpoint.DEFAULT), uriStyle.get());
        } catch (IllegalArgumentException e) {
            return new Invalid(e.getMessage());
        }
        Optional<Integer> retention;
        try {
            retention = value(data, "delete-older-than-days").map(Integer::valueOf);
        } catch (NumberFormatException e) {
            return new Invalid("delete-older-than-days is not a whole number of days");
        }
        if (retention.isPresent() && retention.get() < 1) {
            return new Invalid("delete-older-than-days must be at least 1");
        }
        List<String> caChain;
        try {
            caChain = caChain(value(data, "tls-ca-chain"));
        } catch (IllegalArgumentException e) {
            return new Invalid(e.getMessage());
        }
        String path = "/" + strip(value(data, "path").orElse(""), '/');
        String bucket = strip(value(data, "bucket").orElseThrow(), '/');
        if (bucket.isEmpty()) {
            return new Missing(List.of("bucket"));
        }
        return new Complete(new S3Parameters(
                bucket,
                value(data, "access-key").orElseThrow(),
                value(data, "secret-key").orElseThrow(),
                endpoint,
                value(data, "region").orElse(S3Parameters.DEFAULT_REGION),
                path,
                value(data, "storage-class"),
                retention,
                caChain));
    }

    /** A trimmed, non-empty value. */
    private static Optional<String> value(Map<String, String> data, String key) {
        String v = data.get(key);
        return v == null ? Optional.empty() : Optional.of(v.strip()).filter(s -> !s.isEmpty());
    }

    /** A JSON list of PEM strings, as the provider writes it; a bare PEM is taken as a list of one. */
    private static List<String> caChain(Optional<String> raw) {
        if (raw.isEmpty()) {
            return List.of();
        }
        String text = raw.get();
        if (text.startsWith("-----BEGIN")) {
            return List.of(text);
        }
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (JsonException e) {
            throw new IllegalArgumentException("tls-ca-chain is not a JSON list of certificates");
        }
        if (!(parsed instanceof List)) {
            throw new IllegalArgumentException("tls-ca-chain is " + Json.kind(parsed) + ", expected a list of certificates");
        }
        List<String> out = new ArrayList<>();
        for (Object item : (List<?>) parsed) {
            if (!(item instanceof String) || !((String) item).strip().startsWith("-----BEGIN")) {
                throw new IllegalArgumentException("tls-ca-chain holds an entry that is not a PEM certificate");
            }
            out.add(((String) item).strip());
        }
        return out;
    }

    private static String strip(String s, char c) {
        return stripTrailing(stripLeading(s, c), c);
    }

    private static String stripLeading(String s, char c) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == c) {
            i++;
        }
        return s.substring(i);
    }

    private static String stripTrailing(String s, char c) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == c) {
            end--;
        }
        return s.substring(0, end);
    }
}
