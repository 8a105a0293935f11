package postgresqlk8s.backups;

import java.util.Optional;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import postgresqlk8s.patroni.Patroni;
import postgresqlk8s.pgbackrest.PgBackRest;
import postgresqlk8s.pgbackrest.TlsServer;
import postgresqlk8s.workload.WorkloadCommandException;
import postgresqlk8s.workload.WorkloadService;
import postgresqlk8s.workload.WorkloadUnreachableException;

/**
 * The tail of the S3-credentials flowchart, also run when the {@code certificates} relation changes or a
 * peer joins or departs: the pgBackRest TLS server lets replicas back up through the primary, so it runs
 * only with TLS on in a cluster of more than one unit, and on a replica only once the primary's server
 * answers. It runs on the configuration just written, whose TLS settings are {@link #tls}: "TLS disabled
 * or single unit cluster" is a configuration without them. A running server reads its configuration
 * only when it starts, so "Start pgBackRest TLS server" is a Pebble restart (which starts a stopped one).
 */
final class TlsServerStep {

    static final String SERVICE = "pgbackrest-server";
    private static final Logger LOG = Logs.get(TlsServerStep.class);

    private final ClusterFacts facts;
    private final Seams seams;
    private final PgBackRest pgbackrest;
    private final Optional<TlsServer> tls;

    /** @param tls the TLS server this unit's {@code pgbackrest.conf} was just written with, if any */
    TlsServerStep(ClusterFacts facts, Seams seams, PgBackRest pgbackrest, Optional<TlsServer> tls) {
        this.facts = facts;
        this.seams = seams;
        this.pgbackrest = pgbackrest;
        this.tls = tls;
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

    /** See {@link TlsServers}: this unit's TLS off, one unit planned, or no peer joined yet. */
    boolean isTlsDisabledOrSingleUnitCluster() {
        return tls.isEmpty();
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
        return primary.isEmpty() || !pgbackrest.serverPing(primary.get(), tls.get().port()).succeeded();
    }
}
