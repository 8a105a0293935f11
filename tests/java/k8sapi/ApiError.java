package k8sapi;

import java.util.LinkedHashMap;
import java.util.Map;

import jujuops.json.Json;

/** What the API answers instead of an object: an HTTP code and a {@code metav1.Status} worded as the API server words it. */
final class ApiError extends Exception {

    final int code;
    private final String reason;
    private final String resource;
    private final String name;

    private ApiError(int code, String reason, String message, String resource, String name) {
        super(message);
        this.code = code;
        this.reason = reason;
        this.resource = resource;
        this.name = name;
    }

    static ApiError notFound(String resource, String name) {
        return new ApiError(404, "NotFound", resource + " \"" + name + "\" not found", resource, name);
    }

    static ApiError alreadyExists(String resource, String name) {
        return new ApiError(409, "AlreadyExists", resource + " \"" + name + "\" already exists", resource, name);
    }

    static ApiError conflict(String resource, String name) {
        return new ApiError(409, "Conflict", "Operation cannot be fulfilled on " + resource + " \"" + name
                + "\": the object has been modified; please apply your changes to the latest version and try again",
                resource, name);
    }

    static ApiError invalid(String resource, String name, String why) {
        return new ApiError(422, "Invalid", resource + " \"" + name + "\" is invalid: " + why, resource, name);
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, "BadRequest", message, null, null);
    }

    static ApiError expired(long asked, long oldest) {
        return new ApiError(410, "Expired", "too old resource version: " + asked + " (" + oldest + ")", null, null);
    }

    static ApiError unsupported(String what) {
        return new ApiError(415, "UnsupportedMediaType", what + " is not supported here", null, null);
    }

    static ApiError methodNotAllowed(String method, String path) {
        return new ApiError(405, "MethodNotAllowed", method + " is not supported on " + path, null, null);
    }

    static ApiError noSuchPath(String path) {
        return new ApiError(404, "NotFound", "the server could not find the requested resource (" + path + ")",
                null, null);
    }

    /** The {@code metav1.Status} as a map, for a watch's ERROR event. */
    Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.put("metadata", Map.of());
        status.put("status", "Failure");
        status.put("message", getMessage());
        status.put("reason", reason);
        if (name != null) {
            status.put("details", Map.of("name", name, "kind", resource));
        }
        status.put("code", code);
        return status;
    }

    String statusJson() {
        return Json.write(status());
    }
}
