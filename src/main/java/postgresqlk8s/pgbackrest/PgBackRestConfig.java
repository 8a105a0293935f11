package postgresqlk8s.pgbackrest;

import java.util.LinkedHashMap;
import java.util.Map;

import postgresqlk8s.s3.S3Endpoint;
import postgresqlk8s.s3.S3Parameters;
import postgresqlk8s.workload.WorkloadLayout;

/**
 * Renders {@code pgbackrest.conf}: the {@code [global]} repository and tuning settings and the stanza's
 * database. This file is the only place S3 secrets go (mode 0600, owner postgres).
 */
public final class PgBackRestConfig {

    /** Tuning measured on 2 cores (docs/performance.md): zst at process-max 2 with bundling and block incremental. */
    public record Tuning(String compressType, int processMax) {
        public static final Tuning DEFAULT = new Tuning("zst", 2);
    }

    /** Default retention when the provider sets none, as the Python charm: effectively forever. */
    static final int RETENTION_FOREVER_DAYS = 9999999;

    private PgBackRestConfig() {}

    /** The endpoint is the one the SDK client uses too, validated where the settings were read. */
    public static String render(S3Parameters s3, StanzaName stanza, WorkloadLayout layout, Tuning tuning) {
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

        StringBuilder out = new StringBuilder("[global]\n");
        global.forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
        out.append('\n').append('[').append(stanza.value()).append("]\n");
        out.append("pg1-path=").append(layout.dataDir()).append('\n');
        out.append("pg1-socket-path=").append(layout.pgSocketDir()).append('\n');
        out.append("pg1-port=").append(layout.pgPort()).append('\n');
        out.append("pg1-user=").append(layout.pgUser()).append('\n');
        return out.toString();
    }

    /** The CA chain file's content: the PEM certificates one after another. */
    public static String caFile(S3Parameters s3) {
        return String.join("\n", s3.caChain()) + "\n";
    }
}
