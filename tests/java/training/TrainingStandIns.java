package training;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import k8sapi.LocalKubernetesApi;

/**
 * The servers of the pack-time class-data sharing training run (src/build/cds-archive.sh), on
 * 127.0.0.1: an S3 endpoint over HTTPS that keeps objects in memory, and the tests' Kubernetes API
 * stand-in for pod exec. The charm's training client makes the requests a backup makes, so that the
 * archive holds the TLS, request-signing and WebSocket classes a real action loads.
 *
 * <p>Usage: {@code TrainingStandIns DIR KEYSTORE PASSWORD_FILE} with a PKCS12 key pair for 127.0.0.1;
 * writes DIR/kubeconfig-* and, once both listen, DIR/ready holding {@code S3_ENDPOINT KUBECONFIG}. Runs
 * until killed, or for five minutes at most.
 */
public final class TrainingStandIns {

    public static final String NAMESPACE = "training";
    public static final String POD = "postgresql-k8s-0";

    private TrainingStandIns() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        char[] password = Files.readString(Path.of(args[2])).strip().toCharArray();
        LocalKubernetesApi api = LocalKubernetesApi.start(NAMESPACE, POD);
        Path kubeconfig = api.writeKubeconfig(dir);
        HttpsServer s3 = s3Server(Path.of(args[1]), password);
        String endpoint = "https://127.0.0.1:" + s3.getAddress().getPort();
        Path ready = dir.resolve("ready.tmp");
        Files.writeString(ready, endpoint + " " + kubeconfig + "\n");
        Files.move(ready, dir.resolve("ready"));
        Thread.sleep(5 * 60 * 1000L);
        s3.stop(0);
        api.close();
    }

    static HttpsServer s3Server(Path keystore, char[] password) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        Map<String, byte[]> objects = new ConcurrentHashMap<>();
        server.createContext("/", exchange -> answer(exchange, objects));
        server.start();
        return server;
    }

    /** Path-style S3: HEAD of a bucket, PUT, GET and HEAD of an object; anything else 501. */
    private static void answer(HttpExchange exchange, Map<String, byte[]> objects) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            exchange.getResponseHeaders().add("x-amz-request-id", "training");
            boolean bucket = path.indexOf('/', 1) < 0;
            switch (exchange.getRequestMethod()) {
                case "PUT":
                    if (!bucket) {
                        objects.put(path, body);
                    }
                    exchange.getResponseHeaders().add("ETag", "\"" + Integer.toHexString(java.util.Arrays.hashCode(body)) + "\"");
                    exchange.sendResponseHeaders(200, -1);
                    return;
                case "HEAD":
                    exchange.sendResponseHeaders(bucket || objects.containsKey(path) ? 200 : 404, -1);
                    return;
                case "GET":
                    byte[] object = objects.get(path);
                    if (object == null) {
                        send(exchange, 404, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
                                + "<Message>The specified key does not exist.</Message></Error>");
                    } else {
                        exchange.sendResponseHeaders(200, object.length);
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(object);
                        }
                    }
                    return;
                default:
                    exchange.sendResponseHeaders(501, -1);
            }
        }
    }

    private static void send(HttpExchange exchange, int code, String xml) throws IOException {
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/xml");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
