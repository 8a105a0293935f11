package k8sapi;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntBiFunction;

/**
 * A Kubernetes API on 127.0.0.1 for tests, JDK only, plain HTTP: a bearer token, pod exec over the
 * WebSocket channel protocol ({@link ExecHandler}, commands run on this machine), reading a pod and
 * deleting Endpoints ({@link RestHandler}). Deletion goes through a pluggable callback, by default an
 * in-memory set of Endpoints. {@link #writeKubeconfig} names it for client-java. Closing it stops
 * listening, ends every connection and kills what it started.
 */
public final class LocalKubernetesApi implements AutoCloseable {

    public static final String V4 = "v4.channel.k8s.io";
    public static final String V5 = "v5.channel.k8s.io";

    /** How exec requests are answered. */
    public enum ExecBehaviour { RUN, HANG, DROP, FAIL_TO_START }

    private final ServerSocket server;
    private final String namespace;
    private final Set<String> pods;
    private final String token = newToken();
    private final Set<String> forbiddenTokens = ConcurrentHashMap.newKeySet();
    private final Set<String> endpoints = ConcurrentHashMap.newKeySet();
    private final List<List<String>> execs = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger stdinCloses = new AtomicInteger();
    private int openExecs;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Set<Process> processes = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile ExecBehaviour execBehaviour = ExecBehaviour.RUN;
    private volatile List<String> protocols = List.of(V5, V4);
    private volatile ToIntBiFunction<String, String> endpointsDeletion = this::deleteStored;

    private LocalKubernetesApi(String namespace, Set<String> pods) throws IOException {
        this.namespace = namespace;
        this.pods = pods;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = thread("k8s-api-accept", this::acceptLoop);
    }

    public static LocalKubernetesApi start(String namespace, String... pods) throws IOException {
        return new LocalKubernetesApi(namespace, Set.of(pods));
    }

    public int port() {
        return server.getLocalPort();
    }

    public String token() {
        return token;
    }

    /** A kubeconfig naming this API with its valid token. */
    public Path writeKubeconfig(Path dir) throws IOException {
        return writeKubeconfig(dir, token);
    }

    public Path writeKubeconfig(Path dir, String bearerToken) throws IOException {
        String yaml = String.join("\n", "apiVersion: v1", "kind: Config", "clusters:", "- name: local",
                "  cluster:", "    server: http://127.0.0.1:" + port(), "contexts:", "- name: local",
                "  context:", "    cluster: local", "    user: charm", "    namespace: " + namespace,
                "current-context: local", "users:", "- name: charm", "  user:", "    token: " + bearerToken, "");
        return Files.writeString(dir.resolve("kubeconfig-" + bearerToken.hashCode()), yaml);
    }

    /** A token the API knows but that may do nothing: every request with it gets 403. */
    public String forbiddenToken() {
        String forbidden = newToken();
        forbiddenTokens.add(forbidden);
        return forbidden;
    }

    public void execBehaviour(ExecBehaviour behaviour) {
        this.execBehaviour = behaviour;
    }

    /** The stream protocols the exec endpoint accepts, in order of preference. */
    public void protocols(String... supported) {
        this.protocols = List.of(supported);
    }

    public void addEndpoints(String... names) {
        endpoints.addAll(List.of(names));
    }

    public Set<String> endpoints() {
        return Set.copyOf(endpoints);
    }

    /** Replaces the default: (namespace, name) to an HTTP status, 200 deleted, 404 absent. */
    public void onEndpointsDeletion(ToIntBiFunction<String, String> handler) {
        this.endpointsDeletion = handler;
    }

    /** Every exec's argv, in arrival order. */
    public List<List<String>> execs() {
        return List.copyOf(execs);
    }

    /** How many {@code [255, 0]} (close stdin) frames arrived, whatever the protocol. */
    public int stdinCloses() {
        return stdinCloses.get();
    }

    /** Waits, at most this long, until every exec connection has ended; true if they all have. */
    public synchronized boolean awaitExecsEnded(Duration bound) throws InterruptedException {
        long until = System.nanoTime() + bound.toNanos();
        while (openExecs > 0 && until - System.nanoTime() > 0) {
            wait(Math.max(1, (until - System.nanoTime()) / 1_000_000));
        }
        return openExecs == 0;
    }

    /** How many HTTP requests arrived, any kind. */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        connections.forEach(LocalKubernetesApi::closeQuietly);
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        acceptor.join(5000);
    }

    static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    ExecBehaviour execBehaviour() {
        return execBehaviour;
    }

    Process track(Process process) {
        processes.add(process);
        process.onExit().thenRun(() -> processes.remove(process));
        return process;
    }

    void recordExec(List<String> argv) {
        execs.add(argv);
    }

    void recordStdinClose() {
        stdinCloses.incrementAndGet();
    }

    boolean hasPod(String ns, String pod) {
        return namespace.equals(ns) && pods.contains(pod);
    }

    ToIntBiFunction<String, String> endpointsDeletion() {
        return endpointsDeletion;
    }

    /** The first protocol of ours that the client offered, or null. */
    String choose(String offered) {
        List<String> theirs = new ArrayList<>();
        for (String p : offered.split(",")) {
            theirs.add(p.trim());
        }
        return protocols.stream().filter(theirs::contains).findFirst().orElse(null);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.add(socket);
                thread("k8s-api-connection", () -> serve(socket));
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            for (HttpRequest request = HttpRequest.read(in); request != null; request = HttpRequest.read(in)) {
                requests.incrementAndGet();
                if (refused(request, out)) {
                    continue;
                }
                if (isExec(request)) {
                    exec(request, in, out);
                    return; // an upgraded connection carries one exec
                }
                RestHandler.handle(this, request, out);
            }
        } catch (IOException e) {
            // the client hung up or the server is closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            connections.remove(socket);
        }
    }

    private void exec(HttpRequest request, InputStream in, OutputStream out) throws IOException, InterruptedException {
        synchronized (this) {
            openExecs++;
        }
        try {
            ExecHandler.handle(this, request, in, out);
        } finally {
            synchronized (this) {
                openExecs--;
                notifyAll();
            }
        }
    }

    /** Answers 401 or 403 when the token does not allow the request. */
    private boolean refused(HttpRequest request, OutputStream out) throws IOException {
        String presented = request.header("Authorization").replaceFirst("^Bearer ", "");
        int code = presented.equals(token) ? 0 : forbiddenTokens.contains(presented) ? 403 : 401;
        if (code != 0) {
            HttpRequest.respond(out, code, HttpRequest.status(code, HttpRequest.reason(code).replace(" ", ""),
                    code == 401 ? "Unauthorized" : "forbidden: cannot do this in namespace " + namespace));
        }
        return code != 0;
    }

    private boolean isExec(HttpRequest request) {
        String[] parts = request.path().split("/");
        boolean exec = parts.length == 8 && parts[7].equals("exec") && parts[5].equals("pods");
        return exec && request.header("Upgrade").equalsIgnoreCase("websocket") && hasPod(parts[4], parts[6]);
    }

    private int deleteStored(String ns, String name) {
        return namespace.equals(ns) && endpoints.remove(name) ? 200 : 404;
    }

    private static String newToken() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
