package postgresqlk8s.kubernetes;

import java.io.IOException;
import java.util.Map;

import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import jujuops.json.Json;
import jujuops.json.JsonException;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * {@link UnitPod} over the API client's HTTP client: a GET of the pod and a JSON merge patch of its
 * labels. The answers are read as plain JSON rather than client-java's model classes, which reject
 * fields they do not know; the address is asked once per process.
 */
public final class KubernetesUnitPod implements UnitPod {

    private static final MediaType MERGE_PATCH = MediaType.get("application/merge-patch+json");

    private final ApiClientSource clients;
    private final String namespace;
    private final String pod;
    private String address;

    public KubernetesUnitPod(ApiClientSource clients, String namespace, String pod) {
        this.clients = clients;
        this.namespace = namespace;
        this.pod = pod;
    }

    @Override
    public synchronized String address() throws PodException {
        if (address == null) {
            String what = "reading pod " + pod;
            Object status = call(what, api -> api.readNamespacedPod(pod, namespace).buildCall(null).request()).get("status");
            Object ip = status instanceof Map ? ((Map<?, ?>) status).get("podIP") : null;
            if (!(ip instanceof String) || ((String) ip).isBlank()) {
                throw new PodException("pod " + pod + " in namespace " + namespace + " has no IP address yet");
            }
            address = (String) ip;
        }
        return address;
    }

    @Override
    public void label(Map<String, String> labels) throws PodException {
        RequestBody patch = RequestBody.create(Json.write(Map.of("metadata", Map.of("labels", labels))), MERGE_PATCH);
        // The generated call would send a JSON Patch; the same request (URL, credentials) with a merge patch.
        call("labelling pod " + pod, api -> api.patchNamespacedPod(pod, namespace, new V1Patch("{}"))
                .buildCall(null).request().newBuilder().patch(patch).build());
    }

    /** Builds the request for an API call; client-java adds the URL and the credentials. */
    private interface RequestFor {
        Request build(CoreV1Api api) throws ApiException;
    }

    private Map<String, Object> call(String what, RequestFor requestFor) throws PodException {
        ApiClient client;
        try {
            client = clients.apiClient();
        } catch (KubernetesUnavailableException e) {
            throw new PodException(e.getMessage(), e);
        }
        String where = what + " in namespace " + namespace;
        try (Response response = client.getHttpClient().newCall(requestFor.build(new CoreV1Api(client))).execute()) {
            String body = text(response.body());
            if (!response.isSuccessful()) {
                throw new PodException(where + " failed: HTTP " + response.code() + message(body));
            }
            return Json.parseObject(body);
        } catch (ApiException | IOException e) {
            throw new PodException(where + " failed: " + e.getMessage(), e);
        } catch (JsonException e) {
            throw new PodException(where + ": the API answered something that is not a JSON object");
        }
    }

    private static String text(ResponseBody body) throws IOException {
        return body == null ? "" : body.string();
    }

    private static String message(String body) {
        try {
            Object message = Json.parseObject(body).get("message");
            return message instanceof String ? ": " + message : "";
        } catch (JsonException e) {
            return "";
        }
    }
}
