package k8sapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import postgresqlk8s.kubernetes.ClusterStateStore.ClusterStateException;
import postgresqlk8s.kubernetes.KubernetesClients;
import postgresqlk8s.kubernetes.KubernetesClusterStateStore;

class KubernetesClusterStateStoreTest {

    private static final String NAMESPACE = KubernetesWorkloadExecTest.NAMESPACE;
    private static final String LEADER = "patroni-postgresql-k8s";
    private static final String CONFIG = "patroni-postgresql-k8s-config";

    @TempDir
    Path dir;
    private LocalKubernetesApi api;
    private KubernetesClusterStateStore store;
    private final List<String> asked = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        api = LocalKubernetesApi.start(NAMESPACE, KubernetesWorkloadExecTest.POD);
        store = new KubernetesClusterStateStore(KubernetesClients.fromKubeconfig(api.writeKubeconfig(dir)),
                NAMESPACE, "postgresql-k8s");
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    @Test
    void deletesTheLeaderAndConfigEndpoints_only() throws Exception {
        api.addEndpoints(LEADER, CONFIG, "patroni-other");

        store.deleteClusterState();

        assertEquals(Set.of("patroni-other"), api.endpoints());
    }

    @Test
    void endpointsAlreadyGone_countAsDeleted() throws Exception {
        store.deleteClusterState();

        String base = "DELETE /api/v1/namespaces/" + NAMESPACE + "/endpoints/";
        assertEquals(List.of(base + LEADER, base + CONFIG), api.restCalls());
    }

    @Test
    void deletionThroughACallback_asksItForEachName() throws Exception {
        api.onEndpointsDeletion((namespace, name) -> {
            asked.add(namespace + "/" + name);
            return 404;
        });

        store.deleteClusterState();

        assertEquals(List.of(NAMESPACE + "/" + LEADER, NAMESPACE + "/" + CONFIG), asked);
    }

    @Test
    void serverError_failsWithTheNameAndCode_andNoToken() {
        api.onEndpointsDeletion((namespace, name) -> 500);

        ClusterStateException e = assertThrows(ClusterStateException.class, store::deleteClusterState);

        assertTrue(e.getMessage().contains("deleting Endpoints " + LEADER + " in namespace " + NAMESPACE
                + " failed: HTTP 500: etcdserver: request timed out"), e.getMessage());
        assertFalse(e.getMessage().contains(api.token()));
    }

    @Test
    void refusedCredentials_fail() throws Exception {
        KubernetesClusterStateStore stranger = new KubernetesClusterStateStore(
                KubernetesClients.fromKubeconfig(api.writeKubeconfig(dir, "wrong")), NAMESPACE, "postgresql-k8s");
        api.addEndpoints(LEADER);

        ClusterStateException e = assertThrows(ClusterStateException.class, stranger::deleteClusterState);

        assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
        assertEquals(Set.of(LEADER), api.endpoints());
    }

    @Test
    void withoutAnyKubernetes_fails() {
        KubernetesClusterStateStore nowhere = new KubernetesClusterStateStore(
                KubernetesClients.fromEnvironment(Map.of()), NAMESPACE, "postgresql-k8s");

        ClusterStateException e = assertThrows(ClusterStateException.class, nowhere::deleteClusterState);

        assertTrue(e.getMessage().contains("no Kubernetes API"), e.getMessage());
    }
}
