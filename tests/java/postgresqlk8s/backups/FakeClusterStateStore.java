package postgresqlk8s.backups;

import postgresqlk8s.kubernetes.ClusterStateStore;

/** Patroni's Kubernetes state, recording deletions; set {@code failure} to make them fail. */
final class FakeClusterStateStore implements ClusterStateStore {

    int deletions;
    String failure;
    /** Runs at each successful deletion, e.g. to note what the workload had been asked by then. */
    Runnable onDelete = () -> {};

    @Override
    public void deleteClusterState() throws ClusterStateException {
        if (failure != null) {
            throw new ClusterStateException(failure);
        }
        deletions++;
        onDelete.run();
    }
}
