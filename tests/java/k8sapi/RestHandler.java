package k8sapi;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jujuops.json.Json;

/** The REST calls the charm makes besides exec: read a pod, delete an Endpoints. */
final class RestHandler {

    private static final Pattern POD = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)");
    private static final Pattern ENDPOINTS = Pattern.compile("/api/v1/namespaces/([^/]+)/endpoints/([^/]+)");

    private RestHandler() {}

    static void handle(LocalKubernetesApi api, HttpRequest request, OutputStream out) throws IOException {
        Matcher pod = POD.matcher(request.path());
        Matcher endpoints = ENDPOINTS.matcher(request.path());
        if (request.method().equals("GET") && pod.matches() && api.hasPod(pod.group(1), pod.group(2))) {
            HttpRequest.respond(out, 200, podJson(pod.group(1), pod.group(2)));
        } else if (request.method().equals("DELETE") && endpoints.matches()) {
            deleteEndpoints(api, endpoints.group(1), endpoints.group(2), out);
        } else {
            HttpRequest.respond(out, 404, HttpRequest.status(404, "NotFound", request.path() + " not found"));
        }
    }

    private static void deleteEndpoints(LocalKubernetesApi api, String namespace, String name, OutputStream out)
            throws IOException {
        int code = api.endpointsDeletion().applyAsInt(namespace, name);
        if (code == 200) {
            HttpRequest.respond(out, 200, Json.write(Map.of("kind", "Status", "apiVersion", "v1",
                    "metadata", Map.of(), "status", "Success", "details", Map.of("name", name, "kind", "endpoints"))));
        } else if (code == 404) {
            HttpRequest.respond(out, 404, HttpRequest.status(404, "NotFound", "endpoints \"" + name + "\" not found"));
        } else {
            HttpRequest.respond(out, code, HttpRequest.status(code, "InternalError", "etcdserver: request timed out"));
        }
    }

    private static String podJson(String namespace, String name) {
        return Json.write(Map.of("apiVersion", "v1", "kind", "Pod",
                "metadata", Map.of("name", name, "namespace", namespace),
                "spec", Map.of("containers", List.of(Map.of("name", "postgresql", "image", "postgresql"))),
                "status", Map.of("phase", "Running")));
    }
}
