package e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

import k8sapi.LocalKubernetesApi;

/**
 * The Kubernetes API as the charm's client-java sees it in its pod, on 127.0.0.1: pod exec runs the
 * command on this machine (the stand-in workload container), and deleting Patroni's Endpoints removes
 * the cluster's keys from etcd, the store the local stack gives Patroni instead.
 */
final class KubernetesStandIn implements AutoCloseable {

    private final LocalKubernetesApi api;
    private final Path kubeconfig;

    private KubernetesStandIn(LocalKubernetesApi api, Path kubeconfig) {
        this.api = api;
        this.kubeconfig = kubeconfig;
    }

    /** @param deleteEndpoints deletes the named Endpoints' state; false when there is no such object */
    static KubernetesStandIn start(Path dir, Predicate<String> deleteEndpoints) throws IOException {
        Files.createDirectories(dir);
        LocalKubernetesApi api = LocalKubernetesApi.start(LocalStack.MODEL, LocalStack.APP + "-0");
        api.onEndpointsDeletion((namespace, name) ->
                namespace.equals(LocalStack.MODEL) && deleteEndpoints.test(name) ? 200 : 404);
        return new KubernetesStandIn(api, api.writeKubeconfig(dir));
    }

    Path kubeconfig() {
        return kubeconfig;
    }

    LocalKubernetesApi api() {
        return api;
    }

    @Override
    public void close() throws IOException {
        try {
            api.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
