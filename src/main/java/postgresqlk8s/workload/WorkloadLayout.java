package postgresqlk8s.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import jujuops.json.Json;

/**
 * Where things are in the workload container. Production values are those of the charmed-postgresql
 * image; a local test stack, which runs the same processes on one machine, names its own in a JSON file
 * given by {@value #OVERRIDE_ENV}.
 *
 * @param patroniUrl Patroni's REST API; empty means {@code http(s)://<pod>.<app>-endpoints:8008}
 * @param pgBackRestConfigArg true when pgBackRest commands must name the config file (it is not at the
 *                            default {@code /etc/pgbackrest.conf})
 */
public record WorkloadLayout(
        String dataDir,
        String pgBackRestConf,
        String s3CaFile,
        String patroniConf,
        String pebble,
        String pgSocketDir,
        int pgPort,
        String pgUser,
        String patroniUrl,
        String pgBackRestLogPath,
        String pgBackRestLockPath,
        String pgBackRestSpoolPath,
        boolean pgBackRestConfigArg) {

    public static final String OVERRIDE_ENV = "POSTGRESQL_K8S_WORKLOAD_LAYOUT";

    public static final WorkloadLayout PRODUCTION = new WorkloadLayout(
            "/var/lib/postgresql/data/pgdata",
            "/etc/pgbackrest.conf",
            "/etc/pgbackrest-s3-ca.pem",
            "/var/lib/postgresql/data/patroni.yml",
            "/charm/bin/pebble",
            "/tmp",
            5432,
            "postgres",
            "",
            "/var/lib/postgresql/data/logs",
            "/tmp",
            "/var/lib/pgbackrest/spool",
            false);

    /** The production layout, or the one a local stack names in the environment. */
    public static WorkloadLayout fromEnv(Map<String, String> env) {
        String file = env.get(OVERRIDE_ENV);
        if (file == null || file.isBlank()) {
            return PRODUCTION;
        }
        try {
            Map<String, Object> m = Json.parseObject(Files.readString(Path.of(file)));
            WorkloadLayout p = PRODUCTION;
            return new WorkloadLayout(
                    str(m, "data-dir", p.dataDir), str(m, "pgbackrest-conf", p.pgBackRestConf),
                    str(m, "s3-ca-file", p.s3CaFile), str(m, "patroni-conf", p.patroniConf),
                    str(m, "pebble", p.pebble), str(m, "pg-socket-dir", p.pgSocketDir),
                    m.containsKey("pg-port") ? ((Number) m.get("pg-port")).intValue() : p.pgPort,
                    str(m, "pg-user", p.pgUser), str(m, "patroni-url", p.patroniUrl),
                    str(m, "pgbackrest-log-path", p.pgBackRestLogPath), str(m, "pgbackrest-lock-path", p.pgBackRestLockPath),
                    str(m, "pgbackrest-spool-path", p.pgBackRestSpoolPath), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the workload layout named by " + OVERRIDE_ENV, e);
        }
    }

    private static String str(Map<String, Object> m, String key, String fallback) {
        Object v = m.get(key);
        return v instanceof String ? (String) v : fallback;
    }
}
