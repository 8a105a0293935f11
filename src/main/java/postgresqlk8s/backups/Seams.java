package postgresqlk8s.backups;

import java.time.Clock;

import postgresqlk8s.kubernetes.ClusterStateStore;
import postgresqlk8s.kubernetes.UnitPod;
import postgresqlk8s.patroni.Patroni;
import postgresqlk8s.patroni.PatroniConfig;
import postgresqlk8s.s3.ObjectStore;
import postgresqlk8s.workload.WorkloadExec;
import postgresqlk8s.workload.WorkloadLayout;

/**
 * Every outside system the backup flows touch, one seam each. Production implementations create their
 * clients on first use; tests pass scripted fakes that record what they were asked.
 */
public record Seams(
        WorkloadExec exec,
        ObjectStore objectStore,
        Patroni patroni,
        ClusterStateStore clusterState,
        UnitPod pod,
        PatroniConfig patroniConfig,
        Clock clock,
        Pause pause,
        WorkloadLayout layout,
        OtherPods otherPods) {

    /** The same seams for another unit's pod of this application, e.g. the primary's. */
    @FunctionalInterface
    public interface OtherPods {
        Seams of(String pod);
    }

    /** Waiting between retries; tests record the waits instead of sleeping. */
    @FunctionalInterface
    public interface Pause {
        void pause(java.time.Duration duration);

        Pause SLEEP = d -> {
            try {
                Thread.sleep(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }
}
