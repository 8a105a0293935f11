package postgresqlk8s.kubernetes;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import jujuops.json.Json;
import jujuops.json.JsonException;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Patroni's Kubernetes state: deletes the Endpoints {@code patroni-<app>} and {@code patroni-<app>-config}
 * through the API. A 404 means already gone, which is what was asked. The answer's status code is read
 * directly instead of through client-java's model classes, which reject any field they do not know.
 */
public final class KubernetesClusterStateStore implements ClusterStateStore {

    private final ApiClientSource clients;
    private final String namespace;
    private final String app;

    public KubernetesClusterStateStore(ApiClientSource clients, String namespace, String app) {
        this.clients = clients;
        this.namespace = namespace;
        this.app = app;
    }

    /** The Endpoints Patroni keeps for this application, in deletion order. */
    public List<String> endpointsNames() {
        return List.of("patroni-" + app, "patroni-" + app + "-config");
    }

    @Override
    public void deleteClusterState() throws ClusterStateException {
        CoreV1Api api;
        try {
            api = new CoreV1Api(clients.apiClient());
        } catch (KubernetesUnavailableException e) {
            throw new ClusterStateException(e.getMessage(), e);
        }
        for (String name : endpointsNames()) {
            delete(api, name);
        }
    }

    private void delete(CoreV1Api api, String name) throws ClusterStateException {
        String what = "deleting Endpoints " + name + " in namespace " + namespace;
        try (Response response = api.deleteNamespacedEndpoints(name, namespace).buildCall(null).execute()) {
            int code = response.code();
            if (response.isSuccessful() || code == 404) {
                return;
            }
            throw new ClusterStateException(what + " failed: HTTP " + code + reason(response.body()));
        } catch (ApiException | IOException e) {
            throw new ClusterStateException(what + " failed: " + e.getMessage(), e);
        }
    }

    /** The Status message the API gave, if any; it names resources, never credentials. */
    private static String reason(ResponseBody body) throws IOException {
        if (body == null) {
            return "";
        }
        try {
            Map<String, Object> status = Json.parseObject(body.string());
            Object message = status.get("message");
            return message == null ? "" : ": " + message;
        } catch (JsonException e) {
            return "";
        }
    }
}
