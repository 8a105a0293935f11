package postgresqlk8s;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import jujuops.Framework;
import jujuops.model.Databag;
import jujuops.model.Relation;
import postgresqlk8s.backups.Seams;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.cluster.PeerTls;
import postgresqlk8s.kubernetes.KubernetesClients;
import postgresqlk8s.kubernetes.KubernetesClusterStateStore;
import postgresqlk8s.kubernetes.KubernetesUnitPod;
import postgresqlk8s.kubernetes.UnitPod;
import postgresqlk8s.kubernetes.KubernetesWorkloadExec;
import postgresqlk8s.patroni.PatroniConfig;
import postgresqlk8s.patroni.PatroniRestClient;
import postgresqlk8s.patroni.PatroniYaml;
import postgresqlk8s.patroni.WorkloadPatroniConfig;
import postgresqlk8s.s3.AwsObjectStore;
import postgresqlk8s.workload.WorkloadFiles;
import postgresqlk8s.workload.WorkloadLayout;

/**
 * The production seams: the Kubernetes exec API and Endpoints through client-java, S3 through the AWS
 * SDK, Patroni's REST API. Built only when a flow first needs them; each client connects on first use.
 */
final class ProductionSeams {

    private ProductionSeams() {}

    static Seams create(Framework framework) {
        Map<String, String> env = framework.context().env();
        KubernetesClients kubernetes = KubernetesClients.fromEnvironment(env);
        return forPod(framework, kubernetes, WorkloadLayout.fromEnv(env), KubernetesClients.podOf(framework.model().unitName()));
    }

    /** The seams of a pod of this application: this unit's, or another's (the primary's, say); one API client for all. */
    private static Seams forPod(Framework framework, KubernetesClients kubernetes, WorkloadLayout layout, String pod) {
        String app = framework.model().appName();
        String namespace = framework.model().modelName();
        KubernetesWorkloadExec exec = new KubernetesWorkloadExec(kubernetes, namespace, pod, KubernetesWorkloadExec.CONTAINER);
        PatroniRestClient patroni = new PatroniRestClient(WorkloadLayout.patroniUrl(pod, app));
        KubernetesUnitPod unitPod = new KubernetesUnitPod(kubernetes, namespace, pod);
        WorkloadPatroniConfig patroniConfig = new WorkloadPatroniConfig(new WorkloadFiles(exec), layout,
                () -> cluster(framework, unitPod, pod, app, namespace), patroni);
        return new Seams(exec, new AwsObjectStore(), patroni,
                new KubernetesClusterStateStore(kubernetes, namespace, app), unitPod, patroniConfig,
                Clock.systemUTC(), Seams.Pause.SLEEP, layout, other -> forPod(framework, kubernetes, layout, other));
    }

    /** The cluster as Patroni's configuration names it: the pod's address, passwords from the peer relation. */
    private static PatroniYaml.Cluster cluster(Framework framework, UnitPod unitPod, String pod, String app, String namespace)
            throws PatroniConfig.ConfigException {
        Optional<Relation> peers = framework.model().peers(PeerKeys.ENDPOINT);
        Databag data = peers.orElseThrow(() -> new IllegalStateException("no peer relation yet")).localAppData();
        String address;
        try {
            address = unitPod.address();
        } catch (UnitPod.PodException e) {
            throw new PatroniConfig.ConfigException("cannot learn the pod's address: " + e.getMessage(), e);
        }
        return new PatroniYaml.Cluster("patroni-" + app, pod, WorkloadLayout.podHost(pod, app), address, namespace,
                password(data, PeerKeys.SUPERUSER_PASSWORD), password(data, PeerKeys.REPLICATION_PASSWORD),
                password(data, PeerKeys.REWIND_PASSWORD), tlsEnabled(framework, peers.get(), pod));
    }

    /**
     * Whether the pod's unit recorded in its peer databag that its TLS files are in place: this unit's
     * own data, or a peer's (when this unit renders the primary's configuration).
     */
    private static boolean tlsEnabled(Framework framework, Relation peers, String pod) {
        return PeerTls.enabled(peers, framework.model().unitName(), PeerTls.unitOfPod(framework.model().appName(), pod));
    }

    private static String password(Databag data, String key) {
        return data.get(key).orElseThrow(() -> new IllegalStateException(key + " not generated yet"));
    }
}
