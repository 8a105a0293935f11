package k8sapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import k8sapi.RestCalls.Answer;

/** The REST semantics Patroni's Kubernetes DCS relies on, through a plain HTTP client. */
class LocalKubernetesApiRestTest {

    private static final String LABELS = "\"labels\":{\"application\":\"patroni\",\"cluster-name\":\"pg\"}";
    private static final String SELECTOR = "labelSelector=application%3Dpatroni,cluster-name%3Dpg";

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

    private Answer createEndpoints(String name, String more) throws Exception {
        return rest.post("endpoints", "{\"metadata\":{\"name\":\"" + name + "\"," + LABELS + "}" + more + "}");
    }

    @Test
    void create_withoutContentType_is201_withKindUidTimestampAndVersion() throws Exception {
        Answer created = createEndpoints("pg", "");

        assertEquals(201, created.code());
        assertEquals("Endpoints", created.body().get("kind"));
        assertEquals("v1", created.body().get("apiVersion"));
        assertEquals("ns", created.metadata().get("namespace"));
        assertNotNull(created.metadata().get("uid"));
        assertTrue(String.valueOf(created.metadata().get("creationTimestamp")).endsWith("Z"));
        assertEquals(Long.toString(api.resourceVersion()), created.metadata().get("resourceVersion"));
    }

    @Test
    void createTwice_is409AlreadyExists_asAStatus() throws Exception {
        createEndpoints("pg", "");

        Answer again = createEndpoints("pg", "");

        assertEquals(409, again.code());
        assertEquals("Status", again.body().get("kind"));
        assertEquals("AlreadyExists", again.body().get("reason"));
        assertEquals("endpoints \"pg\" already exists", again.body().get("message"));
    }

    @Test
    void patch_mergesAnnotations_nullDeletes_andReplacesSubsetsWhole() throws Exception {
        createEndpoints("pg", ",\"subsets\":[{\"addresses\":[{\"ip\":\"127.0.0.11\"}]},{\"addresses\":[]}]");
        rest.patch("endpoints/pg", "{\"metadata\":{\"annotations\":{\"leader\":\"pg-0\",\"ttl\":\"30\"}}}");

        Answer patched = rest.patch("endpoints/pg", "{\"metadata\":{\"labels\":{\"role\":\"master\"},"
                + "\"annotations\":{\"ttl\":null,\"optime\":\"5\"}},"
                + "\"subsets\":[{\"addresses\":[{\"ip\":\"127.0.0.12\",\"hostname\":null}]}]}");

        assertEquals(200, patched.code());
        assertEquals(Map.of("leader", "pg-0", "optime", "5"), patched.metadata().get("annotations"));
        assertEquals(Map.of("application", "patroni", "cluster-name", "pg", "role", "master"),
                patched.metadata().get("labels"));
        assertEquals(List.of(Map.of("addresses", List.of(Map.of("ip", "127.0.0.12")))), patched.body().get("subsets"));
        assertEquals(patched.body(), api.object("endpoints", "pg").orElseThrow());
    }

    @Test
    void patchCarryingAStaleVersion_is409Conflict_andChangesNothing() throws Exception {
        String first = (String) createEndpoints("pg", "").metadata().get("resourceVersion");
        rest.patch("endpoints/pg", "{\"metadata\":{\"annotations\":{\"leader\":\"pg-0\"}}}");
        long before = api.resourceVersion();

        Answer stale = rest.patch("endpoints/pg",
                "{\"metadata\":{\"resourceVersion\":\"" + first + "\",\"annotations\":{\"leader\":\"pg-1\"}}}");

        assertEquals(409, stale.code());
        assertEquals("Conflict", stale.body().get("reason"));
        assertEquals(before, api.resourceVersion());
        assertEquals(Map.of("leader", "pg-0"), annotations("pg"));
    }

    @Test
    void patchCarryingTheCurrentVersion_applies_andRaisesIt() throws Exception {
        String current = (String) createEndpoints("pg", "").metadata().get("resourceVersion");

        Answer patched = rest.patch("endpoints/pg",
                "{\"metadata\":{\"resourceVersion\":\"" + current + "\",\"annotations\":{\"leader\":\"pg-1\"}}}");

        assertEquals(200, patched.code());
        assertEquals(Long.parseLong(current) + 1, Long.parseLong((String) patched.metadata().get("resourceVersion")));
    }

    @Test
    void patchThatChangesNothing_keepsTheVersion() throws Exception {
        createEndpoints("pg", "");
        long before = api.resourceVersion();

        Answer same = rest.patch("endpoints/pg", "{\"metadata\":{" + LABELS + "}}");

        assertEquals(200, same.code());
        assertEquals(before, api.resourceVersion());
    }

    @Test
    void patchOfAMissingObject_is404NotFound() throws Exception {
        Answer missing = rest.patch("endpoints/nope", "{\"metadata\":{\"annotations\":{\"a\":\"b\"}}}");

        assertEquals(404, missing.code());
        assertEquals("endpoints \"nope\" not found", missing.body().get("message"));
    }

    @Test
    void list_byLabelSelector_holdsOnlyMatchingObjects_andTheVersion() throws Exception {
        createEndpoints("pg", "");
        createEndpoints("pg-config", "");
        rest.post("endpoints", "{\"metadata\":{\"name\":\"other\",\"labels\":{\"application\":\"patroni\"}}}");

        Answer list = rest.get("endpoints?" + SELECTOR);

        assertEquals("EndpointsList", list.body().get("kind"));
        assertEquals(List.of("pg", "pg-config"), list.items().stream().map(KubeObject::name).toList());
        assertEquals(Long.toString(api.resourceVersion()), list.metadata().get("resourceVersion"));
        assertEquals(3, rest.get("endpoints").items().size());
    }

    @Test
    void everyChange_anyKind_raisesOneGlobalVersion() throws Exception {
        long start = api.resourceVersion();
        createEndpoints("pg", "");
        rest.post("services", "{\"metadata\":{\"name\":\"pg-config\"},\"spec\":{\"clusterIP\":\"None\"}}");
        api.addPod(LocalPod.named("pg-0"));
        rest.patch("pods/pg-0", "{\"metadata\":{\"labels\":{\"role\":\"replica\"}}}");
        rest.delete("services/pg-config");

        assertEquals(start + 5, api.resourceVersion());
        assertEquals("replica", labels(api.object("pods", "pg-0").orElseThrow()).get("role"));
    }

    @Test
    void deleteCollection_bySelector_removesOnlyMatching_andAnswersTheList() throws Exception {
        createEndpoints("pg", "");
        createEndpoints("pg-config", "");
        api.addEndpoints("kept");

        Answer deleted = rest.delete("endpoints?" + SELECTOR);

        assertEquals(200, deleted.code());
        assertEquals("EndpointsList", deleted.body().get("kind"));
        assertEquals(List.of("pg", "pg-config"), deleted.items().stream().map(KubeObject::name).toList());
        assertEquals(java.util.Set.of("kept"), api.endpoints());
    }

    @Test
    void deleteOne_endpointsAnswerAStatus_podsTheObject_missingIs404() throws Exception {
        createEndpoints("pg", "");
        api.addPod(LocalPod.named("pg-0"));

        Answer endpoints = rest.delete("endpoints/pg");
        Answer pod = rest.delete("pods/pg-0");
        Answer again = rest.delete("endpoints/pg");

        assertEquals(200, endpoints.code());
        assertEquals("Success", endpoints.body().get("status"));
        assertEquals(200, pod.code());
        assertEquals("Pod", pod.body().get("kind"));
        assertEquals(404, again.code());
        assertFalse(api.object("pods", "pg-0").isPresent());
    }

    @Test
    void registeredPod_hasLabelsIpSpecAndRunningStatus() throws Exception {
        api.addPod(LocalPod.named("pg-0").withLabels(Map.of("application", "patroni")).withIp("127.0.0.11"));

        Answer pod = rest.get("pods/pg-0");

        assertEquals(200, pod.code());
        assertEquals(Map.of("application", "patroni"), pod.metadata().get("labels"));
        assertTrue(pod.body().get("spec") instanceof Map);
        assertEquals(Map.of("phase", "Running", "podIP", "127.0.0.11", "podIPs", List.of(Map.of("ip", "127.0.0.11"))),
                pod.body().get("status"));
    }

    @Test
    void restCalls_recordMethodPathAndQuery_inArrivalOrder() throws Exception {
        rest.watch("pods?labelSelector=a%3Db&watch=true&timeoutSeconds=0");
        createEndpoints("pg", "");

        assertEquals(List.of("GET /api/v1/namespaces/ns/pods?labelSelector=a=b&watch=true&timeoutSeconds=0",
                "POST /api/v1/namespaces/ns/endpoints"), api.restCalls());
    }

    @Test
    void anotherToken_is401_onRestToo() throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        var response = client.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(api.url() + "/api/v1/namespaces/ns/endpoints"))
                .header("Authorization", "Bearer not-it").build(), java.net.http.HttpResponse.BodyHandlers.ofString());

        assertEquals(401, response.statusCode());
    }

    private Map<?, ?> annotations(String endpoints) {
        return (Map<?, ?>) KubeObject.metadata(api.object("endpoints", endpoints).orElseThrow()).get("annotations");
    }

    private static Map<?, ?> labels(Map<String, Object> object) {
        return KubeObject.labels(object);
    }

    @Test
    void failingRestCalls_answerTheStatus_onlyToTheChosenClient_untilLifted() throws Exception {
        createEndpoints("pg", "");
        api.failRestCalls("Patroni/", 500);

        assertEquals(200, rest.get("endpoints/pg").code(), "another client's calls are answered");

        api.failRestCalls("Java-http-client", 500);
        Answer failed = rest.get("endpoints/pg");

        assertEquals(500, failed.code());
        assertEquals("Status", failed.body().get("kind"));
        assertEquals(1, api.failedRestCalls());

        api.failRestCalls("Java-http-client", 0);
        assertEquals(200, rest.get("endpoints/pg").code());
    }
}
