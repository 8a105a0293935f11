package postgresqlk8s.pgbackrest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import postgresqlk8s.s3.S3Endpoint;
import postgresqlk8s.s3.S3Parameters;
import postgresqlk8s.workload.WorkloadLayout;

/**
 * Renders {@code pgbackrest.conf}: the {@code [global]} repository and tuning settings and the stanza's
 * database; with a {@link TlsServer}, also the TLS server's settings and the other units' databases,
 * reached through their TLS servers. This file is the only place S3 secrets go (mode 0600, owner postgres).
 */
public final class PgBackRestConfig {

    /**
     * pgBackRest's compression and process counts, from the config options and the pod's CPUs
     * ({@link TuningRule}). {@code processMax} is the {@code [global]} one (backup, restore);
     * {@code archiveProcessMax} is for {@code archive-push}/{@code archive-get}, which use it only when
     * archiving asynchronously.
     */
    public record Tuning(String compressType, int processMax, int archiveProcessMax) {
        /** The rule's answer on 2 CPUs, the best of the sweep measured there (docs/performance.md): zst, 2 processes. */
        public static final Tuning DEFAULT = TuningRule.derive("zst", 0, 2);

        public Tuning {
            if (processMax < 1 || archiveProcessMax < 1) {
                throw new IllegalArgumentException("pgBackRest needs at least one process");
            }
        }
    }

    /** Default retention when the provider sets none, as the Python charm: effectively forever. */
    static final int RETENTION_FOREVER_DAYS = 9999999;

    private PgBackRestConfig() {}

    /** The endpoint is the one the SDK client uses too, validated where the settings were read. */
    public static String render(S3Parameters s3, StanzaName stanza, WorkloadLayout layout, Tuning tuning,
                                Archiving archiving, Optional<TlsServer> tls) {
        List<String[]> global = new ArrayList<>();
        repository(global, s3, layout, tuning);
        archiving(global, archiving);
        tls.ifPresent(t -> tlsServer(global, t, stanza, layout));

        List<String[]> database = new ArrayList<>();
        put(database, "pg1-path", layout.dataDir());
        put(database, "pg1-socket-path", layout.pgSocketDir());
        put(database, "pg1-port", Integer.toString(layout.pgPort()));
        put(database, "pg1-user", layout.pgUser());
        tls.ifPresent(t -> peers(database, t, layout));

        StringBuilder out = new StringBuilder();
        section(out, "global", global);
        out.append('\n');
        // the WAL commands' own process count, whatever backups and restores use; the push's I/O bound (Archiving)
        String processes = Integer.toString(tuning.archiveProcessMax());
        section(out, "global:archive-push", List.<String[]>of(new String[] {"process-max", processes},
                new String[] {"io-timeout", Long.toString(Archiving.PUSH_IO_TIMEOUT.toSeconds())}));
        out.append('\n');
        section(out, "global:archive-get", List.<String[]>of(new String[] {"process-max", processes}));
        out.append('\n');
        section(out, stanza.value(), database);
        return out.toString();
    }

    private static void repository(List<String[]> out, S3Parameters s3, WorkloadLayout layout, Tuning tuning) {
        Map<String, String> global = new LinkedHashMap<>();
        global.put("repo1-type", "s3");
        global.put("repo1-path", s3.path());
        global.put("repo1-s3-region", s3.region());
        S3Endpoint endpoint = s3.endpoint();
        global.put("repo1-s3-endpoint", endpoint.host());
        if (endpoint.port() != S3Endpoint.DEFAULT_PORT) {
            global.put("repo1-storage-port", Integer.toString(endpoint.port()));
        }
        global.put("repo1-s3-bucket", s3.bucket());
        global.put("repo1-s3-uri-style", endpoint.uriStyle().value());
        if (!s3.caChain().isEmpty()) {
            global.put("repo1-s3-ca-file", layout.s3CaFile());
        }
        global.put("repo1-s3-key", s3.accessKey());
        global.put("repo1-s3-key-secret", s3.secretKey());
        global.put("repo1-retention-full-type", "time");
        global.put("repo1-retention-full", Integer.toString(s3.deleteOlderThanDays().orElse(RETENTION_FOREVER_DAYS)));
        // Block incremental is beta in pgBackRest before 2.51 and needs beta=y there; later versions ignore it.
        global.put("beta", "y");
        global.put("repo1-block", "y");
        global.put("repo1-bundle", "y");
        global.put("compress-type", tuning.compressType());
        global.put("process-max", Integer.toString(tuning.processMax()));
        global.put("start-fast", "y");
        global.put("backup-standby", "y");
        global.put("log-path", layout.pgBackRestLogPath());
        global.put("lock-path", layout.pgBackRestLockPath());
        global.put("spool-path", layout.pgBackRestSpoolPath());
        global.forEach((k, v) -> put(out, k, v));
    }

    /** Asynchronous WAL archiving, its queue bounded ({@link Archiving}); the spool is set with the paths. */
    private static void archiving(List<String[]> out, Archiving archiving) {
        put(out, "archive-async", "y");
        put(out, "archive-push-queue-max", Long.toString(archiving.pushQueueMaxBytes()));
    }

    /**
     * The server: where it listens, which peer may use it for this stanza (one {@code tls-server-auth} per
     * peer, matched against the client certificate's common name), and this unit's CA, certificate and key.
     */
    private static void tlsServer(List<String[]> out, TlsServer tls, StanzaName stanza, WorkloadLayout layout) {
        put(out, "tls-server-address", tls.address());
        if (!tls.defaultPort()) {
            put(out, "tls-server-port", Integer.toString(tls.port()));
        }
        for (String peer : tls.peerHosts()) {
            put(out, "tls-server-auth", peer + "=" + stanza.value());
        }
        put(out, "tls-server-ca-file", layout.tlsCaFile());
        put(out, "tls-server-cert-file", layout.tlsCertFile());
        put(out, "tls-server-key-file", layout.tlsKeyFile());
    }

    /** Each peer's database through its TLS server, {@code pg2} on, with this unit's CA, certificate and key. */
    private static void peers(List<String[]> out, TlsServer tls, WorkloadLayout layout) {
        int n = 2;
        for (String peer : tls.peerHosts()) {
            String pg = "pg" + n++ + "-";
            put(out, pg + "host-type", "tls");
            put(out, pg + "host", peer);
            if (!tls.defaultPort()) {
                put(out, pg + "host-port", Integer.toString(tls.port()));
            }
            put(out, pg + "host-ca-file", layout.tlsCaFile());
            put(out, pg + "host-cert-file", layout.tlsCertFile());
            put(out, pg + "host-key-file", layout.tlsKeyFile());
            put(out, pg + "path", layout.dataDir());
            // as for pg1: the image's socket directory is not pgBackRest's compiled-in default
            put(out, pg + "socket-path", layout.pgSocketDir());
            put(out, pg + "port", Integer.toString(layout.pgPort()));
            put(out, pg + "user", layout.pgUser());
        }
    }

    private static void put(List<String[]> lines, String key, String value) {
        lines.add(new String[] {key, value});
    }

    private static void section(StringBuilder out, String name, List<String[]> lines) {
        out.append('[').append(name).append("]\n");
        for (String[] line : lines) {
            out.append(line[0]).append('=').append(line[1]).append('\n');
        }
    }

    /** The CA chain file's content: the PEM certificates one after another. */
    public static String caFile(S3Parameters s3) {
        return String.join("\n", s3.caChain()) + "\n";
    }
}
