package postgresqlk8s.backups;

import java.util.List;
import java.util.Optional;

import postgresqlk8s.kubernetes.KubernetesClients;
import postgresqlk8s.kubernetes.UnitPod;
import postgresqlk8s.pgbackrest.TlsServer;
import postgresqlk8s.workload.WorkloadLayout;
import postgresqlk8s.workload.WorkloadUnreachableException;

/**
 * Which pgBackRest TLS server, if any, a pod's {@code pgbackrest.conf} describes: one exists when that
 * pod's unit has TLS enabled in a cluster of more than one unit, and it serves every other unit the peer
 * relation lists. The same answer decides whether the server runs ({@link TlsServerStep}), so the
 * service never starts on a configuration without its TLS settings.
 */
final class TlsServers {

    private TlsServers() {}

    /** This unit's own pod. */
    static Optional<TlsServer> ofThisUnit(ClusterFacts facts, Seams seams) throws WorkloadUnreachableException {
        return ofPod(facts, KubernetesClients.podOf(facts.unitName()), seams);
    }

    /**
     * @param pod the pod's name, e.g. {@code postgresql-k8s-1}
     * @param seams that pod's seams (its address, when the layout listens on the pod's own address)
     */
    static Optional<TlsServer> ofPod(ClusterFacts facts, String pod, Seams seams) throws WorkloadUnreachableException {
        List<String> units = facts.units();
        Optional<String> unit = units.stream().filter(u -> KubernetesClients.podOf(u).equals(pod)).findFirst();
        if (unit.isEmpty() || !facts.tlsEnabled(unit.get()) || facts.singleUnit()) {
            return Optional.empty();
        }
        List<String> peerHosts = units.stream()
                .filter(u -> !u.equals(unit.get()))
                .map(u -> WorkloadLayout.podHost(KubernetesClients.podOf(u), facts.appName()))
                .toList();
        if (peerHosts.isEmpty()) {
            return Optional.empty(); // more units planned, none joined yet: nobody to serve
        }
        WorkloadLayout layout = seams.layout();
        return Optional.of(new TlsServer(layout.tlsServerAddress(podAddress(layout, seams.pod())),
                layout.pgBackRestServerPort(), peerHosts));
    }

    /** The pod's IP, asked only when the layout listens on it (production listens on all addresses). */
    private static String podAddress(WorkloadLayout layout, UnitPod pod) throws WorkloadUnreachableException {
        if (layout.listen() == WorkloadLayout.Listen.ALL_ADDRESSES) {
            return "";
        }
        try {
            return pod.address();
        } catch (UnitPod.PodException e) {
            throw new WorkloadUnreachableException("cannot learn the pod's address: " + e.getMessage(), e);
        }
    }
}
