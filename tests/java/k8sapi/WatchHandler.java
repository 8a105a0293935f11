package k8sapi;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jujuops.json.Json;

/**
 * One watch, answered as the API server does: a chunked stream of {@code {"type":...,"object":...}}
 * lines for the changes after the asked {@code resourceVersion} (without one, or with "0", the current
 * objects come first as ADDED), until {@code timeoutSeconds} or the stand-in's own watch time ends the
 * answer; clients then list and watch again. A version no longer retained gets an ERROR event with a
 * 410 Status, as from the API server's watch cache.
 */
final class WatchHandler {

    /** What is watched. */
    record Target(String resource, String namespace, LabelSelector selector) {}

    private static final long WAKE_MILLIS = 1000;

    private WatchHandler() {}

    static void stream(LocalKubernetesApi api, Target target, HttpRequest request, OutputStream out)
            throws ApiError, IOException, InterruptedException {
        long until = System.nanoTime() + timeout(api, request).toNanos();
        String asked = request.param("resourceVersion");
        long seen;
        List<ApiObjects.Event> first = List.of();
        if (asked.isEmpty() || asked.equals("0")) {
            ApiObjects.Listing now = api.objects().list(target.resource(), target.namespace(), target.selector());
            seen = now.version();
            first = now.items().stream().map(item -> new ApiObjects.Event("ADDED", item)).toList();
        } else {
            seen = version(asked);
        }
        HttpRequest.respondChunked(out, 200);
        for (ApiObjects.Event event : first) {
            send(out, event.type(), event.object());
        }
        while (api.isOpen() && until - System.nanoTime() > 0) {
            long wait = Math.min(WAKE_MILLIS, Math.max(1, (until - System.nanoTime()) / 1_000_000));
            ApiObjects.Events batch;
            try {
                batch = api.objects().changesAfter(target.resource(), target.namespace(), target.selector(), seen, wait);
            } catch (ApiError expired) {
                send(out, "ERROR", expired.status());
                break;
            }
            for (ApiObjects.Event event : batch.events()) {
                send(out, event.type(), event.object());
            }
            seen = batch.upTo();
        }
        HttpRequest.writeChunk(out, new byte[0]);
    }

    private static Duration timeout(LocalKubernetesApi api, HttpRequest request) throws ApiError {
        String seconds = request.param("timeoutSeconds");
        try {
            return seconds.isEmpty() ? api.watchTimeout() : Duration.ofSeconds(Long.parseLong(seconds));
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("timeoutSeconds is not a number: " + seconds);
        }
    }

    private static long version(String asked) throws ApiError {
        try {
            return Long.parseLong(asked);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("resourceVersion is not a number: " + asked);
        }
    }

    private static void send(OutputStream out, String type, Map<String, Object> object) throws IOException {
        HttpRequest.writeChunk(out, (Json.write(Map.of("type", type, "object", object)) + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }
}
