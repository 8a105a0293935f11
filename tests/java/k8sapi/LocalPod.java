package k8sapi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pod as a test registers it with {@link LocalKubernetesApi#addPod}: its name, labels, IP (null for
 * none) and the argv that, put before an exec'd command, runs it inside the pod (for example
 * {@code nsenter --mount=/proc/<pid>/ns/mnt --}; empty runs it on this machine as it is).
 */
public record LocalPod(String name, Map<String, String> labels, String ip, List<String> execPrefix) {

    public static final String CONTAINER = "postgresql";

    public LocalPod {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
            throw new IllegalArgumentException("not a pod name: " + name);
        }
        labels = Map.copyOf(labels);
        execPrefix = List.copyOf(execPrefix);
    }

    /** A pod with no labels, no IP, whose exec runs commands on this machine. */
    public static LocalPod named(String name) {
        return new LocalPod(name, Map.of(), null, List.of());
    }

    public LocalPod withLabels(Map<String, String> newLabels) {
        return new LocalPod(name, newLabels, ip, execPrefix);
    }

    public LocalPod withIp(String newIp) {
        return new LocalPod(name, labels, newIp, execPrefix);
    }

    public LocalPod withExecPrefix(List<String> prefix) {
        return new LocalPod(name, labels, ip, prefix);
    }

    /** The Pod object the API holds: Patroni needs {@code spec} and {@code status} present. */
    Map<String, Object> object() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        metadata.put("labels", new LinkedHashMap<>(labels));
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("phase", "Running");
        if (ip != null) {
            status.put("podIP", ip);
            status.put("podIPs", List.of(Map.of("ip", ip)));
        }
        return Map.of("metadata", metadata,
                "spec", Map.of("containers", List.of(Map.of("name", CONTAINER, "image", CONTAINER))),
                "status", status);
    }
}
