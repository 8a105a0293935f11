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
 * @param etcdHosts Patroni's DCS when not empty ({@code host:port}); empty means Kubernetes Endpoints,
 *                  the production DCS — the one part of Patroni's configuration a local stack changes
 * @param memberHost where other members and clients reach this one; empty means the pod's DNS name
 *                   {@code <pod>.<app>-endpoints}
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
        boolean pgBackRestConfigArg,
        String pgBinDir,
        String patroniListen,
        String pgListen,
        String etcdHosts,
        String memberHost) {

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
            false,
            "/usr/lib/postgresql/14/bin",
            "0.0.0.0:8008",
            "0.0.0.0:5432",
            "",
            "");

    /** The address of this member: the configured one, else the pod's name in the app's headless service. */
    public String memberHost(String pod, String app) {
        return memberHost.isEmpty() ? pod + "." + app + "-endpoints" : memberHost;
    }

    /** Patroni's REST API: the configured URL, else on the member's host at Patroni's port. */
    public String patroniUrl(String pod, String app) {
        if (!patroniUrl.isEmpty()) {
            return patroniUrl;
        }
        return "http://" + memberHost(pod, app) + ":" + patroniListen.substring(patroniListen.lastIndexOf(':') + 1);
    }

    /** True when Patroni keeps its state in etcd (a local stack) rather than Kubernetes Endpoints. */
    public boolean etcdDcs() {
        return !etcdHosts.isEmpty();
    }

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
                    str(m, "pgbackrest-spool-path", p.pgBackRestSpoolPath), true,
                    str(m, "pg-bin-dir", p.pgBinDir), str(m, "patroni-listen", p.patroniListen),
                    str(m, "pg-listen", p.pgListen), str(m, "etcd-hosts", p.etcdHosts),
                    str(m, "member-host", p.memberHost));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the workload layout named by " + OVERRIDE_ENV, e);
        }
    }

    private static String str(Map<String, Object> m, String key, String fallback) {
        Object v = m.get(key);
        return v instanceof String ? (String) v : fallback;
    }
}
