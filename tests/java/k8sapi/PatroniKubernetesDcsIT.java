package k8sapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jujuops.json.Json;
import postgresqlk8s.kubernetes.KubernetesClients;
import postgresqlk8s.kubernetes.KubernetesClusterStateStore;

/**
 * One real Patroni member uses the stand-in, over HTTPS through a kubeconfig, as its Kubernetes DCS
 * ({@code use_endpoints}): it bootstraps and leads, keeps its leader and config on Endpoints and its
 * role on its Pod, releases the lock when stopped by SIGTERM; then the charm's store deletes the
 * cluster's Endpoints, as a restore does.
 */
class PatroniKubernetesDcsIT {

    private static final String NAMESPACE = "pg-it";
    private static final String APP = "postgresql-k8s";
    private static final String SCOPE = "patroni-" + APP;
    private static final String POD = APP + "-0";

    @TempDir
    Path dir;
    private LocalKubernetesApi api;
    private PatroniMember patroni;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(PatroniMember.available(), "needs root, user postgres, patroni and PostgreSQL 15");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x")); // postgres passes through
        api = LocalKubernetesApi.startTls(NAMESPACE);
        api.addPod(LocalPod.named(POD).withLabels(Map.of("application", "patroni", "cluster-name", SCOPE))
                .withIp("127.0.0.1"));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (patroni != null) {
                patroni.close();
            }
        } finally {
            if (api != null) {
                api.close();
            }
        }
    }

    @Test
    void patroniLeadsThroughTheStandIn_andTheCharmsStoreDeletesItsEndpoints() throws Exception {
        Path kubeconfig = kubeconfigForPostgres();
        patroni = PatroniMember.start(new PatroniMember.Settings(NAMESPACE, SCOPE, POD, "127.0.0.1", freePort(),
                freePort(), kubeconfig), dir.resolve("member-0"));

        assertTrue(await(() -> patroni.isPrimary() || !patroni.isRunning(), Duration.ofSeconds(120))
                && patroni.isPrimary(), "Patroni did not become primary:\n" + patroni.logTail());
        assertEquals(POD, annotations(SCOPE).get("leader"));
        assertTrue(Json.parseObject((String) annotations(SCOPE + "-config").get("config")).containsKey("ttl"),
                "config annotation: " + annotations(SCOPE + "-config"));
        assertTrue(await(() -> "master".equals(podLabels().get("role")), Duration.ofSeconds(30)),
                "role label: " + podLabels());
        assertTrue(api.object("services", SCOPE + "-config").isPresent(), "the config Service Patroni creates");

        assertTrue(patroni.stop(Duration.ofSeconds(60)), "Patroni and its postmaster stopped on SIGTERM");
        assertFalse(annotations(SCOPE).containsKey("leader"), "a clean shutdown releases the leader lock");
        assertFalse(podLabels().containsKey("role"), "and drops the role label (a null in Patroni's patch)");
        new KubernetesClusterStateStore(KubernetesClients.fromKubeconfig(kubeconfig), NAMESPACE, APP)
                .deleteClusterState();

        assertFalse(api.object("endpoints", SCOPE).isPresent());
        assertFalse(api.object("endpoints", SCOPE + "-config").isPresent());
    }

    /** The kubeconfig and its CA in a folder of postgres's, private to it. */
    private Path kubeconfigForPostgres() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("kube"));
        Path kubeconfig = api.writeKubeconfig(folder);
        try (var files = Files.list(folder)) {
            for (Path file : files.toList()) {
                PatroniMember.giveToPostgres(file);
            }
        }
        PatroniMember.giveToPostgres(folder);
        return kubeconfig;
    }

    private Map<?, ?> annotations(String endpoints) {
        Map<?, ?> metadata = KubeObject.metadata(api.object("endpoints", endpoints).orElse(Map.of()));
        return metadata.get("annotations") instanceof Map<?, ?> m ? m : Map.of();
    }

    private Map<?, ?> podLabels() {
        return KubeObject.labels(api.object("pods", POD).orElse(Map.of()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    private static boolean await(BooleanSupplier done, Duration bound) throws InterruptedException {
        long until = System.nanoTime() + bound.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - until > 0) {
                return false;
            }
            Thread.sleep(250);
        }
        return true;
    }
}
