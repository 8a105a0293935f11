package postgresqlk8s.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import k8sapi.SelfSignedTls;

/**
 * What {@link AwsObjectStore} asks of S3 and how it fails, against a scripted HTTPS server on loopback
 * (an S3 endpoint is https only) whose self-signed certificate is the settings' CA chain.
 */
class AwsObjectStoreTest {

    private static final String ACCESS = "AKIDUNITTESTACCESS01";
    private static final String SECRET = "unit/test+secret/Key0123456789abcdefghij";
    private static final AwsClients.Limits FAST = new AwsClients.Limits(
            Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(15), 3);

    private static SelfSignedTls tls;

    private ScriptedS3 server;
    private AwsObjectStore store;

    @BeforeAll
    static void keyPair() throws IOException, InterruptedException {
        tls = SelfSignedTls.create();
    }

    @BeforeEach
    void start() throws IOException {
        server = ScriptedS3.start(tls.context());
        store = new AwsObjectStore(FAST, FAST);
    }

    @AfterEach
    void stop() {
        store.close();
        server.close();
    }

    // ---- CA chain ----------------------------------------------------------------------------------

    @Test
    void badCaChain_failsTheCall_namingTheSetting() {
        ObjectStoreException e = assertThrows(ObjectStoreException.class,
                () -> store.get(params(List.of("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----")), "k"));
        assertTrue(e.getMessage().startsWith("cannot read s3://bucket/k: tls-ca-chain entry 1"), e.getMessage());
        assertEquals(0, server.requests.size());
    }

    // ---- keys and reasons --------------------------------------------------------------------------

    @Test
    void normaliseKey_dropsLeadingSlashes_asTheReferenceCharmDoes() {
        assertEquals("pg/backup/s/latest", AwsObjectStore.normaliseKey("//pg/backup/s/latest"));
        assertEquals("model-uuid.txt", AwsObjectStore.normaliseKey("model-uuid.txt"));
    }

    // ---- requests against a scripted server ------------------------------------------------------

    @Test
    void put_sendsUtf8TextToTheKey_pathStyle_withStorageClass() throws Exception {
        server.enqueue(200, "");
        S3Parameters s3 = new S3Parameters("bucket", ACCESS, SECRET, server.endpoint(), "us-east-1", "/pg",
                Optional.of("STANDARD_IA"), Optional.empty(), List.of(tls.caPem()));

        store.put(s3, s3.key("backup/stanza/latest"), "Unit Name: postgresql-k8s/0 ✓\n");

        Recorded r = server.take();
        assertEquals("PUT /bucket/pg/backup/stanza/latest", r.method + " " + r.path);
        assertEquals("Unit Name: postgresql-k8s/0 ✓\n", r.payload());
        assertEquals("text/plain; charset=UTF-8", r.header("Content-Type"));
        assertEquals("STANDARD_IA", r.header("x-amz-storage-class"));
        assertTrue(r.header("Authorization").contains("Credential=" + ACCESS + "/"), r.header("Authorization"));
        assertNull(r.header("x-amz-checksum-crc32"), "no checksum the API does not require");
    }

    @Test
    void get_missingKey_isEmpty() throws Exception {
        server.enqueue(404, error("NoSuchKey", "The specified key does not exist."));
        assertEquals(Optional.empty(), store.get(params(), "model-uuid.txt"));
        assertEquals("GET /bucket/model-uuid.txt", server.take().line());
    }

    @Test
    void get_missingBucket_fails() {
        server.enqueue(404, error("NoSuchBucket", "The specified bucket does not exist"));
        ObjectStoreException e = assertThrows(ObjectStoreException.class,
                () -> store.get(params(), "model-uuid.txt"));
        assertEquals("cannot read s3://bucket/model-uuid.txt at " + server.url()
                + ": HTTP 404 NoSuchBucket (The specified bucket does not exist)", e.getMessage());
    }

    @Test
    void ensureBucket_existing_onlyAsks() throws Exception {
        server.enqueue(200, "");
        store.ensureBucket(params());
        assertEquals("HEAD /bucket", server.take().line());
        assertEquals(0, server.requests.size());
    }

    @Test
    void ensureBucket_missing_createsIt_withTheRegionAsLocationConstraint() throws Exception {
        server.enqueue(404, "");
        server.enqueue(200, "");

        store.ensureBucket(params("eu-central-1"));

        assertEquals("HEAD /bucket", server.take().line());
        Recorded create = server.take();
        assertEquals("PUT /bucket", create.line());
        assertTrue(create.body.contains("<LocationConstraint>eu-central-1</LocationConstraint>"), create.body);
    }

    @Test
    void ensureBucket_whereTheServerKnowsNoSuchRegion_createsTheBucketWithoutConstraint() throws Exception {
        server.enqueue(404, "");
        server.enqueue(400, error("InvalidLocationConstraint", "The specified location constraint is not valid."));
        server.enqueue(200, "");

        store.ensureBucket(params("eu-central-1"));

        assertEquals("HEAD /bucket", server.take().line());
        assertTrue(server.take().body.contains("<LocationConstraint>eu-central-1</LocationConstraint>"));
        Recorded plain = server.take();
        assertEquals("PUT /bucket", plain.line());
        assertEquals("", plain.body);
        assertTrue(plain.header("Authorization").contains("/eu-central-1/s3/aws4_request"), "still signed for the region");
    }

    @Test
    void ensureBucket_missingInUsEast1_createsItWithoutConstraint_asAwsWants() throws Exception {
        server.enqueue(404, "");
        server.enqueue(200, "");

        store.ensureBucket(params());

        assertEquals("HEAD /bucket", server.take().line());
        Recorded create = server.take();
        assertEquals("PUT /bucket", create.line());
        assertEquals("", create.body);
    }

    @Test
    void ensureBucket_createdMeanwhileByUs_isFine() throws Exception {
        server.enqueue(404, "");
        server.enqueue(409, error("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded"));
        store.ensureBucket(params());
        assertEquals(2, server.requests.size());
    }

    @Test
    void ensureBucket_takenBySomeoneElse_fails() {
        server.enqueue(404, "");
        server.enqueue(409, error("BucketAlreadyExists", "The requested bucket name is not available."));
        ObjectStoreException e = assertThrows(ObjectStoreException.class,
                () -> store.ensureBucket(params()));
        assertEquals("cannot create bucket bucket at " + server.url()
                + ": HTTP 409 BucketAlreadyExists (The requested bucket name is not available.)", e.getMessage());
    }

    @Test
    void ensureBucket_withANameS3Refuses_failsSayingWhy() {
        server.enqueue(404, "");
        S3Parameters s3 = new S3Parameters("Bad_Bucket", ACCESS, SECRET, server.endpoint(), "us-east-1", "/",
                Optional.empty(), Optional.empty(), List.of(tls.caPem()));
        ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> store.ensureBucket(s3));
        assertTrue(e.getMessage().startsWith("cannot create bucket Bad_Bucket: Bucket name"), e.getMessage());
        assertEquals(1, server.requests.size(), "only the HEAD went out");
    }

    @Test
    void ensureBucket_forbidden_failsWithTheStatus() {
        server.enqueue(403, "");
        ObjectStoreException e = assertThrows(ObjectStoreException.class,
                () -> store.ensureBucket(params()));
        assertTrue(e.getMessage().startsWith("cannot check bucket bucket at " + server.url() + ": HTTP 403"),
                e.getMessage());
        assertEquals(1, server.requests.size(), "a 403 is not retried");
    }

    @Test
    void serverErrors_areRetried_aBoundedNumberOfTimes() {
        for (int i = 0; i < 5; i++) {
            server.enqueue(500, error("InternalError", "We encountered an internal error."));
        }
        ObjectStoreException e = assertThrows(ObjectStoreException.class,
                () -> store.put(params(), "k", "v"));
        assertTrue(e.getMessage().endsWith(": HTTP 500 InternalError (We encountered an internal error.)"), e.getMessage());
        assertEquals(3, server.requests.size());
    }

    @Test
    void anErrorThatEchoesTheKeys_isScrubbed_andNotKeptAsCause() {
        server.enqueue(403, error("InvalidAccessKeyId", "Key " + ACCESS + " with secret " + SECRET + " is unknown"));
        ObjectStoreException e = assertThrows(ObjectStoreException.class,
                () -> store.put(params(), "k", "v"));
        assertEquals("cannot write s3://bucket/k at " + server.url()
                + ": HTTP 403 InvalidAccessKeyId (Key *** with secret *** is unknown)", e.getMessage());
        assertNull(e.getCause());
    }

    // ---- a server that does not answer -----------------------------------------------------------

    /**
     * A frozen server (its port accepts connections, nothing reads them) fails each interactive call
     * within the interactive bound, not the client's 20 s socket timeout: the 20 s bound for
     * what a hook waits on, with the real bounds' margin (12 s) shown here at 1 s / 2 s.
     */
    @Test
    void aServerThatDoesNotAnswer_failsTheBucketCheck_theMarkerReadAndWrite_withinTheInteractiveBound() throws IOException {
        AwsClients.Limits quick = new AwsClients.Limits(
                Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(1), Duration.ofSeconds(2), 3);
        try (java.net.ServerSocket frozen = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             AwsObjectStore bounded = new AwsObjectStore(AwsClients.Limits.DEFAULT, quick)) {
            S3Parameters silent = new S3Parameters("bucket", ACCESS, SECRET,
                    new S3Endpoint("127.0.0.1", frozen.getLocalPort(), S3Endpoint.UriStyle.PATH), "us-east-1", "/",
                    Optional.empty(), Optional.empty(), List.of(tls.caPem()));
            List<org.junit.jupiter.api.function.Executable> calls = List.of(
                    () -> bounded.ensureBucket(silent),
                    () -> bounded.get(silent, "model-uuid.txt"),
                    () -> bounded.put(silent, "model-uuid.txt", "00000000-0000-4000-8000-000000000000"));
            for (org.junit.jupiter.api.function.Executable call : calls) {
                long start = System.nanoTime();
                ObjectStoreException e = assertThrows(ObjectStoreException.class, call);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(e.getMessage().contains("timed out"), e.getMessage());
                assertTrue(millis < 20_000, millis + " ms: " + e.getMessage());
            }
        }
    }

    @Test
    void close_withoutUse_andTwice_isFine() {
        AwsObjectStore unused = new AwsObjectStore();
        unused.close();
        unused.close();
        assertEquals(0, server.requests.size());
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private S3Parameters params() {
        return params(List.of(tls.caPem()));
    }

    private S3Parameters params(List<String> caChain) {
        return new S3Parameters("bucket", ACCESS, SECRET, server.endpoint(), "us-east-1", "/",
                Optional.empty(), Optional.empty(), caChain);
    }

    private S3Parameters params(String region) {
        return new S3Parameters("bucket", ACCESS, SECRET, server.endpoint(), region, "/",
                Optional.empty(), Optional.empty(), List.of(tls.caPem()));
    }

    private static String error(String code, String message) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
                + "</Message></Error>";
    }


    record Recorded(String method, String path, Map<String, List<String>> headers, String body) {
        String line() {
            return method + " " + path;
        }

        /** The body, unwrapped from the SDK's aws-chunked encoding when it uses one. */
        String payload() {
            if (!"aws-chunked".equals(header("Content-Encoding"))) {
                return body;
            }
            StringBuilder out = new StringBuilder();
            byte[] raw = body.getBytes(StandardCharsets.UTF_8);
            int i = 0;
            while (i < raw.length) {
                int eol = indexOfCrLf(raw, i);
                String head = new String(raw, i, eol - i, StandardCharsets.US_ASCII);
                int size = Integer.parseInt(head.split(";", 2)[0], 16);
                if (size == 0) {
                    break;
                }
                out.append(new String(raw, eol + 2, size, StandardCharsets.UTF_8));
                i = eol + 2 + size + 2;
            }
            return out.toString();
        }

        private static int indexOfCrLf(byte[] b, int from) {
            for (int i = from; i + 1 < b.length; i++) {
                if (b[i] == '\r' && b[i + 1] == '\n') {
                    return i;
                }
            }
            throw new AssertionError("not aws-chunked: no CRLF after " + from);
        }

        String header(String name) {
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    return h.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** An HTTPS stand-in for S3 on 127.0.0.1: answers what was enqueued, records what it was asked. */
    static final class ScriptedS3 implements AutoCloseable {
        private record Reply(int status, String body) {}

        private final HttpsServer http;
        private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
        final BlockingQueue<Recorded> requests = new LinkedBlockingQueue<>();

        private ScriptedS3(HttpsServer http) {
            this.http = http;
        }

        static ScriptedS3 start(SSLContext tls) throws IOException {
            HttpsServer http = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.setHttpsConfigurator(new HttpsConfigurator(tls));
            ScriptedS3 s = new ScriptedS3(http);
            http.createContext("/", s::handle);
            http.start();
            return s;
        }

        /** As the failure messages name it. */
        String url() {
            return "https://127.0.0.1:" + http.getAddress().getPort();
        }

        /** Path-style, as S3-compatible servers on an IP address need. */
        S3Endpoint endpoint() {
            return new S3Endpoint("127.0.0.1", http.getAddress().getPort(), S3Endpoint.UriStyle.PATH);
        }

        void enqueue(int status, String body) {
            replies.add(new Reply(status, body));
        }

        Recorded take() throws InterruptedException {
            Recorded r = requests.poll(5, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("no request arrived");
            }
            return r;
        }

        private void handle(HttpExchange x) throws IOException {
            String body;
            try (InputStream in = x.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            requests.add(new Recorded(x.getRequestMethod(), x.getRequestURI().getRawPath(),
                    Map.copyOf(x.getRequestHeaders()), body));
            Reply reply = replies.poll();
            if (reply == null) {
                reply = new Reply(500, error("InternalError", "nothing scripted"));
            }
            byte[] bytes = reply.body.getBytes(StandardCharsets.UTF_8);
            boolean head = x.getRequestMethod().equals("HEAD");
            if (bytes.length > 0 && !head) {
                x.getResponseHeaders().add("Content-Type", "application/xml");
            }
            x.sendResponseHeaders(reply.status, head || bytes.length == 0 ? -1 : bytes.length);
            if (!head && bytes.length > 0) {
                x.getResponseBody().write(bytes);
            }
            x.close();
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }
}
