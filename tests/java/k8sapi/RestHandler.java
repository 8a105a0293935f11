package k8sapi;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntBiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jujuops.json.Json;
import jujuops.json.JsonException;

/**
 * The REST calls on {@code /api/v1/namespaces/{ns}/(pods|endpoints|services)[/{name}]}: list (or watch,
 * {@link WatchHandler}) by label selector, read, create, merge-patch, delete one, delete a collection;
 * Kubernetes-shaped objects, errors as {@code metav1.Status}.
 */
final class RestHandler {

    private static final Pattern PATH = Pattern.compile("/api/v1/namespaces/([^/]+)/([^/]+)(?:/([^/]+))?");
    private static final Set<String> MERGE_PATCHES = Set.of("application/strategic-merge-patch+json",
            "application/merge-patch+json");

    private final LocalKubernetesApi api;
    private final ApiObjects objects;
    private final HttpRequest request;
    private final OutputStream out;

    private RestHandler(LocalKubernetesApi api, HttpRequest request, OutputStream out) {
        this.api = api;
        this.objects = api.objects();
        this.request = request;
        this.out = out;
    }

    static void handle(LocalKubernetesApi api, HttpRequest request, OutputStream out)
            throws IOException, InterruptedException {
        new RestHandler(api, request, out).handle();
    }

    private void handle() throws IOException, InterruptedException {
        Matcher path = PATH.matcher(request.path());
        try {
            if (!path.matches() || !KubeObject.isKept(path.group(2))) {
                throw ApiError.noSuchPath(request.path());
            }
            route(path.group(1), path.group(2), path.group(3));
        } catch (ApiError e) {
            HttpRequest.respond(out, e.code, e.statusJson());
        }
    }

    private void route(String namespace, String resource, String name)
            throws ApiError, IOException, InterruptedException {
        boolean one = name != null;
        switch (request.method()) {
            case "GET" -> {
                if (one) {
                    respond(200, objects.get(resource, namespace, name)
                            .orElseThrow(() -> ApiError.notFound(resource, name)));
                } else if (isWatch()) {
                    WatchHandler.stream(api, new WatchHandler.Target(resource, namespace, selector()), request, out);
                } else {
                    ApiObjects.Listing listing = objects.list(resource, namespace, selector());
                    respond(200, list(resource, listing.version(), listing.items()));
                }
            }
            case "POST" -> respond(201, objects.create(resource, namespace, body(one)));
            case "PATCH" -> respond(200, objects.patch(resource, namespace, required(name), patchBody()));
            case "DELETE" -> {
                if (one) {
                    delete(namespace, resource, name);
                } else {
                    respond(200, list(resource, objects.version(),
                            objects.deleteCollection(resource, namespace, selector())));
                }
            }
            default -> throw ApiError.methodNotAllowed(request.method(), request.path());
        }
    }

    /** Endpoints answer a Status, pods and services the object, as the API server does. */
    private void delete(String namespace, String resource, String name) throws ApiError, IOException {
        ToIntBiFunction<String, String> legacy = api.endpointsDeletion();
        if (resource.equals("endpoints") && legacy != null) {
            deleteThroughCallback(legacy.applyAsInt(namespace, name), name);
            return;
        }
        Map<String, Object> gone = objects.delete(resource, namespace, name);
        if (!resource.equals("endpoints")) {
            respond(200, gone);
            return;
        }
        Object uid = KubeObject.metadata(gone).get("uid");
        respond(200, Map.of("kind", "Status", "apiVersion", "v1", "metadata", Map.of(), "status", "Success",
                "details", Map.of("name", name, "kind", resource, "uid", String.valueOf(uid))));
    }

    private void deleteThroughCallback(int code, String name) throws ApiError, IOException {
        if (code == 200) {
            respond(200, Map.of("kind", "Status", "apiVersion", "v1", "metadata", Map.of(), "status", "Success",
                    "details", Map.of("name", name, "kind", "endpoints")));
        } else if (code == 404) {
            throw ApiError.notFound("endpoints", name);
        } else {
            HttpRequest.respond(out, code, HttpRequest.status(code, "InternalError", "etcdserver: request timed out"));
        }
    }

    private boolean isWatch() {
        String watch = request.param("watch");
        return watch.equalsIgnoreCase("true") || watch.equals("1");
    }

    private LabelSelector selector() throws ApiError {
        return LabelSelector.parse(request.param("labelSelector"));
    }

    private Map<String, Object> body(boolean named) throws ApiError {
        if (named) {
            throw ApiError.methodNotAllowed(request.method(), request.path());
        }
        try {
            return Json.parseObject(request.bodyText());
        } catch (JsonException e) {
            throw ApiError.badRequest("the body is not a JSON object: " + e.getMessage());
        }
    }

    private Map<String, Object> patchBody() throws ApiError {
        String type = request.header("Content-Type").split(";")[0].trim();
        if (!MERGE_PATCHES.contains(type)) {
            throw ApiError.unsupported("PATCH with Content-Type '" + type + "'");
        }
        return body(false);
    }

    private String required(String name) throws ApiError {
        if (name == null) {
            throw ApiError.methodNotAllowed(request.method(), request.path());
        }
        return name;
    }

    private static Map<String, Object> list(String resource, long version, List<Map<String, Object>> items) {
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("kind", KubeObject.kindOf(resource) + "List");
        list.put("apiVersion", "v1");
        list.put("metadata", Map.of("resourceVersion", Long.toString(version)));
        list.put("items", items);
        return list;
    }

    private void respond(int code, Map<String, Object> body) throws IOException {
        HttpRequest.respond(out, code, Json.write(body));
    }
}
