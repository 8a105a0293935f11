package postgresqlk8s.patroni;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jujuops.json.Json;
import postgresqlk8s.pgbackrest.StanzaName;
import postgresqlk8s.workload.WorkloadLayout;

/**
 * Patroni's configuration file ({@code patroni.yml}): built as nested maps and lists, written as JSON,
 * which Patroni reads with its YAML parser (every string quoted, so YAML 1.1 cannot retype one; see
 * {@link Json} for the characters it escapes for YAML). Every value comes from the charm (names, paths,
 * generated passwords, validated restore commands).
 */
public final class PatroniYaml {

    /**
     * The cluster as Patroni needs it.
     *
     * @param scope Patroni's cluster name, {@code patroni-<app>}
     * @param member this member's name, the pod name
     * @param host the name other members and clients reach this one at (the pod's DNS name)
     * @param podIp the pod's address, which Patroni's Kubernetes DCS publishes in the leader's Endpoints
     * @param namespace the Kubernetes namespace (the model) for the Kubernetes DCS
     * @param tls this member's CA, certificate and key are in place (its unit recorded TLS as enabled), so
     *            PostgreSQL serves TLS with them
     */
    public record Cluster(String scope, String member, String host, String podIp, String namespace,
                          String superuserPassword, String replicationPassword, String rewindPassword, boolean tls) {
        @Override
        public String toString() {
            return "Cluster[scope=" + scope + ", member=" + member + ", host=" + host + ", podIp=" + podIp
                    + ", namespace=" + namespace + ", tls=" + tls + ", passwords hidden]";
        }
    }

    /** The pod labels by which Patroni's Kubernetes DCS finds the cluster's members. */
    public static Map<String, String> labels(String scope) {
        return Map.of("application", "patroni", "cluster-name", scope);
    }

    private PatroniYaml() {}

    /*
     * JSON rather than SnakeYAML's block YAML, by measurement: about 1 ms over the old hand-written YAML
     * where SnakeYAML costs about 40. A fresh JVM with the hook flags (jvm.options, jvm-hooks.options), 60
     * interleaved runs, medians of main() to rendered text: the old hand-written YAML 6.4 ms, maps alone
     * 6.0 ms, maps as JSON 7.6 ms, maps as block YAML from SnakeYAML's representer and emitter 45.4 ms
     * (836 classes loaded against 630: 88 of SnakeYAML's, the rest JDK classes it needs); through
     * org.yaml.snakeyaml.Yaml.dump more again. With each run's classes in a class-data sharing archive:
     * 4.9, 4.3, 5.7 and 22.2 ms.
     */
    public static String render(Cluster c, WorkloadLayout layout, PatroniConfig.Settings s) {
        return Json.write(document(c, layout, s)) + "\n";
    }

    /** The whole configuration, in the order of Patroni's documentation. */
    static Map<String, Object> document(Cluster c, WorkloadLayout layout, PatroniConfig.Settings s) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("scope", c.scope());
        doc.put("name", c.member());
        doc.put("log", map("level", "INFO"));
        doc.put("restapi", map(
                "listen", layout.listenHost(c.podIp()) + ":" + WorkloadLayout.PATRONI_PORT,
                "connect_address", c.host() + ":" + WorkloadLayout.PATRONI_PORT));
        doc.put("kubernetes", kubernetes(c, layout));
        doc.put("bootstrap", bootstrap(layout, s));
        doc.put("postgresql", postgresql(c, layout, s));
        doc.put("tags", map(
                "nofailover", false,
                "noloadbalance", !s.acceptConnections(),
                "clonefrom", false,
                "nosync", !s.acceptConnections()));
        return doc;
    }

    /** Patroni's store: Kubernetes Endpoints in the model's namespace, members found by pod labels. */
    private static Map<String, Object> kubernetes(Cluster c, WorkloadLayout layout) {
        return map(
                "namespace", c.namespace(),
                "use_endpoints", true,
                "pod_ip", c.podIp(),
                "ports", List.of(map("name", "postgresql", "port", layout.pgPort())),
                "scope_label", "cluster-name",
                "role_label", "role",
                "labels", new TreeMap<>(labels(c.scope())));
    }

    private static Map<String, Object> bootstrap(WorkloadLayout layout, PatroniConfig.Settings s) {
        Map<String, Object> bootstrap = new LinkedHashMap<>();
        if (s.restoreCommand().isPresent()) {
            bootstrap.put("method", "pgbackrest");
            bootstrap.put("pgbackrest", map(
                    "command", s.restoreCommand().get(),
                    "keep_existing_recovery_conf", true,
                    "no_params", true));
        }
        bootstrap.put("dcs", map(
                "ttl", 30,
                "loop_wait", 10,
                "retry_timeout", 10,
                "maximum_lag_on_failover", 1048576,
                "postgresql", map(
                        "use_pg_rewind", true,
                        "use_slots", true,
                        "parameters", archiving(new LinkedHashMap<>(), layout, s.archiveStanza()))));
        bootstrap.put("initdb", List.of(map("encoding", "UTF8"), map("locale", "C.UTF-8"), "data-checksums"));
        bootstrap.put("pg_hba", pgHba(true));
        return bootstrap;
    }

    /**
     * Who may log in. Patroni writes {@code postgresql.pg_hba} into {@code pg_hba.conf} and reloads
     * PostgreSQL whenever it changes, so a member that refuses new connections (a replica taking a backup)
     * rejects every TCP login but replication, while the Unix socket, which Patroni and pgBackRest use,
     * stays open. {@code bootstrap.pg_hba} only counts when a cluster is made: it says the usual lines.
     */
    static List<String> pgHba(boolean acceptConnections) {
        if (!acceptConnections) {
            return List.of(
                    "local all all trust",
                    "host replication replicator 0.0.0.0/0 scram-sha-256",
                    "host all all 0.0.0.0/0 reject");
        }
        return List.of(
                "local all all trust",
                "host all all 127.0.0.1/32 scram-sha-256",
                "host all all 0.0.0.0/0 scram-sha-256",
                "host replication replicator 0.0.0.0/0 scram-sha-256");
    }

    private static Map<String, Object> postgresql(Cluster c, WorkloadLayout layout, PatroniConfig.Settings s) {
        Map<String, Object> parameters = map("unix_socket_directories", layout.pgSocketDir());
        tls(parameters, layout, c.tls());
        return map(
                "listen", layout.listenHost(c.podIp()) + ":" + layout.pgPort(),
                "connect_address", c.host() + ":" + layout.pgPort(),
                // Patroni's own connection goes over the Unix socket: it needs no pg_hba host entry for the
                // address the kernel picks as the source of a connection to the pod's own address.
                "use_unix_socket", true,
                "data_dir", layout.dataDir(),
                "bin_dir", layout.pgBinDir(),
                "pgpass", "/tmp/pgpass-" + c.member(),
                "parameters", archiving(parameters, layout, s.archiveStanza()),
                "pg_hba", pgHba(s.acceptConnections()),
                "authentication", map(
                        "superuser", map("username", "postgres", "password", c.superuserPassword()),
                        "replication", map("username", "replicator", "password", c.replicationPassword()),
                        "rewind", map("username", "rewinder", "password", c.rewindPassword())));
    }

    /**
     * PostgreSQL's TLS, with the unit's CA, certificate and key; said "off" outright without TLS, so that a
     * reload after the certificates relation is gone switches it off rather than leaving it to the default.
     */
    private static void tls(Map<String, Object> parameters, WorkloadLayout layout, boolean tls) {
        parameters.put("ssl", tls ? "on" : "off");
        if (tls) {
            parameters.put("ssl_ca_file", layout.tlsCaFile());
            parameters.put("ssl_cert_file", layout.tlsCertFile());
            parameters.put("ssl_key_file", layout.tlsKeyFile());
        }
    }

    /** WAL archiving: into the stanza once there is one, else nowhere (archive_command true keeps WAL moving). */
    private static Map<String, Object> archiving(Map<String, Object> parameters, WorkloadLayout layout,
                                                 Optional<StanzaName> stanza) {
        parameters.put("wal_level", "replica");
        parameters.put("archive_mode", "on");
        parameters.put("archive_timeout", 60);
        parameters.put("archive_command", archiveCommand(layout, stanza));
        return parameters;
    }

    public static String archiveCommand(WorkloadLayout layout, Optional<StanzaName> stanza) {
        if (stanza.isEmpty()) {
            return "/bin/true";
        }
        return "pgbackrest --stanza=" + stanza.get() + " archive-push %p";
    }

    /** A map that keeps its keys in the order given, from key, value, key, value, ... */
    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
