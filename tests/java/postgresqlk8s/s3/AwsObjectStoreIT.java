package postgresqlk8s.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import s3stack.S3ProxyServer;

/** {@link AwsObjectStore} against a real S3 server: S3Proxy over HTTPS with a self-signed certificate. */
class AwsObjectStoreIT {

    @TempDir
    static Path stateDir;

    private static S3ProxyServer server;
    private static String ca;

    private AwsObjectStore store;

    @BeforeAll
    static void startServer() throws IOException {
        server = S3ProxyServer.start(stateDir.resolve("s3proxy"));
        ca = server.caPem();
    }

    @AfterAll
    static void stopServer() throws IOException {
        if (server == null) {
            return;
        }
        long pid = server.pid();
        server.close();
        // stop.sh waited for it to exit; the exited process may linger as a zombie until init reaps it
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (running(pid) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        assertFalse(running(pid), "S3Proxy (pid " + pid + ") is still running");
    }

    private static boolean running(long pid) {
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !p.get().isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false; // gone meanwhile
        }
    }

    @BeforeEach
    void newStore() {
        store = new AwsObjectStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void ensureBucket_createsAMissingBucket_andIsIdempotent() throws Exception {
        S3Parameters s3 = params("created-bucket", "/");
        assertFalse(Files.exists(server.basedir().resolve("created-bucket")));

        store.ensureBucket(s3);
        assertTrue(Files.isDirectory(server.basedir().resolve("created-bucket")), "the backend holds the bucket");
        store.ensureBucket(s3);
        store.put(s3, "model-uuid.txt", "uuid");
        store.ensureBucket(s3);

        assertEquals(Optional.of("uuid"), store.get(s3, "model-uuid.txt"), "an existing bucket is left as it was");
    }

    @Test
    void ensureBucket_outsideUsEast1_createsTheBucket() throws Exception {
        S3Parameters s3 = with(params("regional-bucket", "/"), "eu-west-1", "path", server.endpoint(), List.of(ca));
        store.ensureBucket(s3);
        assertTrue(Files.isDirectory(server.basedir().resolve("regional-bucket")));
    }

    @Test
    void put_thenGet_roundTripsUtf8Text_underThePath() throws Exception {
        server.createBucket("roundtrip");
        S3Parameters s3 = params("roundtrip", "/pg");
        String key = s3.key("backup/pg.patroni-postgresql-k8s/latest");
        String content = "Date Backup Requested: 2026-11-25T10:00:00Z\nModel Name: prod\nUnit Name: postgresql-k8s/0 — ✓ é\n";

        store.put(s3, key, content);

        assertEquals("pg/backup/pg.patroni-postgresql-k8s/latest", key);
        assertEquals(content, Files.readString(server.objectFile("roundtrip", key), StandardCharsets.UTF_8),
                "the object is where pgBackRest users look for it");
        assertEquals(Optional.of(content), store.get(s3, key));
        assertEquals(Optional.of(content), store.get(s3, "/" + key), "a leading slash names the same object");
    }

    @Test
    void put_overwrites_withAStorageClass() throws Exception {
        server.createBucket("overwrite");
        S3Parameters s3 = new S3Parameters("overwrite", server.accessKey(), server.secretKey(), endpoint(server.endpoint()),
                "us-east-1", "/", Optional.of("STANDARD"), Optional.empty(), List.of(ca));

        store.put(s3, "model-uuid.txt", "first");
        store.put(s3, "model-uuid.txt", "second");

        assertEquals(Optional.of("second"), store.get(s3, "model-uuid.txt"));
    }

    @Test
    void get_ofAMissingKey_isEmpty() throws Exception {
        server.createBucket("empty-bucket");
        assertEquals(Optional.empty(), store.get(params("empty-bucket", "/pg"), "pg/model-uuid.txt"));
    }

    @Test
    void pathStyle_reachesTheBucket_whereHostStyleCannot() throws Exception {
        server.createBucket("styles");
        String byName = "https://localhost:" + server.port();
        S3Parameters path = with(params("styles", "/"), "us-east-1", "path", byName, List.of(ca));
        S3Parameters host = with(params("styles", "/"), "us-east-1", "host", byName, List.of(ca));

        store.put(path, "k", "by path");
        assertEquals(Optional.of("by path"), store.get(path, "k"));

        // host style asks for styles.localhost, which the server's certificate does not name (or DNS does not know)
        ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> store.get(host, "k"));
        assertTrue(e.getMessage().contains("styles.localhost"), e.getMessage());
    }

    @Test
    void bareHostEndpoint_isTakenAsHttps() throws Exception {
        server.createBucket("bare-host");
        S3Parameters s3 = with(params("bare-host", "/"), "us-east-1", "path", "127.0.0.1:" + server.port(), List.of(ca));
        store.put(s3, "k", "v");
        assertEquals(Optional.of("v"), store.get(s3, "k"));
    }

    @Test
    void wrongSecretKey_failsWith403_andNeverShowsAKey() throws Exception {
        server.createBucket("guarded");
        String wrongSecret = "WrongSecret" + UUID.randomUUID();
        S3Parameters s3 = new S3Parameters("guarded", server.accessKey(), wrongSecret, endpoint(server.endpoint()),
                "us-east-1", "/", Optional.empty(), Optional.empty(), List.of(ca));

        ObjectStoreException check = failure(() -> store.ensureBucket(s3), wrongSecret);
        assertTrue(check.getMessage().startsWith("cannot check bucket guarded at " + server.endpoint() + ": HTTP 403"),
                check.getMessage());
        ObjectStoreException put = failure(() -> store.put(s3, "k", "v"), wrongSecret);
        assertTrue(put.getMessage().contains(": HTTP 403 SignatureDoesNotMatch"), put.getMessage());
        ObjectStoreException get = failure(() -> store.get(s3, "k"), wrongSecret);
        assertTrue(get.getMessage().contains(": HTTP 403 SignatureDoesNotMatch"), get.getMessage());
        assertFalse(Files.exists(server.objectFile("guarded", "k")));
    }

    @Test
    void unknownAccessKey_failsWith403_andNeverShowsAKey() throws Exception {
        server.createBucket("guarded2");
        String wrongAccess = "AKIDWRONG" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        S3Parameters s3 = new S3Parameters("guarded2", wrongAccess, server.secretKey(), endpoint(server.endpoint()),
                "us-east-1", "/", Optional.empty(), Optional.empty(), List.of(ca));

        ObjectStoreException put = failure(() -> store.put(s3, "k", "v"), wrongAccess);
        assertTrue(put.getMessage().contains(": HTTP 403 InvalidAccessKeyId"), put.getMessage());
    }

    @Test
    void selfSignedEndpoint_withoutCaChain_failsWithATlsReason() {
        S3Parameters s3 = with(params("any", "/"), "us-east-1", "path", server.endpoint(), List.of());
        ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> store.ensureBucket(s3));
        assertTrue(e.getMessage().startsWith("cannot check bucket any at " + server.endpoint() + ": TLS failure: "),
                e.getMessage());
        assertTrue(e.getMessage().contains("certification path"), e.getMessage());
    }

    @Test
    void endpoint_withAnotherCaInTheChain_failsWithATlsReason() {
        S3Parameters s3 = with(params("any", "/"), "us-east-1", "path", server.endpoint(),
                List.of(PemTrustTest.OTHER_CA));
        ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> store.get(s3, "k"));
        assertTrue(e.getMessage().contains(": TLS failure: "), e.getMessage());
    }

    @Test
    void closedPort_failsWithAConnectionReason_inSeconds() throws Exception {
        String endpoint = closedPortEndpoint();
        S3Parameters s3 = with(params("any", "/"), "us-east-1", "path", endpoint, List.of(ca));

        long start = System.nanoTime();
        ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> store.put(s3, "k", "v"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals("cannot write s3://any/k at " + endpoint + ": connection refused (Connection refused)", e.getMessage());
        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "took " + took);
    }

    @Test
    void connectAhead_touchesNothing_andTheCallsAfterItWork() throws Exception {
        server.createBucket("ahead");
        S3Parameters s3 = params("ahead", "/pg");
        S3Parameters missing = params("ahead-missing", "/pg");

        store.connect(s3);
        store.connect(missing);

        try (java.util.stream.Stream<Path> files = Files.list(server.basedir().resolve("ahead"))) {
            assertEquals(0, files.count(), "no object was written");
        }
        assertFalse(Files.exists(server.basedir().resolve("ahead-missing")), "no bucket was created");
        store.put(s3, "pg/latest", "after the connection");
        assertEquals(Optional.of("after the connection"), store.get(s3, "pg/latest"));
    }

    @Test
    void callsMadeWhileConnectingAhead_waitForIt_andSucceed() throws Exception {
        server.createBucket("racing");
        S3Parameters s3 = params("racing", "/");
        Thread ahead = new Thread(() -> store.connect(s3));
        ahead.start();

        store.put(s3, "k", "v");
        ahead.join(10_000);

        assertFalse(ahead.isAlive());
        assertEquals(Optional.of("v"), store.get(s3, "k"));
    }

    @Test
    void connectAhead_toAClosedPort_neverThrows_andTheCallStillSaysWhy() throws Exception {
        String endpoint = closedPortEndpoint();
        S3Parameters s3 = with(params("any", "/"), "us-east-1", "path", endpoint, List.of(ca));

        long start = System.nanoTime();
        store.connect(s3);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> store.put(s3, "k", "v"));

        assertTrue(took.compareTo(ConnectionAhead.LIMIT.plusSeconds(2)) < 0, "took " + took);
        assertEquals("cannot write s3://any/k at " + endpoint + ": connection refused (Connection refused)", e.getMessage());
    }

    // ---- helpers -----------------------------------------------------------------------------------

    /** An HTTPS endpoint on a loopback port nothing listens on. */
    private static String closedPortEndpoint() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "https://127.0.0.1:" + s.getLocalPort();
        }
    }

    private static S3Parameters params(String bucket, String path) {
        return new S3Parameters(bucket, server.accessKey(), server.secretKey(), endpoint(server.endpoint()), "us-east-1",
                path, Optional.empty(), Optional.empty(), List.of(ca));
    }

    private static S3Parameters with(S3Parameters p, String region, String uriStyle, String endpoint, List<String> caChain) {
        S3Endpoint e = S3Endpoint.parse(endpoint, S3Endpoint.UriStyle.of(uriStyle).orElseThrow());
        return new S3Parameters(p.bucket(), p.accessKey(), p.secretKey(), e, region, p.path(),
                p.storageClass(), p.deleteOlderThanDays(), caChain);
    }

    private static S3Endpoint endpoint(String text) {
        return S3Endpoint.parse(text, S3Endpoint.UriStyle.PATH);
    }

    /** The call fails, and nothing in the exception, its causes or its stack trace holds a key. */
    private static ObjectStoreException failure(Executable call, String usedKey) {
        ObjectStoreException e = assertThrows(ObjectStoreException.class, call);
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        for (String key : List.of(usedKey, server.accessKey(), server.secretKey())) {
            assertFalse(trace.toString().contains(key), "a key shows in:\n" + trace);
        }
        return e;
    }
}
