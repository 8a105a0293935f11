package postgresqlk8s.backups;

import java.util.List;
import java.util.Map;

/**
 * The config options that tune pgBackRest, validated where they enter: {@code backup-compression}
 * (pgBackRest's {@code compress-type}) and {@code backup-process-max} (0: derived from the pod's CPUs).
 */
record TuningOptions(String compression, int processMax) {

    static final String COMPRESSION = "backup-compression";
    static final String PROCESS_MAX = "backup-process-max";
    /** pgBackRest 2.45's compress types; zst first, the default. */
    static final List<String> COMPRESSIONS = List.of("zst", "lz4", "gz", "bz2", "none");
    /** pgBackRest's own bound on process-max. */
    static final int MAX_PROCESS_MAX = 999;
    static final TuningOptions DEFAULTS = new TuningOptions("zst", 0);

    TuningOptions {
        if (!COMPRESSIONS.contains(compression) || processMax < 0 || processMax > MAX_PROCESS_MAX) {
            throw new IllegalArgumentException("not a tuning the options allow: " + compression + ", " + processMax);
        }
    }

    /** The options as config-get gave them, or the first one that is wrong with the status that says so. */
    sealed interface Reading permits Valid, Invalid {
    }

    record Valid(TuningOptions options) implements Reading {
    }

    /** @param status the Blocked message: the option, its value and what it may be */
    record Invalid(String status) implements Reading {
    }

    /** An unset option takes its default (Juju gives config.yaml's; a charm upgraded from one without them has none). */
    static Reading read(Map<String, Object> config) {
        Object compression = config.getOrDefault(COMPRESSION, DEFAULTS.compression());
        if (!(compression instanceof String c) || !COMPRESSIONS.contains(c)) {
            return new Invalid(Messages.badOption(COMPRESSION, String.valueOf(compression), String.join(", ", COMPRESSIONS)));
        }
        Object processMax = config.getOrDefault(PROCESS_MAX, (long) DEFAULTS.processMax());
        String allowed = "0 (from the pod's CPUs) to " + MAX_PROCESS_MAX;
        if (!(processMax instanceof Long p) || p < 0 || p > MAX_PROCESS_MAX) {
            return new Invalid(Messages.badOption(PROCESS_MAX, String.valueOf(processMax), allowed));
        }
        return new Valid(new TuningOptions(c, (int) (long) p));
    }

    /** As kept in the unit's state: "zst 0". */
    String encode() {
        return compression + " " + processMax;
    }

    /** What {@link #encode} wrote; anything else (an older charm's state) reads as the defaults. */
    static TuningOptions decode(String stored) {
        String[] parts = stored.split(" ");
        try {
            return new TuningOptions(parts[0], Integer.parseInt(parts[1]));
        } catch (RuntimeException e) {
            return DEFAULTS;
        }
    }
}
