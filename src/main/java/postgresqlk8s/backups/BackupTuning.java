package postgresqlk8s.backups;

import java.util.Optional;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.StoredState;
import postgresqlk8s.pgbackrest.CpuAllowance;
import postgresqlk8s.pgbackrest.PgBackRestConfig;
import postgresqlk8s.pgbackrest.TuningRule;
import postgresqlk8s.workload.ExecResult;
import postgresqlk8s.workload.WorkloadExec;
import postgresqlk8s.workload.WorkloadUnreachableException;

/**
 * The tuning {@code pgbackrest.conf} is written with: the config options ({@link TuningOptions}) and the
 * workload container's CPUs ({@link CpuAllowance}) through the {@link TuningRule}. The CPUs are read once
 * (one exec) and kept in the unit's state until the container starts again ({@link #forgetCpus}), since a
 * new CPU limit means a new pod. Options that do not validate leave the last ones that did in force (the
 * config-changed that brought them blocks, see {@link #options}); the CPUs that cannot be read leave the
 * 2-core tuning, with the reason in the log, and never fail the hook.
 */
final class BackupTuning {

    /** Unit state: the CPUs last read from the container, "cores source". */
    static final String CPUS_KEY = "backup-tuning.cpus";
    /** Unit state: the options last applied ({@link TuningOptions#encode}). */
    static final String OPTIONS_KEY = "backup-tuning.options";
    /** The cores assumed when the container does not say: the machine the default was measured on. */
    static final int FALLBACK_CORES = 2;
    private static final Logger LOG = Logs.get(BackupTuning.class);

    private final StoredState stored;
    private final java.util.Map<String, Object> config;

    BackupTuning(StoredState stored, java.util.Map<String, Object> config) {
        this.stored = stored;
        this.config = config;
    }

    /** The options as configured, validated; a valid reading is remembered as the one in force. */
    TuningOptions.Reading options() {
        TuningOptions.Reading reading = TuningOptions.read(config);
        if (reading instanceof TuningOptions.Valid valid) {
            stored.put(OPTIONS_KEY, valid.options().encode());
        }
        return reading;
    }

    /** The tuning for this unit's container (the others of the application share its pod template). */
    PgBackRestConfig.Tuning tuning(WorkloadExec exec) throws WorkloadUnreachableException {
        TuningOptions options;
        if (options() instanceof TuningOptions.Valid valid) {
            options = valid.options();
        } else {
            Optional<String> inForce = stored.get(OPTIONS_KEY);
            options = inForce.isPresent() ? TuningOptions.decode(inForce.get()) : TuningOptions.DEFAULTS;
            LOG.warn("backup tuning options invalid; pgBackRest keeps {}", options.encode());
        }
        return TuningRule.derive(options.compression(), options.processMax(), cores(exec));
    }

    /** The container started again, perhaps in a new pod with other limits: read its CPUs anew. */
    void forgetCpus() {
        stored.remove(CPUS_KEY);
    }

    private int cores(WorkloadExec exec) throws WorkloadUnreachableException {
        Optional<String> known = stored.get(CPUS_KEY);
        if (known.isPresent()) {
            try {
                return Integer.parseInt(known.get().split(" ", 2)[0]);
            } catch (NumberFormatException e) {
                stored.remove(CPUS_KEY); // not ours: read again
            }
        }
        ExecResult probe = exec.run(CpuAllowance.probe());
        CpuAllowance.Reading reading = CpuAllowance.parse(probe.stdout());
        if (reading instanceof CpuAllowance.Known k) {
            LOG.info("workload container CPUs: {} ({})", k.allowance().cores(), k.allowance().source());
            stored.put(CPUS_KEY, k.allowance().cores() + " " + k.allowance().source());
            return k.allowance().cores();
        }
        // not kept: the next hook reads again
        LOG.warn("workload container CPUs unknown ({}; exit {}); tuning pgBackRest for {}",
                ((CpuAllowance.Unknown) reading).why(), probe.exitCode(), FALLBACK_CORES);
        return FALLBACK_CORES;
    }
}
