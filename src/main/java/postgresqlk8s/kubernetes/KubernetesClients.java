package postgresqlk8s.kubernetes;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;

/**
 * The process's one Kubernetes API client, built on first use: every Juju hook is a new JVM, and most
 * hooks never talk to Kubernetes, so nothing is read or connected before someone asks.
 *
 * <p>Where the client comes from: a kubeconfig file ({@code KUBECONFIG}, or a path given explicitly, as
 * tests do), else the pod's service account when {@code KUBERNETES_SERVICE_HOST} is set (a charm
 * deployed with {@code --trust}), else nowhere, which {@link #apiClient()} reports.
 *
 * <p>Naming: the namespace is the Juju model's name; unit {@code postgresql-k8s/0} runs in pod
 * {@code postgresql-k8s-0} (see {@link #podOf}).
 */
public final class KubernetesClients implements ApiClientSource {

    /** Bounds every REST call; exec sockets are bounded by their own deadline instead. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private enum Origin { KUBECONFIG, IN_CLUSTER, NONE }

    private final Origin origin;
    private final Path kubeconfig;
    private ApiClient client;

    private KubernetesClients(Origin origin, Path kubeconfig) {
        this.origin = origin;
        this.kubeconfig = kubeconfig;
    }

    /** Chooses the origin from the environment; reads nothing yet. */
    public static KubernetesClients fromEnvironment(Map<String, String> env) {
        String paths = env.getOrDefault("KUBECONFIG", "");
        if (!paths.isBlank()) {
            return fromKubeconfig(Path.of(paths.split(File.pathSeparator)[0]));
        }
        if (!env.getOrDefault("KUBERNETES_SERVICE_HOST", "").isBlank()) {
            return new KubernetesClients(Origin.IN_CLUSTER, null);
        }
        return new KubernetesClients(Origin.NONE, null);
    }

    /** A client from this kubeconfig file, read on first use. */
    public static KubernetesClients fromKubeconfig(Path file) {
        return new KubernetesClients(Origin.KUBECONFIG, file);
    }

    /** The pod that runs a unit: {@code postgresql-k8s/0} becomes {@code postgresql-k8s-0}. */
    public static String podOf(String unitName) {
        int slash = unitName.lastIndexOf('/');
        if (slash <= 0 || slash == unitName.length() - 1) {
            throw new IllegalArgumentException("not a Juju unit name: " + unitName);
        }
        return unitName.substring(0, slash) + "-" + unitName.substring(slash + 1);
    }

    @Override
    public synchronized ApiClient apiClient() throws KubernetesUnavailableException {
        if (client == null) {
            client = build().setReadTimeout(READ_TIMEOUT).build();
        }
        return client;
    }

    private ClientBuilder build() throws KubernetesUnavailableException {
        switch (origin) {
            case KUBECONFIG:
                return fromFile();
            case IN_CLUSTER:
                try {
                    return ClientBuilder.cluster();
                } catch (IOException e) {
                    throw new KubernetesUnavailableException(
                            "cannot read the pod's service account: " + e.getMessage(), e);
                }
            default:
                throw new KubernetesUnavailableException("no Kubernetes API to talk to: neither KUBECONFIG nor "
                        + "KUBERNETES_SERVICE_HOST is set (is the charm running in its pod?)");
        }
    }

    private ClientBuilder fromFile() throws KubernetesUnavailableException {
        try (Reader reader = Files.newBufferedReader(kubeconfig, StandardCharsets.UTF_8)) {
            KubeConfig config = KubeConfig.loadKubeConfig(reader);
            config.setFile(kubeconfig.toFile());
            return ClientBuilder.kubeconfig(config);
        } catch (IOException e) {
            throw new KubernetesUnavailableException("cannot read kubeconfig " + kubeconfig + ": " + e, e);
        } catch (RuntimeException e) {
            // A parser's message may quote the file, token included: name the failure only.
            throw new KubernetesUnavailableException(
                    "kubeconfig " + kubeconfig + " is not usable (" + e.getClass().getSimpleName() + ")");
        }
    }
}
