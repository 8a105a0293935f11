package bench;

import java.util.LinkedHashMap;
import java.util.Map;

import postgresqlk8s.pgbackrest.PgBackRestConfig;
import postgresqlk8s.pgbackrest.TuningRule;

/**
 * The tuning rule's choice for a 16-CPU pod, applied to issue 14's measurements on a 16-core machine
 * (pgBackRest 2.45, the charm's repository settings, a posix repository, one run each): backup seconds
 * by compress-type and process-max, for two data sets. Prints "name: value" lines for bench/run. The
 * rule is the charm's own ({@link TuningRule}); the table is the issue's, written out.
 */
public final class TuningRuleFigures {

    /** Issue 14's table: configuration -> seconds; a configuration it did not measure is absent. */
    static final Map<String, Map<String, Double>> TABLE = new LinkedHashMap<>();

    static {
        Map<String, Double> pgbench = new LinkedHashMap<>(); // 3.7 GB, compresses 22x
        pgbench.put("zst_pm1", 12.35);
        pgbench.put("zst_pm2", 8.52);
        pgbench.put("zst_pm4", 5.67);
        pgbench.put("zst_pm8", 5.46);
        pgbench.put("zst_pm12", 5.44);
        pgbench.put("zst_pm16", 5.55);
        pgbench.put("lz4_pm1", 11.62);
        pgbench.put("lz4_pm8", 4.91);
        pgbench.put("lz4_pm16", 4.65);
        Map<String, Double> text = new LinkedHashMap<>(); // random text, 2.1 GB, compresses 2.3x
        text.put("zst_pm1", 28.36);
        text.put("zst_pm2", 18.50);
        text.put("zst_pm4", 13.82);
        text.put("zst_pm8", 18.02);
        text.put("zst_pm12", 16.73);
        text.put("zst_pm16", 15.32);
        text.put("lz4_pm1", 14.29);
        text.put("lz4_pm16", 9.19);
        TABLE.put("pgbench", pgbench);
        TABLE.put("text", text);
    }

    private TuningRuleFigures() {}

    public static void main(String[] args) {
        int cores = 16;
        PgBackRestConfig.Tuning zst = TuningRule.derive("zst", 0, cores);
        PgBackRestConfig.Tuning lz4 = TuningRule.derive("lz4", 0, cores);
        System.out.printf("tuning_rule_16core_process_max: %d%n", zst.processMax());
        System.out.printf("tuning_rule_16core_archive_process_max: %d%n", zst.archiveProcessMax());
        // The default compression (zst) at the rule's process count, against the best of the whole table.
        System.out.printf("tuning_rule_16core_vs_best_ratio: %.3f%n", worst(key(zst), null));
        // The same, against the best zst: what the process count alone leaves.
        System.out.printf("tuning_rule_16core_vs_best_zst_ratio: %.3f%n", worst(key(zst), "zst_"));
        // With backup-compression=lz4 the rule's choice.
        System.out.printf("tuning_rule_16core_lz4_vs_best_ratio: %.3f%n", worst(key(lz4), null));
        // The fixed process-max 2 the charm had before, for comparison.
        System.out.printf("tuning_fixed_pm2_16core_vs_best_ratio: %.3f%n", worst("zst_pm2", null));
    }

    private static String key(PgBackRestConfig.Tuning t) {
        return t.compressType() + "_pm" + t.processMax();
    }

    /** The larger, over the two data sets, of this configuration's time over the best one's (of those with the prefix). */
    static double worst(String configuration, String prefix) {
        double worst = 0;
        for (Map.Entry<String, Map<String, Double>> data : TABLE.entrySet()) {
            Double time = data.getValue().get(configuration);
            if (time == null) {
                throw new IllegalStateException("the issue's table has no " + configuration + " for " + data.getKey());
            }
            double best = Double.MAX_VALUE;
            for (Map.Entry<String, Double> e : data.getValue().entrySet()) {
                if (prefix == null || e.getKey().startsWith(prefix)) {
                    best = Math.min(best, e.getValue());
                }
            }
            worst = Math.max(worst, time / best);
        }
        return worst;
    }
}
