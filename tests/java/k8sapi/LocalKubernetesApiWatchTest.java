package k8sapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Watches as Patroni's object caches use them: events after a version, on a stream the server ends. */
class LocalKubernetesApiWatchTest {

    private static final String SELECTOR = "labelSelector=cluster-name%3Dpg";
    private static final String LABELS = "\"labels\":{\"cluster-name\":\"pg\"}";

    private LocalKubernetesApi api;
    private RestCalls rest;

    @BeforeEach
    void start() throws Exception {
        api = LocalKubernetesApi.start("ns");
        rest = new RestCalls(api);
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    @Test
    void watchFromAVersion_deliversAddedModifiedDeleted_afterIt_only() throws Exception {
        rest.post("endpoints", "{\"metadata\":{\"name\":\"before\"," + LABELS + "}}");
        long from = api.resourceVersion();
        rest.post("endpoints", "{\"metadata\":{\"name\":\"pg\"," + LABELS + "}}");
        rest.patch("endpoints/pg", "{\"metadata\":{\"annotations\":{\"leader\":\"pg-0\"}}}");
        rest.post("endpoints", "{\"metadata\":{\"name\":\"unlabelled\"}}");
        rest.delete("endpoints/pg");

        List<Map<String, Object>> events = rest.watch("endpoints?" + SELECTOR + "&watch=True&timeoutSeconds=1"
                + "&resourceVersion=" + from);

        assertEquals(List.of("ADDED", "MODIFIED", "DELETED"), types(events));
        assertEquals(List.of("pg", "pg", "pg"), events.stream().map(e -> KubeObject.name(object(e))).toList());
        assertEquals(Long.toString(api.resourceVersion()), KubeObject.resourceVersion(object(events.get(2))),
                "a DELETED event carries the deletion's version, newer than the object's last");
    }

    @Test
    void openWatch_deliversChangesAsTheyHappen_andTheServerEndsIt() throws Exception {
        api.watchTimeout(Duration.ofSeconds(2));
        long from = api.resourceVersion();
        Thread writer = new Thread(() -> {
            try {
                Thread.sleep(300);
                api.addPod(LocalPod.named("pg-0").withLabels(Map.of("cluster-name", "pg")));
                api.removePod("pg-0");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        writer.start();
        long start = System.nanoTime();

        List<Map<String, Object>> events = rest.watch("pods?" + SELECTOR + "&watch=true&resourceVersion=" + from);

        writer.join();
        assertEquals(List.of("ADDED", "DELETED"), types(events));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(Duration.ofSeconds(1)) > 0 && took.compareTo(Duration.ofSeconds(6)) < 0, "took " + took);
    }

    @Test
    void watchWithoutAVersion_startsWithTheCurrentObjectsAsAdded() throws Exception {
        rest.post("endpoints", "{\"metadata\":{\"name\":\"pg\"," + LABELS + "}}");

        List<Map<String, Object>> events = rest.watch("endpoints?" + SELECTOR + "&watch=true&timeoutSeconds=1");

        assertEquals(List.of("ADDED"), types(events));
    }

    @Test
    void objectThatStopsMatching_isDeletedForTheWatch() throws Exception {
        rest.post("endpoints", "{\"metadata\":{\"name\":\"pg\"," + LABELS + "}}");
        long from = api.resourceVersion();
        rest.patch("endpoints/pg", "{\"metadata\":{\"labels\":{\"cluster-name\":null}}}");

        List<Map<String, Object>> events = rest.watch("endpoints?" + SELECTOR + "&watch=true&timeoutSeconds=1"
                + "&resourceVersion=" + from);

        assertEquals(List.of("DELETED"), types(events));
    }

    private static List<Object> types(List<Map<String, Object>> events) {
        return events.stream().map(e -> e.get("type")).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> event) {
        return (Map<String, Object>) event.get("object");
    }
}
