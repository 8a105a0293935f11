package k8sapi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The kubeconfig that names a stand-in: one cluster, one user with a bearer token, one context. */
final class Kubeconfig {

    private Kubeconfig() {}

    /** @param caFile the CA that verifies an https server, or null for plain HTTP */
    static Path write(Path file, String server, Path caFile, String namespace, String context, String token)
            throws IOException {
        List<String> lines = new ArrayList<>(List.of("apiVersion: v1", "kind: Config", "clusters:", "- name: local",
                "  cluster:", "    server: " + server));
        if (caFile != null) {
            lines.add("    certificate-authority: " + caFile.toAbsolutePath());
        }
        lines.addAll(List.of("contexts:", "- name: " + context, "  context:", "    cluster: local", "    user: charm",
                "    namespace: " + namespace, "current-context: " + context, "users:", "- name: charm", "  user:",
                "    token: " + token, ""));
        return Files.writeString(file, String.join("\n", lines));
    }
}
