package k8sapi;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The pods a test registered: their Pod objects in the store, and the exec prefix of each. */
final class PodRegistry {

    private final ApiObjects objects;
    private final String namespace;
    private final Map<String, List<String>> execPrefixes = new ConcurrentHashMap<>();

    PodRegistry(ApiObjects objects, String namespace) {
        this.objects = objects;
        this.namespace = namespace;
    }

    void add(LocalPod pod) {
        try {
            objects.create("pods", namespace, pod.object());
        } catch (ApiError e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        execPrefixes.put(pod.name(), pod.execPrefix());
    }

    boolean remove(String name) {
        execPrefixes.remove(name);
        try {
            objects.delete("pods", namespace, name);
            return true;
        } catch (ApiError e) {
            return false;
        }
    }

    /** The pod's container started again (new namespace): exec runs after this prefix from now on; the Pod object stays. */
    void restarted(String name, List<String> execPrefix) {
        execPrefixes.replace(name, execPrefix);
    }

    /** The argv to put before an exec'd command in that pod; empty when its Pod object does not exist. */
    Optional<List<String>> execPrefix(String ns, String pod) {
        if (objects.get("pods", ns, pod).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(execPrefixes.getOrDefault(pod, List.of()));
    }
}
