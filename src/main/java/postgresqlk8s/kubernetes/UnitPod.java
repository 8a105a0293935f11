package postgresqlk8s.kubernetes;

import java.util.Map;

/**
 * This unit's pod as the Kubernetes API holds it: its address, and the labels by which Patroni's
 * Kubernetes DCS finds the cluster's members (Patroni lists pods by label; a pod without them is no member).
 */
public interface UnitPod {

    /** The pod's IP address ({@code status.podIP}). */
    String address() throws PodException;

    /** Merges these labels into the pod's. */
    void label(Map<String, String> labels) throws PodException;

    /** The API could not be reached, refused, or answered something unusable. The message holds no credentials. */
    final class PodException extends Exception {
        public PodException(String message) {
            super(message);
        }

        public PodException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
