package k8sapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import postgresqlk8s.kubernetes.KubernetesClients;
import postgresqlk8s.kubernetes.KubernetesClusterStateStore;
import postgresqlk8s.kubernetes.KubernetesUnavailableException;
import postgresqlk8s.kubernetes.KubernetesWorkloadExec;
import postgresqlk8s.workload.Command;

class KubernetesClientsTest {

    private static final String NAMESPACE = KubernetesWorkloadExecTest.NAMESPACE;
    private static final String POD = KubernetesWorkloadExecTest.POD;

    @TempDir
    Path dir;
    private LocalKubernetesApi api;

    @BeforeEach
    void start() throws Exception {
        api = LocalKubernetesApi.start(NAMESPACE, POD);
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    @Test
    void nothingIsReadOrConnected_untilFirstUse() throws Exception {
        Path kubeconfig = dir.resolve("not-written-yet");
        KubernetesClients clients = KubernetesClients.fromKubeconfig(kubeconfig);
        KubernetesWorkloadExec exec = new KubernetesWorkloadExec(clients, NAMESPACE, POD, "postgresql");
        new KubernetesClusterStateStore(clients, NAMESPACE, "postgresql-k8s");

        Files.move(api.writeKubeconfig(dir), kubeconfig);
        assertEquals(0, api.requests());

        assertEquals(0, exec.run(Command.asRoot(Duration.ofSeconds(5), "true")).exitCode());
        assertEquals(1, api.requests());
    }

    @Test
    void oneClient_isBuiltOnce() throws Exception {
        KubernetesClients clients = KubernetesClients.fromKubeconfig(api.writeKubeconfig(dir));

        assertSame(clients.apiClient(), clients.apiClient());
    }

    @Test
    void kubeconfigNamedInTheEnvironment_reachesTheApiWithItsToken() throws Exception {
        KubernetesClients clients = KubernetesClients.fromEnvironment(
                Map.of("KUBECONFIG", api.writeKubeconfig(dir).toString(), "KUBERNETES_SERVICE_HOST", "10.0.0.1"));

        V1Pod pod = new CoreV1Api(clients.apiClient()).readNamespacedPod(POD, NAMESPACE).execute();

        assertEquals(POD, pod.getMetadata().getName());
    }

    @Test
    void noKubeconfigAndNoCluster_saysWhatIsMissing() {
        KubernetesClients clients = KubernetesClients.fromEnvironment(Map.of("HOME", dir.toString()));

        KubernetesUnavailableException e = assertThrows(KubernetesUnavailableException.class, clients::apiClient);

        assertTrue(e.getMessage().contains("neither KUBECONFIG nor KUBERNETES_SERVICE_HOST"), e.getMessage());
    }

    @Test
    void missingKubeconfig_isUnavailable_namingThePath() {
        Path missing = dir.resolve("missing");

        KubernetesUnavailableException e = assertThrows(KubernetesUnavailableException.class,
                () -> KubernetesClients.fromKubeconfig(missing).apiClient());

        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void unparsableKubeconfig_isUnavailable_withoutQuotingIt() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken"), "users:\n- user: {token: s3cr3t-token\n  : [\n");

        KubernetesUnavailableException e = assertThrows(KubernetesUnavailableException.class,
                () -> KubernetesClients.fromKubeconfig(broken).apiClient());

        assertFalse(e.getMessage().contains("s3cr3t-token"), e.getMessage());
    }

    @Test
    void unitRunsInThePodNamedAfterIt() {
        assertEquals("postgresql-k8s-0", KubernetesClients.podOf("postgresql-k8s/0"));
        assertEquals("pg-12", KubernetesClients.podOf("pg/12"));
        assertThrows(IllegalArgumentException.class, () -> KubernetesClients.podOf("postgresql-k8s"));
    }
}
