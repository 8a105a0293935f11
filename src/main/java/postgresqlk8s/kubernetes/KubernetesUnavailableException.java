package postgresqlk8s.kubernetes;

/**
 * No Kubernetes API client can be built: neither a kubeconfig nor an in-cluster service account is
 * available, or what is there cannot be read. The message names the source, never its credentials.
 */
public final class KubernetesUnavailableException extends Exception {
    public KubernetesUnavailableException(String message) {
        super(message);
    }

    public KubernetesUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
