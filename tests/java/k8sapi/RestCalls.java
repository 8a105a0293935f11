package k8sapi;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;

import jujuops.json.Json;

/** Plain {@link HttpClient} calls on a stand-in, with its token, for tests of the REST semantics. */
final class RestCalls {

    /** An answer: its code and its JSON body. */
    record Answer(int code, Map<String, Object> body) {
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata() {
            return (Map<String, Object>) body.get("metadata");
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items() {
            return (List<Map<String, Object>>) body.get("items");
        }
    }

    private final HttpClient client;
    private final String base;
    private final String token;

    RestCalls(LocalKubernetesApi api) {
        this(api, HttpClient.newHttpClient(), api.token());
    }

    RestCalls(LocalKubernetesApi api, SSLContext trusting) {
        this(api, HttpClient.newBuilder().sslContext(trusting).build(), api.token());
    }

    private RestCalls(LocalKubernetesApi api, HttpClient client, String token) {
        this.client = client;
        this.base = api.url() + "/api/v1/namespaces/" + api.namespace() + "/";
        this.token = token;
    }

    Answer get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    /** POST with no Content-Type, as Patroni sends it. */
    Answer post(String path, String json) throws IOException, InterruptedException {
        return send(request(path).POST(BodyPublishers.ofString(json)));
    }

    /** PATCH as Patroni sends it: a strategic merge patch. */
    Answer patch(String path, String json) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/strategic-merge-patch+json")
                .method("PATCH", BodyPublishers.ofString(json)));
    }

    Answer delete(String path) throws IOException, InterruptedException {
        return send(request(path).DELETE());
    }

    /** The events of one watch, read until the server ends it. */
    List<Map<String, Object>> watch(String path) throws IOException, InterruptedException {
        HttpResponse<java.util.stream.Stream<String>> response =
                client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            throw new IOException("watch answered " + response.statusCode());
        }
        try (var lines = response.body()) {
            return lines.filter(line -> !line.isBlank()).map(Json::parseObject).toList();
        }
    }

    private java.net.http.HttpRequest.Builder request(String path) {
        return java.net.http.HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(20));
    }

    private Answer send(java.net.http.HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), Json.parseObject(response.body()));
    }
}
