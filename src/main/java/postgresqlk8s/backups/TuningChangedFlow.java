package postgresqlk8s.backups;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.HookOutcome;
import jujuops.model.Status;
import postgresqlk8s.cluster.UnitStatuses;

/**
 * Not in the flowcharts (the reference has no tuning options): config-changed checks
 * {@code backup-compression} and {@code backup-process-max}. A value the charm cannot use blocks the unit
 * with the option, the value and what it may be, and writes nothing, so the {@code pgbackrest.conf} in
 * place stays. Usable values clear that block and write {@code pgbackrest.conf} again; nothing restarts:
 * pgBackRest reads its configuration at every command, so the next backup, restore or WAL segment takes it.
 */
final class TuningChangedFlow {

    private static final Logger LOG = Logs.get(TuningChangedFlow.class);

    private final ClusterFacts facts;
    private final S3CredentialsChangedFlow s3Flow;

    TuningChangedFlow(ClusterFacts facts, S3CredentialsChangedFlow s3Flow) {
        this.facts = facts;
        this.s3Flow = s3Flow;
    }

    HookOutcome handle() {
        TuningOptions.Reading reading = facts.tuning().options();
        if (reading instanceof TuningOptions.Invalid invalid) {
            LOG.warn("backup tuning not applied: {}", invalid.status());
            facts.statuses().set(UnitStatuses.Concern.CONFIG, Status.blocked(invalid.status()));
            return HookOutcome.done();
        }
        facts.statuses().set(UnitStatuses.Concern.CONFIG, Status.active());
        return s3Flow.configurePgBackRest();
    }
}
