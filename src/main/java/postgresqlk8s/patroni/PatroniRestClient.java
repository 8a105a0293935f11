package postgresqlk8s.patroni;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jujuops.json.Json;
import jujuops.json.JsonException;

/**
 * Patroni's REST API over the JDK's URL connection (cheap to load: every hook is a new JVM).
 * {@code GET /patroni} answers 200 with the member's state whatever its role, and 503 when PostgreSQL
 * is not running, still with a JSON body. Any other status is no answer from Patroni: a 500 or 502 with
 * a body (Python's error page, a proxy's) or a 401/403 (the API's authentication or allowlist) must not
 * pass for the member's state or for a reload Patroni took.
 */
public final class PatroniRestClient implements Patroni {

    private static final int TIMEOUT_MS = 5_000;

    private final String baseUrl;

    /** @param baseUrl e.g. {@code http://postgresql-k8s-0.postgresql-k8s-endpoints:8008} */
    public PatroniRestClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    @Override
    public MemberStatus member() throws PatroniUnavailableException {
        Map<String, Object> doc;
        try {
            doc = Json.parseObject(request("GET", "/patroni", 200, 503));
        } catch (JsonException e) {
            throw new PatroniUnavailableException("Patroni answered " + baseUrl + "/patroni with something that is not JSON");
        }
        Object role = doc.get("role");
        Object state = doc.get("state");
        Object timeline = doc.get("timeline");
        // Patroni lists only the tags that are set: noloadbalance appears while it is true.
        Object tags = doc.get("tags");
        boolean noloadbalance = tags instanceof Map && Boolean.TRUE.equals(((Map<?, ?>) tags).get("noloadbalance"));
        return new MemberStatus(role instanceof String ? (String) role : "unknown",
                state instanceof String ? (String) state : "unknown",
                timeline instanceof Number ? ((Number) timeline).longValue() : 0, noloadbalance);
    }

    @Override
    public java.util.Optional<String> primaryHost() throws PatroniUnavailableException {
        return leaderField("host");
    }

    @Override
    public java.util.Optional<String> primaryName() throws PatroniUnavailableException {
        return leaderField("name");
    }

    /** A field of the cluster's leader member in {@code /cluster}; empty when there is no leader. */
    private java.util.Optional<String> leaderField(String field) throws PatroniUnavailableException {
        Object members;
        try {
            members = Json.parseObject(request("GET", "/cluster", 200)).get("members");
        } catch (JsonException e) {
            throw new PatroniUnavailableException("Patroni answered " + baseUrl + "/cluster with something that is not JSON");
        }
        if (members instanceof java.util.List) {
            for (Object m : (java.util.List<?>) members) {
                if (m instanceof Map && "leader".equals(((Map<?, ?>) m).get("role")) && ((Map<?, ?>) m).get(field) instanceof String) {
                    return java.util.Optional.of((String) ((Map<?, ?>) m).get(field));
                }
            }
        }
        return java.util.Optional.empty();
    }

    @Override
    public void reload() throws PatroniUnavailableException {
        request("POST", "/reload", 200, 202);
    }

    /** The body of Patroni's answer, which must have one of the statuses {@code answered}. */
    private String request(String method, String path, int... answered) throws PatroniUnavailableException {
        HttpURLConnection conn = null;
        try {
            conn = (HttpURLConnection) new URL(baseUrl + path).openConnection();
            conn.setRequestMethod(method);
            conn.setConnectTimeout(TIMEOUT_MS);
            conn.setReadTimeout(TIMEOUT_MS);
            int code = conn.getResponseCode();
            InputStream body = code < 400 ? conn.getInputStream() : conn.getErrorStream();
            String text = body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8);
            if (java.util.Arrays.stream(answered).noneMatch(a -> a == code) || code >= 500 && text.isBlank()) {
                throw new PatroniUnavailableException(method + " " + path + " answered HTTP " + code);
            }
            return text;
        } catch (IOException e) {
            throw new PatroniUnavailableException("Patroni at " + baseUrl + " does not answer: " + e.getMessage(), e);
        } finally {
            if (conn != null) {
                conn.disconnect();
            }
        }
    }
}
