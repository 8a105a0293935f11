package postgresqlk8s.kubernetes;

/**
 * Patroni's record of the cluster in its distributed configuration store: on Kubernetes the Endpoints
 * {@code patroni-<app>} and {@code patroni-<app>-config} in the model's namespace. A restore deletes it
 * so that Patroni bootstraps a new cluster from the backup.
 */
public interface ClusterStateStore {

    /** Deletes the cluster's state; state that is already gone counts as deleted. */
    void deleteClusterState() throws ClusterStateException;

    /** The store refused or could not be reached. The message holds no credentials. */
    final class ClusterStateException extends Exception {
        public ClusterStateException(String message) {
            super(message);
        }

        public ClusterStateException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
