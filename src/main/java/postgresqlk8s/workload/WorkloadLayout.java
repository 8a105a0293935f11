package postgresqlk8s.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import jujuops.json.Json;
import jujuops.json.JsonException;

/**
 * Where things are in the workload container: the charmed-postgresql image's paths and ports, which are
 * the same everywhere. Two things may differ from the image, and only they: the PostgreSQL major version
 * (its binaries are under {@code /usr/lib/postgresql/<version>/bin}), and where the database and Patroni
 * listen. A pod has an address of its own, so production listens on all of the pod's addresses; pods
 * that share one machine's network (a local cluster) listen on the pod's address only. A JSON file named
 * by {@value #OVERRIDE_ENV} may say {@code {"postgresql-version": "15", "listen": "pod-address"}}; any
 * other key is refused, so that nothing else can drift from production.
 *
 * @param postgresqlVersion the PostgreSQL major version in the image
 * @param listen where PostgreSQL and Patroni's REST API listen
 */
public record WorkloadLayout(String postgresqlVersion, Listen listen) {

    public static final String OVERRIDE_ENV = "POSTGRESQL_K8S_WORKLOAD_LAYOUT";

    /** Where PostgreSQL and Patroni's REST API listen. */
    public enum Listen {
        /** Every address of the pod (0.0.0.0), as in production. */
        ALL_ADDRESSES,
        /** The pod's own address only. */
        POD_ADDRESS
    }

    public static final WorkloadLayout PRODUCTION = new WorkloadLayout("14", Listen.ALL_ADDRESSES);

    /** The data volume's mount point. */
    public static final String STORAGE_DIR = "/var/lib/postgresql/data";
    public static final int PATRONI_PORT = 8008;

    public WorkloadLayout {
        if (!postgresqlVersion.matches("[0-9]{1,3}")) {
            throw new IllegalArgumentException("not a PostgreSQL major version: " + postgresqlVersion);
        }
    }

    public String storageDir() {
        return STORAGE_DIR;
    }

    public String dataDir() {
        return STORAGE_DIR + "/pgdata";
    }

    public String pgBackRestConf() {
        return "/etc/pgbackrest.conf";
    }

    /** The S3 provider's CA chain, on the data volume as the Python charm keeps it. */
    public String s3CaFile() {
        return STORAGE_DIR + "/pgbackrest-tls-ca-chain.crt";
    }

    /**
     * This unit's TLS files for PostgreSQL and pgBackRest's TLS server, on the data volume as the Python
     * charm keeps them (0600, owner postgres): the provider's CA, the unit's certificate, its key.
     */
    public String tlsCaFile() {
        return STORAGE_DIR + "/peer_ca.pem";
    }

    public String tlsCertFile() {
        return STORAGE_DIR + "/peer_cert.pem";
    }

    public String tlsKeyFile() {
        return STORAGE_DIR + "/peer_key.pem";
    }

    /**
     * The port of pgBackRest's TLS server: pgBackRest's own default, 8432 in 2.45 ({@code pgbackrest help
     * server tls-server-port}), which the Python charm's configuration leaves as it is.
     */
    public int pgBackRestServerPort() {
        return 8432;
    }

    /**
     * The address pgBackRest's TLS server binds: {@code *} (every address of the pod) in production, as the
     * Python charm writes it, or the pod's own IP, as {@link #listenHost} does for PostgreSQL and Patroni.
     */
    public String tlsServerAddress(String podIp) {
        return listen == Listen.ALL_ADDRESSES ? "*" : podIp;
    }

    public String patroniConf() {
        return STORAGE_DIR + "/patroni.yml";
    }

    public String pebble() {
        return "/charm/bin/pebble";
    }

    public String pgSocketDir() {
        return "/tmp";
    }

    public int pgPort() {
        return 5432;
    }

    public String pgUser() {
        return "postgres";
    }

    public String pgBackRestLogPath() {
        return "/var/log/pgbackrest";
    }

    public String pgBackRestLockPath() {
        return "/tmp";
    }

    /**
     * pgBackRest's spool, where asynchronous archiving keeps its status files and archive-get its queue:
     * on the data volume, so that it outlives a container restart as the WAL it speaks of does, and
     * beside PGDATA rather than in it (Patroni, pg_rewind and restores own PGDATA's content).
     */
    public String pgBackRestSpoolPath() {
        return STORAGE_DIR + "/pgbackrest-spool";
    }

    public String pgBinDir() {
        return "/usr/lib/postgresql/" + postgresqlVersion + "/bin";
    }

    /** The address PostgreSQL and Patroni bind: all of the pod's, or its own IP. */
    public String listenHost(String podIp) {
        return listen == Listen.ALL_ADDRESSES ? "0.0.0.0" : podIp;
    }

    /** The name of a unit's pod in the application's headless service, as other pods reach it. */
    public static String podHost(String pod, String app) {
        return pod + "." + app + "-endpoints";
    }

    /** Patroni's REST API of a unit's pod. */
    public static String patroniUrl(String pod, String app) {
        return "http://" + podHost(pod, app) + ":" + PATRONI_PORT;
    }

    /** The production layout, or the one the environment names (version and listen addresses only). */
    public static WorkloadLayout fromEnv(Map<String, String> env) {
        String file = env.get(OVERRIDE_ENV);
        if (file == null || file.isBlank()) {
            return PRODUCTION;
        }
        Map<String, Object> m;
        try {
            m = Json.parseObject(Files.readString(Path.of(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the workload layout named by " + OVERRIDE_ENV, e);
        } catch (JsonException e) {
            throw new IllegalArgumentException("the workload layout named by " + OVERRIDE_ENV + " is not a JSON object");
        }
        Set<String> unknown = new java.util.TreeSet<>(m.keySet());
        unknown.removeAll(Set.of("postgresql-version", "listen"));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("the workload layout may set only postgresql-version and listen, not " + unknown);
        }
        Object version = m.getOrDefault("postgresql-version", PRODUCTION.postgresqlVersion);
        Object listen = m.getOrDefault("listen", "all-addresses");
        if (!(version instanceof String) || !("all-addresses".equals(listen) || "pod-address".equals(listen))) {
            throw new IllegalArgumentException("the workload layout needs postgresql-version as a string and listen as "
                    + "all-addresses or pod-address");
        }
        return new WorkloadLayout((String) version, "pod-address".equals(listen) ? Listen.POD_ADDRESS : Listen.ALL_ADDRESSES);
    }
}
