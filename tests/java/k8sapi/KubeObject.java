package k8sapi;

import java.util.Map;

/** Reading the parts of a Kubernetes object, held as the JSON codec's maps, that the store needs. */
final class KubeObject {

    private KubeObject() {}

    /** The kind of objects a resource path holds: {@code endpoints} holds {@code Endpoints}. */
    static String kindOf(String resource) {
        return switch (resource) {
            case "pods" -> "Pod";
            case "endpoints" -> "Endpoints";
            case "services" -> "Service";
            default -> throw new IllegalArgumentException("not a resource the stand-in keeps: " + resource);
        };
    }

    static boolean isKept(String resource) {
        return resource.equals("pods") || resource.equals("endpoints") || resource.equals("services");
    }

    static Map<?, ?> metadata(Map<?, ?> object) {
        return object.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
    }

    static Map<?, ?> labels(Map<?, ?> object) {
        return metadata(object).get("labels") instanceof Map<?, ?> m ? m : Map.of();
    }

    /** The name, or "" when the object has none. */
    static String name(Map<?, ?> object) {
        return metadata(object).get("name") instanceof String s ? s : "";
    }

    /** {@code metadata.resourceVersion} as given, or null when absent. */
    static String resourceVersion(Map<?, ?> object) {
        Object version = metadata(object).get("resourceVersion");
        return version == null ? null : String.valueOf(version);
    }
}
