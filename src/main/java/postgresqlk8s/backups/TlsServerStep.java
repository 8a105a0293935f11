package postgresqlk8s.backups;

import java.util.Optional;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import postgresqlk8s.patroni.Patroni;
import postgresqlk8s.pgbackrest.PgBackRest;
import postgresqlk8s.workload.WorkloadCommandException;
import postgresqlk8s.workload.WorkloadService;
import postgresqlk8s.workload.WorkloadUnreachableException;

/**
 * The tail of the S3-credentials flowchart, also run when the {@code certificates} relation changes:
 * the pgBackRest TLS server lets replicas back up through the primary, so it runs only with TLS on in
 * a cluster of more than one unit, and on a replica only once the primary's server answers.
 */
final class TlsServerStep {

    static final String SERVICE = "pgbackrest-server";
    private static final Logger LOG = Logs.get(TlsServerStep.class);

    private final ClusterFacts facts;
    private final Seams seams;
    private final PgBackRest pgbackrest;

    TlsServerStep(ClusterFacts facts, Seams seams, PgBackRest pgbackrest) {
        this.facts = facts;
        this.seams = seams;
        this.pgbackrest = pgbackrest;
    }

    void run() throws WorkloadUnreachableException, WorkloadCommandException {
        WorkloadService services = new WorkloadService(seams.exec(), seams.layout().pebble());
        if (isTlsDisabledOrSingleUnitCluster()) {
            services.stop(SERVICE);
            return;
        }
        if (isReplicaAndTlsServerNotRunningOnPrimary()) {
            LOG.info("the primary's pgBackRest TLS server is not up yet; not starting this one");
            return;
        }
        services.restart(SERVICE);
    }

    boolean isTlsDisabledOrSingleUnitCluster() {
        return !facts.tlsEnabled() || facts.singleUnit();
    }

    boolean isReplicaAndTlsServerNotRunningOnPrimary() throws WorkloadUnreachableException {
        if (facts.member().map(m -> m.isPrimary()).orElse(false)) {
            return false;
        }
        Optional<String> primary;
        try {
            primary = seams.patroni().primaryHost();
        } catch (Patroni.PatroniUnavailableException e) {
            return true;
        }
        return primary.isEmpty() || !pgbackrest.serverPing(primary.get()).succeeded();
    }
}
