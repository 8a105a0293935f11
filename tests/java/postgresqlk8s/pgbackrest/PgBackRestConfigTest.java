package postgresqlk8s.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import postgresqlk8s.s3.S3Endpoint;
import postgresqlk8s.s3.S3Parameters;
import postgresqlk8s.workload.WorkloadLayout;

/** pgbackrest.conf as the reference lists it. */
class PgBackRestConfigTest {

    private static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    /** The archiving of a 1 GiB volume, Juju's default size: a quarter of it. */
    private static final Archiving ARCHIVING = Archiving.forVolume(java.util.OptionalLong.of(1024L * 1024 * 1024));
    private static final StanzaName STANZA = new StanzaName("dev.patroni-postgresql-k8s");
    private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----";

    private static S3Parameters s3(String endpoint, Optional<Integer> days, List<String> chain) {
        return new S3Parameters("pg-backups", ACCESS_KEY, SECRET_KEY, S3Endpoint.parse(endpoint, S3Endpoint.UriStyle.PATH),
                "eu-west-1", "/postgresql", Optional.empty(), days, chain);
    }

    private static S3Parameters aws() {
        return s3("https://s3.eu-west-1.amazonaws.com", Optional.empty(), List.of());
    }

    private static String render(S3Parameters s3) {
        return PgBackRestConfig.render(s3, STANZA, WorkloadLayout.PRODUCTION, PgBackRestConfig.Tuning.DEFAULT, ARCHIVING, Optional.empty());
    }

    /** Sections of key=value lines; fails on a key given twice. */
    private static Map<String, Map<String, String>> ini(String text) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        Map<String, String> section = null;
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("[")) {
                section = new LinkedHashMap<>();
                assertEquals(null, out.put(line.substring(1, line.length() - 1), section), "section twice: " + line);
                continue;
            }
            int eq = line.indexOf('=');
            assertTrue(eq > 0 && section != null, "not a key=value line: " + line);
            assertEquals(null, section.put(line.substring(0, eq), line.substring(eq + 1)), "key twice: " + line);
        }
        return out;
    }

    private static Map<String, String> global(S3Parameters s3) {
        return ini(render(s3)).get("global");
    }

    @Test
    void everyReferenceKey_isThere() {
        Map<String, String> g = global(aws());
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("repo1-type", "s3");
        expected.put("repo1-path", "/postgresql");
        expected.put("repo1-s3-region", "eu-west-1");
        expected.put("repo1-s3-endpoint", "s3.eu-west-1.amazonaws.com");
        expected.put("repo1-s3-bucket", "pg-backups");
        expected.put("repo1-s3-uri-style", "path");
        expected.put("repo1-s3-key", ACCESS_KEY);
        expected.put("repo1-s3-key-secret", SECRET_KEY);
        expected.put("compress-type", "zst");
        expected.put("repo1-retention-full-type", "time");
        expected.put("repo1-retention-full", "9999999");
        expected.put("repo1-block", "y");
        expected.put("repo1-bundle", "y");
        expected.put("start-fast", "y");
        expected.put("backup-standby", "y");
        List<String> wrong = new ArrayList<>();
        expected.forEach((k, v) -> {
            if (!v.equals(g.get(k))) {
                wrong.add(k + "=" + g.get(k) + " (expected " + v + ")");
            }
        });
        assertEquals(List.of(), wrong);
    }

    @Test
    void blockIncremental_comesWithBeta_asPgBackRest245Requires() {
        assertEquals("y", global(aws()).get("beta"));
    }

    @Test
    void theStanzaSection_namesTheDataDirectory() {
        Map<String, String> stanza = ini(render(aws())).get("dev.patroni-postgresql-k8s");
        assertEquals("/var/lib/postgresql/data/pgdata", stanza.get("pg1-path"));
        assertEquals("postgres", stanza.get("pg1-user"));
        assertEquals("5432", stanza.get("pg1-port"));
        assertEquals(List.of("global", "global:archive-push", "global:archive-get", "dev.patroni-postgresql-k8s"),
                List.copyOf(ini(render(aws())).keySet()));
    }

    @Test
    void walArchiving_isAsynchronous_spooledOnTheDataVolume_andItsQueueBounded() {
        Map<String, Map<String, String>> conf = ini(PgBackRestConfig.render(aws(), STANZA, WorkloadLayout.PRODUCTION,
                new PgBackRestConfig.Tuning("zst", 2, 3), new Archiving(64L * 1024 * 1024), Optional.empty()));
        assertEquals("y", conf.get("global").get("archive-async"));
        assertEquals("/var/lib/postgresql/data/pgbackrest-spool", conf.get("global").get("spool-path"));
        assertEquals("67108864", conf.get("global").get("archive-push-queue-max"));
        assertEquals(Map.of("process-max", "3", "io-timeout", "5"), conf.get("global:archive-push"));
        assertEquals(Map.of("process-max", "3"), conf.get("global:archive-get"));
        assertEquals("2", conf.get("global").get("process-max"), "backups and restores have their own");
    }

    @Test
    void retention_fromDeleteOlderThanDays() {
        assertEquals("30", global(s3("https://s3.eu-west-1.amazonaws.com", Optional.of(30), List.of())).get("repo1-retention-full"));
    }

    @Test
    void theSecrets_appearOnlyOnTheirOwnLines() {
        String conf = render(aws());
        assertEquals(1, conf.split(SECRET_KEY, -1).length - 1);
        assertEquals(1, conf.split(ACCESS_KEY, -1).length - 1);
    }

    @Test
    void port_goesToRepoStoragePort() {
        Map<String, String> g = global(s3("https://minio.example:9000", Optional.empty(), List.of()));
        assertEquals("minio.example", g.get("repo1-s3-endpoint"));
        assertEquals("9000", g.get("repo1-storage-port"));
        assertFalse(g.containsKey("repo1-s3-port"));
    }

    @Test
    void defaultHttpsPort_isNotWritten() {
        assertFalse(global(aws()).containsKey("repo1-storage-port"));
        assertFalse(global(s3("https://minio.example:443", Optional.empty(), List.of())).containsKey("repo1-storage-port"));
    }

    @Test
    void endpointWithoutScheme_isHttps() {
        Map<String, String> g = global(s3("minio.example:9000", Optional.empty(), List.of()));
        assertEquals("minio.example", g.get("repo1-s3-endpoint"));
        assertEquals("9000", g.get("repo1-storage-port"));
    }

    @Test
    void theEndpoint_isTheSettingsValue_hostPortAndStyle() {
        S3Parameters s3 = new S3Parameters("pg-backups", ACCESS_KEY, SECRET_KEY,
                new S3Endpoint("10.1.2.3", 7480, S3Endpoint.UriStyle.HOST), "us-east-1", "/", Optional.empty(),
                Optional.empty(), List.of());
        Map<String, String> g = global(s3);
        assertEquals("10.1.2.3", g.get("repo1-s3-endpoint"));
        assertEquals("7480", g.get("repo1-storage-port"));
        assertEquals("host", g.get("repo1-s3-uri-style"));
    }

    @Test
    void caFile_onlyWithAChain() {
        assertFalse(global(aws()).containsKey("repo1-s3-ca-file"));
        Map<String, String> g = global(s3("https://minio.example:9000", Optional.empty(), List.of(PEM)));
        assertEquals("/var/lib/postgresql/data/pgbackrest-tls-ca-chain.crt", g.get("repo1-s3-ca-file"));
    }

    @Test
    void caFile_content_isThePemsOneAfterAnother() {
        String second = PEM.replace("MIIB", "MIIC");
        assertEquals(PEM + "\n" + second + "\n",
                PgBackRestConfig.caFile(s3("https://minio.example", Optional.empty(), List.of(PEM, second))));
    }

    @Test
    void rootPath_staysRoot() {
        S3Parameters root = new S3Parameters("pg-backups", ACCESS_KEY, SECRET_KEY,
                S3Endpoint.parse("https://s3.amazonaws.com", S3Endpoint.UriStyle.HOST), "us-east-1", "/",
                Optional.empty(), Optional.empty(), List.of());
        Map<String, String> g = global(root);
        assertEquals("/", g.get("repo1-path"));
        assertEquals("host", g.get("repo1-s3-uri-style"));
        assertEquals("s3.amazonaws.com", g.get("repo1-s3-endpoint"));
    }

    /** The whole file without TLS, line for line: what every unit had before TLS, and a one-unit cluster keeps. */
    private static final String WITHOUT_TLS = """
            [global]
            repo1-type=s3
            repo1-path=/postgresql
            repo1-s3-region=eu-west-1
            repo1-s3-endpoint=s3.eu-west-1.amazonaws.com
            repo1-s3-bucket=pg-backups
            repo1-s3-uri-style=path
            repo1-s3-key=AKIAIOSFODNN7EXAMPLE
            repo1-s3-key-secret=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
            repo1-retention-full-type=time
            repo1-retention-full=9999999
            beta=y
            repo1-block=y
            repo1-bundle=y
            compress-type=zst
            process-max=2
            start-fast=y
            backup-standby=y
            log-path=/var/log/pgbackrest
            lock-path=/tmp
            spool-path=/var/lib/postgresql/data/pgbackrest-spool
            archive-async=y
            archive-push-queue-max=268435456

            [global:archive-push]
            process-max=2
            io-timeout=5

            [global:archive-get]
            process-max=2

            [dev.patroni-postgresql-k8s]
            pg1-path=/var/lib/postgresql/data/pgdata
            pg1-socket-path=/tmp
            pg1-port=5432
            pg1-user=postgres
            """;

    /** The TLS settings of unit 0 in a three-unit cluster, in production. */
    private static final String TLS_GLOBAL = """
            tls-server-address=*
            tls-server-auth=postgresql-k8s-1.postgresql-k8s-endpoints=dev.patroni-postgresql-k8s
            tls-server-auth=postgresql-k8s-2.postgresql-k8s-endpoints=dev.patroni-postgresql-k8s
            tls-server-ca-file=/var/lib/postgresql/data/peer_ca.pem
            tls-server-cert-file=/var/lib/postgresql/data/peer_cert.pem
            tls-server-key-file=/var/lib/postgresql/data/peer_key.pem
            """;

    private static final String TLS_PEERS = """
            pg2-host-type=tls
            pg2-host=postgresql-k8s-1.postgresql-k8s-endpoints
            pg2-host-ca-file=/var/lib/postgresql/data/peer_ca.pem
            pg2-host-cert-file=/var/lib/postgresql/data/peer_cert.pem
            pg2-host-key-file=/var/lib/postgresql/data/peer_key.pem
            pg2-path=/var/lib/postgresql/data/pgdata
            pg2-socket-path=/tmp
            pg2-port=5432
            pg2-user=postgres
            pg3-host-type=tls
            pg3-host=postgresql-k8s-2.postgresql-k8s-endpoints
            pg3-host-ca-file=/var/lib/postgresql/data/peer_ca.pem
            pg3-host-cert-file=/var/lib/postgresql/data/peer_cert.pem
            pg3-host-key-file=/var/lib/postgresql/data/peer_key.pem
            pg3-path=/var/lib/postgresql/data/pgdata
            pg3-socket-path=/tmp
            pg3-port=5432
            pg3-user=postgres
            """;

    private static final List<String> PEERS = List.of("postgresql-k8s-1.postgresql-k8s-endpoints",
            "postgresql-k8s-2.postgresql-k8s-endpoints");

    private static String render(WorkloadLayout layout, Optional<TlsServer> tls) {
        return PgBackRestConfig.render(aws(), STANZA, layout, PgBackRestConfig.Tuning.DEFAULT, ARCHIVING, tls);
    }

    @Test
    void withoutTls_theFileIsExactlyAsBefore() {
        assertEquals(WITHOUT_TLS, render(aws()));
    }

    @Test
    void withTls_globalServesEachPeer_andTheStanzaReachesEachPeerThroughItsServer() {
        String expected = WITHOUT_TLS
                .replace("archive-push-queue-max=268435456\n", "archive-push-queue-max=268435456\n" + TLS_GLOBAL)
                + TLS_PEERS;
        assertEquals(expected, render(WorkloadLayout.PRODUCTION, Optional.of(new TlsServer("*", 8432, PEERS))));
    }

    @Test
    void withTls_onALocalCluster_theServerListensOnThePodsAddress() {
        WorkloadLayout local = new WorkloadLayout("15", WorkloadLayout.Listen.POD_ADDRESS);
        String conf = render(local, Optional.of(new TlsServer(local.tlsServerAddress("127.0.0.11"), 8432, PEERS)));
        assertTrue(conf.contains("\ntls-server-address=127.0.0.11\n"), conf);
    }

    @Test
    void withTls_aPortOtherThanPgBackRestsDefault_isWrittenForTheServerAndEachPeer() {
        String conf = render(WorkloadLayout.PRODUCTION, Optional.of(new TlsServer("*", 8200, PEERS)));
        assertTrue(conf.contains("\ntls-server-address=*\ntls-server-port=8200\ntls-server-auth="), conf);
        assertTrue(conf.contains("\npg2-host=postgresql-k8s-1.postgresql-k8s-endpoints\npg2-host-port=8200\n"), conf);
        assertTrue(conf.contains("\npg3-host=postgresql-k8s-2.postgresql-k8s-endpoints\npg3-host-port=8200\n"), conf);
    }

    @Test
    void tlsServer_refusesWhatWouldBreakTheFile() {
        assertThrows(IllegalArgumentException.class, () -> new TlsServer("*", 8432, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new TlsServer("*\nrepo1-path=/x", 8432, PEERS));
        assertThrows(IllegalArgumentException.class, () -> new TlsServer("*", 8432, List.of("a.b\npg9-host=evil")));
        assertThrows(IllegalArgumentException.class, () -> new TlsServer("*", 0, PEERS));
    }
}
