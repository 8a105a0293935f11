package postgresqlk8s.backups;

import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.Event;
import jujuops.HookOutcome;
import postgresqlk8s.pgbackrest.TlsServer;
import postgresqlk8s.s3.S3Parameters;
import postgresqlk8s.s3.S3Requirer;
import postgresqlk8s.s3.S3Settings;
import postgresqlk8s.workload.WorkloadCommandException;
import postgresqlk8s.workload.WorkloadUnreachableException;

/**
 * What pgBackRest's TLS settings depend on changed: certificates came or went, or a peer joined or
 * departed. Once backups are set up (a stanza and complete S3 settings, so there is a
 * {@code pgbackrest.conf}), this unit's configuration is written again with the TLS server as it now is
 * ({@link TlsServers}), and the part of the S3-credentials flowchart from "Is TLS disabled or single unit
 * cluster" on runs again on it ({@link TlsServerStep}).
 */
final class TlsServerFlow {

    private static final Logger LOG = Logs.get(TlsServerFlow.class);

    private final ClusterFacts facts;
    private final S3Requirer s3;
    private final Supplier<Seams> seams;

    TlsServerFlow(ClusterFacts facts, S3Requirer s3, Supplier<Seams> seams) {
        this.facts = facts;
        this.s3 = s3;
        this.seams = seams;
    }

    public HookOutcome handle(Event event) {
        Optional<S3Settings.Reading> reading = s3.read();
        if (facts.stanza().isEmpty() || reading.isEmpty() || !(reading.get() instanceof S3Settings.Complete)) {
            return HookOutcome.done();
        }
        S3Parameters settings = ((S3Settings.Complete) reading.get()).parameters();
        Repository repository = new Repository(seams.get(), facts.stanzaName(), settings);
        try {
            Optional<TlsServer> tls = TlsServers.ofThisUnit(facts, seams.get());
            repository.configure(settings, tls, facts.tuning().tuning(seams.get().exec()));
            new TlsServerStep(facts, seams.get(), repository.pgbackrest(), tls).run();
            return HookOutcome.done();
        } catch (WorkloadUnreachableException e) {
            LOG.warn("workload not reachable; will settle pgBackRest's TLS settings later: {}", e.getMessage());
            return HookOutcome.defer();
        } catch (WorkloadCommandException e) {
            LOG.warn("could not settle pgBackRest's TLS settings: {}", e.getMessage());
            return HookOutcome.done();
        }
    }
}
