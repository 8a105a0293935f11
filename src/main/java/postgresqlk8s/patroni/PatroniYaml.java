package postgresqlk8s.patroni;

import java.util.Optional;

import postgresqlk8s.pgbackrest.StanzaName;
import postgresqlk8s.workload.WorkloadLayout;

/**
 * Renders Patroni's configuration file. Every value comes from the charm (names, paths, generated
 * passwords, validated restore commands) and is written as a double-quoted YAML string.
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
     */
    public record Cluster(String scope, String member, String host, String podIp, String namespace,
                          String superuserPassword, String replicationPassword, String rewindPassword) {
        @Override
        public String toString() {
            return "Cluster[scope=" + scope + ", member=" + member + ", host=" + host + ", podIp=" + podIp
                    + ", namespace=" + namespace + ", passwords hidden]";
        }
    }

    /** The pod labels by which Patroni's Kubernetes DCS finds the cluster's members. */
    public static java.util.Map<String, String> labels(String scope) {
        return java.util.Map.of("application", "patroni", "cluster-name", scope);
    }

    private PatroniYaml() {}

    public static String render(Cluster c, WorkloadLayout layout, PatroniConfig.Settings s) {
        StringBuilder y = new StringBuilder();
        line(y, 0, "scope", c.scope());
        line(y, 0, "name", c.member());
        y.append("log:\n");
        line(y, 1, "level", "INFO");
        y.append("restapi:\n");
        line(y, 1, "listen", layout.listenHost(c.podIp()) + ":" + WorkloadLayout.PATRONI_PORT);
        line(y, 1, "connect_address", c.host() + ":" + WorkloadLayout.PATRONI_PORT);
        kubernetes(y, c, layout);
        bootstrap(y, layout, s);
        postgresql(y, c, layout, s);
        y.append("tags:\n");
        y.append("  nofailover: false\n");
        y.append("  noloadbalance: ").append(!s.acceptConnections()).append('\n');
        y.append("  clonefrom: false\n");
        y.append("  nosync: ").append(!s.acceptConnections()).append('\n');
        return y.toString();
    }

    /** Patroni's store: Kubernetes Endpoints in the model's namespace, members found by pod labels. */
    private static void kubernetes(StringBuilder y, Cluster c, WorkloadLayout layout) {
        y.append("kubernetes:\n");
        line(y, 1, "namespace", c.namespace());
        y.append("  use_endpoints: true\n");
        line(y, 1, "pod_ip", c.podIp());
        y.append("  ports:\n");
        y.append("  - name: \"postgresql\"\n    port: ").append(layout.pgPort()).append('\n');
        line(y, 1, "scope_label", "cluster-name");
        line(y, 1, "role_label", "role");
        y.append("  labels:\n");
        for (java.util.Map.Entry<String, String> label : new java.util.TreeMap<>(labels(c.scope())).entrySet()) {
            line(y, 2, label.getKey(), label.getValue());
        }
    }

    private static void bootstrap(StringBuilder y, WorkloadLayout layout, PatroniConfig.Settings s) {
        y.append("bootstrap:\n");
        if (s.restoreCommand().isPresent()) {
            line(y, 1, "method", "pgbackrest");
            y.append("  pgbackrest:\n");
            line(y, 2, "command", s.restoreCommand().get());
            y.append("    keep_existing_recovery_conf: true\n");
            y.append("    no_params: true\n");
        }
        y.append("  dcs:\n");
        y.append("    ttl: 30\n    loop_wait: 10\n    retry_timeout: 10\n    maximum_lag_on_failover: 1048576\n");
        y.append("    postgresql:\n      use_pg_rewind: true\n      use_slots: true\n      parameters:\n");
        parameters(y, 8, layout, s.archiveStanza());
        y.append("  initdb:\n  - encoding: UTF8\n  - locale: C.UTF-8\n  - data-checksums\n");
        y.append("  pg_hba:\n");
        y.append("  - local all all trust\n");
        y.append("  - host all all 127.0.0.1/32 scram-sha-256\n");
        y.append("  - host all all 0.0.0.0/0 scram-sha-256\n");
        y.append("  - host replication replicator 0.0.0.0/0 scram-sha-256\n");
    }

    private static void postgresql(StringBuilder y, Cluster c, WorkloadLayout layout, PatroniConfig.Settings s) {
        y.append("postgresql:\n");
        line(y, 1, "listen", layout.listenHost(c.podIp()) + ":" + layout.pgPort());
        line(y, 1, "connect_address", c.host() + ":" + layout.pgPort());
        // Patroni's own connection goes over the Unix socket: it needs no pg_hba host entry for the address
        // the kernel picks as the source of a connection to the pod's own address.
        y.append("  use_unix_socket: true\n");
        line(y, 1, "data_dir", layout.dataDir());
        line(y, 1, "bin_dir", layout.pgBinDir());
        line(y, 1, "pgpass", "/tmp/pgpass-" + c.member());
        y.append("  parameters:\n");
        line(y, 2, "unix_socket_directories", layout.pgSocketDir());
        parameters(y, 4, layout, s.archiveStanza());
        y.append("  authentication:\n");
        credentials(y, "superuser", "postgres", c.superuserPassword());
        credentials(y, "replication", "replicator", c.replicationPassword());
        credentials(y, "rewind", "rewinder", c.rewindPassword());
    }

    /** WAL archiving: into the stanza once there is one, else nowhere (archive_command true keeps WAL moving). */
    private static void parameters(StringBuilder y, int indent, WorkloadLayout layout, Optional<StanzaName> stanza) {
        String pad = " ".repeat(indent);
        y.append(pad).append("wal_level: \"replica\"\n");
        y.append(pad).append("archive_mode: \"on\"\n");
        y.append(pad).append("archive_timeout: 60\n");
        y.append(pad).append("archive_command: ").append(quote(archiveCommand(layout, stanza))).append('\n');
    }

    public static String archiveCommand(WorkloadLayout layout, Optional<StanzaName> stanza) {
        if (stanza.isEmpty()) {
            return "/bin/true";
        }
        return "pgbackrest --stanza=" + stanza.get() + " archive-push %p";
    }

    private static void credentials(StringBuilder y, String role, String user, String password) {
        y.append("    ").append(role).append(":\n");
        line(y, 3, "username", user);
        line(y, 3, "password", password);
    }

    private static void line(StringBuilder y, int level, String key, String value) {
        y.append("  ".repeat(level)).append(key).append(": ").append(quote(value)).append('\n');
    }

    /** A YAML double-quoted scalar. */
    static String quote(String value) {
        StringBuilder q = new StringBuilder("\"");
        for (char ch : value.toCharArray()) {
            if (ch == '"' || ch == '\\') {
                q.append('\\').append(ch);
            } else if (ch < 0x20) {
                q.append(String.format("\\x%02x", (int) ch));
            } else {
                q.append(ch);
            }
        }
        return q.append('"').toString();
    }
}
