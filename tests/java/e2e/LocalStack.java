package e2e;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jujuops.json.Json;
import s3stack.S3ProxyServer;

/**
 * The nearest thing to the charm's world that runs on one machine without Docker: S3Proxy (real S3
 * over HTTPS with SigV4), etcd 3.4 as Patroni's store, a Pebble stand-in that runs Patroni (which runs
 * PostgreSQL 15) as user postgres, pgBackRest from Debian, and a local Kubernetes API whose pod exec runs
 * commands on this machine as the workload container would. Everything binds 127.0.0.1 on free ports,
 * lives under one temp folder, and is stopped by PID on {@link #close()}.
 */
public final class LocalStack implements AutoCloseable {

    public static final String APP = "postgresql-k8s";
    public static final String UNIT = APP + "/0";
    public static final String MODEL = "e2e";
    public static final String SCOPE = "patroni-" + APP;

    final Path dir;
    final int pgPort = Processes.freePort();
    final int patroniPort = Processes.freePort();
    final int etcdPort = Processes.freePort();
    private final int etcdPeerPort = Processes.freePort();
    private final int etcdMetricsPort = Processes.freePort();
    private S3ProxyServer s3;
    private Process etcd;
    private KubernetesStandIn kubernetes;
    private final Path layout;

    private LocalStack(Path dir) {
        this.dir = dir;
        this.layout = dir.resolve("workload-layout.json");
    }

    public static LocalStack start() throws IOException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pgk8s-stack-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        LocalStack stack = new LocalStack(dir);
        try {
            stack.startAll();
            return stack;
        } catch (IOException | RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void startAll() throws IOException {
        makeWorkloadDirs();
        s3 = S3ProxyServer.start(dir.resolve("s3proxy"));
        startEtcd();
        writePebbleWrapper();
        writeLayout();
        kubernetes = KubernetesStandIn.start(dir.resolve("kubernetes"), this::deleteClusterState);
    }

    private void makeWorkloadDirs() throws IOException {
        for (String d : List.of("pg", "sock", "patroni", "pgbackrest/log", "pgbackrest/lock", "pgbackrest/spool")) {
            Files.createDirectories(dir.resolve(d));
        }
        Processes.run(30, "chown", "-R", "postgres:postgres", dir.resolve("pg").toString(), dir.resolve("sock").toString(),
                dir.resolve("pgbackrest").toString(), dir.resolve("patroni").toString()).check("chown");
        Files.setPosixFilePermissions(dir.resolve("pg"), PosixFilePermissions.fromString("rwx------"));
    }

    private void startEtcd() throws IOException {
        String client = "http://127.0.0.1:" + etcdPort;
        String peer = "http://127.0.0.1:" + etcdPeerPort;
        Files.createDirectories(dir.resolve("etcd"));
        etcd = Processes.start(dir.resolve("etcd/etcd.log"), List.of("etcd", "--name", "stack",
                "--data-dir", dir.resolve("etcd/data").toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "stack=" + peer, "--initial-cluster-state", "new",
                "--listen-metrics-urls", "http://127.0.0.1:" + etcdMetricsPort));
        if (!Processes.await(30, () -> httpOk(client + "/health"))) {
            throw new IOException("etcd did not become healthy; see " + dir.resolve("etcd/etcd.log"));
        }
    }

    private void writePebbleWrapper() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path pebble = bin.resolve("pebble");
        String script = Path.of("tests/stack/pebble.py").toAbsolutePath().toString();
        Files.writeString(pebble, "#!/bin/sh\nexec python3 '" + script + "' --state '" + dir.resolve("pebble") + "' \"$@\"\n");
        Files.setPosixFilePermissions(pebble, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void writeLayout() throws IOException {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("data-dir", dir.resolve("pg/pgdata").toString());
        l.put("pgbackrest-conf", dir.resolve("pgbackrest/pgbackrest.conf").toString());
        l.put("s3-ca-file", dir.resolve("pgbackrest/s3-ca.pem").toString());
        l.put("patroni-conf", dir.resolve("patroni/patroni.yml").toString());
        l.put("pebble", dir.resolve("bin/pebble").toString());
        l.put("pg-socket-dir", dir.resolve("sock").toString());
        l.put("pg-port", pgPort);
        l.put("pg-user", "postgres");
        l.put("patroni-url", "http://127.0.0.1:" + patroniPort);
        l.put("pgbackrest-log-path", dir.resolve("pgbackrest/log").toString());
        l.put("pgbackrest-lock-path", dir.resolve("pgbackrest/lock").toString());
        l.put("pgbackrest-spool-path", dir.resolve("pgbackrest/spool").toString());
        l.put("pg-bin-dir", "/usr/lib/postgresql/15/bin");
        l.put("patroni-listen", "127.0.0.1:" + patroniPort);
        l.put("pg-listen", "127.0.0.1:" + pgPort);
        l.put("etcd-hosts", "127.0.0.1:" + etcdPort);
        l.put("member-host", "127.0.0.1");
        Files.writeString(layout, Json.write(l));
    }

    /** What the charm's environment needs to find this stack: the Kubernetes API and the workload layout. */
    public Map<String, String> charmEnv() {
        return Map.of("KUBECONFIG", kubernetes.kubeconfig().toString(),
                "POSTGRESQL_K8S_WORKLOAD_LAYOUT", layout.toString());
    }

    /** The s3-integrator's application databag for this S3 server, as the real provider writes it. */
    public Map<String, String> integratorData(String bucket) throws IOException {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("access-key", s3.accessKey());
        d.put("secret-key", s3.secretKey());
        d.put("bucket", bucket);
        d.put("endpoint", s3.endpoint() + "/");
        d.put("region", "us-east-1");
        d.put("path", "/e2e-cluster/");
        d.put("s3-uri-style", "path");
        d.put("storage-class", "");
        d.put("delete-older-than-days", "");
        d.put("attributes", "[]");
        d.put("tls-ca-chain", Json.write(List.of(s3.caPem())));
        d.put("data", "{\"bucket\": \"" + bucket + "\"}");
        return d;
    }

    /** Every argv the charm ran in the workload through the Kubernetes exec API. */
    public List<List<String>> kubernetesExecs() {
        return kubernetes.api().execs();
    }

    /** S3 goes away: the server stops (connections are refused). */
    public void stopS3() throws IOException {
        s3.close();
    }

    /** S3 comes back on the same port with the same keys and data, and a new certificate. */
    public void startS3Again() throws IOException {
        s3 = S3ProxyServer.start(dir.resolve("s3proxy"), Map.of("S3PROXY_PORT", Integer.toString(s3.port()),
                "S3PROXY_ACCESS_KEY", s3.accessKey(), "S3PROXY_SECRET_KEY", s3.secretKey()));
    }

    public S3ProxyServer s3() {
        return s3;
    }

    /** Runs SQL as postgres over the Unix socket; returns psql's unaligned output. */
    public Processes.Result sql(String statement) {
        return Processes.run(60, "runuser", "-u", "postgres", "--", "psql", "-X", "-h", dir.resolve("sock").toString(),
                "-p", Integer.toString(pgPort), "-d", "postgres", "-Atc", statement);
    }

    /** Patroni's DCS state removal, as deleting its Kubernetes Endpoints does in a cluster. */
    private boolean deleteClusterState(String endpointsName) {
        if (!endpointsName.equals(SCOPE) && !endpointsName.equals(SCOPE + "-config")) {
            return false;
        }
        Processes.run(30, Map.of("ETCDCTL_API", "3"), "etcdctl", "--endpoints=http://127.0.0.1:" + etcdPort,
                "del", "--prefix", "/service/" + SCOPE + "/").check("etcdctl del");
        return true;
    }

    private static boolean httpOk(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(1000);
            return c.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        if (Files.exists(dir.resolve("pebble"))) {
            Processes.run(120, dir.resolve("bin/pebble").toString(), "stop-all");
        }
        if (kubernetes != null) {
            kubernetes.close();
        }
        Processes.stop(etcd, 30);
        if (s3 != null) {
            s3.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
