package k8sapi;

import java.io.IOException;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntBiFunction;

/**
 * A Kubernetes API on 127.0.0.1 for tests, JDK only, over plain HTTP or, from {@link #startTls}, HTTPS
 * with a key pair made at start: a bearer token; pods, endpoints and services kept in memory with the
 * REST calls and watches Patroni's Kubernetes DCS makes ({@link RestHandler}, {@link ApiObjects}); pod
 * exec over the WebSocket channel protocol ({@link ExecHandler}), the command run on this machine after
 * the pod's exec prefix ({@link LocalPod}). {@link #writeKubeconfig} names it for client-java and Patroni.
 * Closing it stops listening, ends every connection and kills what it started.
 */
public final class LocalKubernetesApi implements AutoCloseable {

    public static final String V4 = "v4.channel.k8s.io";
    public static final String V5 = "v5.channel.k8s.io";
    /** The context {@link #writeKubeconfig} names (Patroni's {@code kubernetes.context}). */
    public static final String CONTEXT = "local";

    /** How exec requests are answered. */
    public enum ExecBehaviour { RUN, HANG, DROP, FAIL_TO_START }

    private final ServerSocket server;
    private final SelfSignedTls tls;
    private final String namespace;
    private final ApiObjects objects = new ApiObjects();
    private final PodRegistry pods;
    private final String token = newToken();
    private final Set<String> forbiddenTokens = ConcurrentHashMap.newKeySet();
    private final List<List<String>> execs = new CopyOnWriteArrayList<>();
    private final List<String> restCalls = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger stdinCloses = new AtomicInteger();
    private int openExecs;
    /** The connections that carry an exec now, with its argv: what {@link #cutExecs} can cut. */
    private final Map<Socket, List<String>> execConnections = new ConcurrentHashMap<>();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Set<Process> processes = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile ExecBehaviour execBehaviour = ExecBehaviour.RUN;
    private volatile List<String> protocols = List.of(V5, V4);
    private volatile ToIntBiFunction<String, String> endpointsDeletion;
    private volatile Duration watchTimeout = Duration.ofSeconds(30);
    /** What {@link #garbleNextStdout} set: the next matching exec's stdout is replaced, once. */
    private final java.util.concurrent.atomic.AtomicReference<Garble> garble = new java.util.concurrent.atomic.AtomicReference<>();
    /** What {@link #failRestCalls} set: REST calls it accepts answer this status, or 0 for none. */
    private volatile java.util.function.Predicate<HttpRequest> failing;
    private volatile int failingCode;
    private final AtomicInteger failedRestCalls = new AtomicInteger();

    private LocalKubernetesApi(String namespace, SelfSignedTls tls, String... pods) throws IOException {
        this.namespace = namespace;
        this.tls = tls;
        this.pods = new PodRegistry(objects, namespace);
        for (String pod : pods) {
            addPod(LocalPod.named(pod));
        }
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        this.server = tls == null ? new ServerSocket(0, 50, loopback)
                : tls.context().getServerSocketFactory().createServerSocket(0, 50, loopback);
        this.acceptor = thread("k8s-api-accept", this::acceptLoop);
    }

    /** Plain HTTP; the named pods exist, without labels, IP or exec prefix. */
    public static LocalKubernetesApi start(String namespace, String... pods) throws IOException {
        return new LocalKubernetesApi(namespace, null, pods);
    }

    /** HTTPS with a self-signed certificate for 127.0.0.1 made now ({@link #caPem()}); otherwise as {@link #start}. */
    public static LocalKubernetesApi startTls(String namespace, String... pods) throws IOException, InterruptedException {
        return new LocalKubernetesApi(namespace, SelfSignedTls.create(), pods);
    }

    public int port() {
        return server.getLocalPort();
    }

    public String namespace() {
        return namespace;
    }

    public boolean tls() {
        return tls != null;
    }

    /** {@code http(s)://127.0.0.1:<port>}. */
    public String url() {
        return (tls() ? "https" : "http") + "://127.0.0.1:" + port();
    }

    /** The certificate clients trust (it is its own CA), PEM; only with TLS. */
    public String caPem() {
        if (tls == null) {
            throw new IllegalStateException("this stand-in speaks plain HTTP: start it with startTls");
        }
        return tls.caPem();
    }

    /** Writes {@link #caPem()} to the file, readable by all (it is public), and returns the file. */
    public Path writeCaPem(Path file) throws IOException {
        return Files.writeString(file, caPem());
    }

    /** Registers the pod: its Pod object appears (an ADDED event) and exec into it runs after its prefix. */
    public void addPod(LocalPod pod) {
        pods.add(pod);
    }

    /** The pod's container was restarted: its Pod object (labels, annotations) stays, exec goes to the new one. */
    public void podRestarted(String name, List<String> execPrefix) {
        pods.restarted(name, execPrefix);
    }

    /** Deletes the Pod object (a DELETED event); exec into it is then 404. False if there was none. */
    public boolean removePod(String name) {
        return pods.remove(name);
    }

    /** A copy of the stored object of {@code pods}, {@code endpoints} or {@code services} in this namespace. */
    public Optional<Map<String, Object>> object(String resource, String name) {
        return objects.get(resource, namespace, name);
    }

    /** Copies of every stored object of that resource in this namespace, by name. */
    public List<Map<String, Object>> objects(String resource) {
        return objects.list(resource, namespace, LabelSelector.EVERYTHING).items();
    }

    /** The global resourceVersion: raised by every change. */
    public long resourceVersion() {
        return objects.version();
    }

    /** How long a watch without {@code timeoutSeconds} lasts before the server ends it (default 30 s). */
    public void watchTimeout(Duration timeout) {
        this.watchTimeout = timeout;
    }

    public String token() {
        return token;
    }

    /** A kubeconfig naming this API with its valid token; context {@value #CONTEXT}. */
    public Path writeKubeconfig(Path dir) throws IOException {
        return writeKubeconfig(dir, token);
    }

    /**
     * A kubeconfig in the folder, context {@value #CONTEXT}. With TLS it names the CA file it writes
     * beside it ({@code certificate-authority}, an absolute path), so client-java and Patroni verify the server.
     */
    public Path writeKubeconfig(Path dir, String bearerToken) throws IOException {
        Path ca = tls() ? writeCaPem(dir.resolve("ca-" + port() + ".crt")) : null;
        return Kubeconfig.write(dir.resolve("kubeconfig-" + bearerToken.hashCode()), url(), ca, namespace, CONTEXT,
                bearerToken);
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

    /** Stores Endpoints objects with these names and no labels, as if something had created them. */
    public void addEndpoints(String... names) {
        for (String name : names) {
            try {
                objects.create("endpoints", namespace, Map.of("metadata", Map.of("name", name)));
            } catch (ApiError e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }

    /** The names of the stored Endpoints in this namespace. */
    public Set<String> endpoints() {
        return Set.copyOf(objects("endpoints").stream().map(KubeObject::name).toList());
    }

    /**
     * Answers deleting an Endpoints from this (namespace, name) to HTTP status instead of the store: 200
     * deleted, 404 absent, 500 an API server failing; for tests of the client's error handling.
     */
    public void onEndpointsDeletion(ToIntBiFunction<String, String> handler) {
        this.endpointsDeletion = handler;
    }

    /** Every exec's argv, in arrival order. */
    public List<List<String>> execs() {
        return List.copyOf(execs);
    }

    /** The argv of every exec still running: one that was in {@link #execs()} and is not here has ended. */
    public List<List<String>> openExecs() {
        return List.copyOf(execConnections.values());
    }

    /** Every REST call (not exec) that got past the token check, as {@code METHOD path?query}, in arrival order. */
    public List<String> restCalls() {
        return List.copyOf(restCalls);
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

    /**
     * Cuts, now, the open exec connections whose argv {@code which} accepts, as a network failure or an API
     * server restart would: the TCP connection closes with no status and no close frame. What the command
     * does then is the exec's own business ({@link ExecHandler}: it runs on, its output unread). REST calls
     * and watches (Patroni's DCS) are left alone. Returns how many it cut.
     */
    public int cutExecs(java.util.function.Predicate<List<String>> which) {
        int cut = 0;
        for (Map.Entry<Socket, List<String>> e : execConnections.entrySet()) {
            if (which.test(e.getValue())) {
                closeQuietly(e.getKey());
                cut++;
            }
        }
        return cut;
    }

    /**
     * The next exec whose argv {@code which} accepts runs as usual, but its client gets {@code how} applied
     * to the whole of the command's stdout instead of the stdout itself (stderr and exit status unchanged):
     * output cut short or replaced by bytes no parser expects, as a broken pipe, a full disk under the
     * tool or a tool's bug would give. Once; a later exec is answered as usual.
     */
    public void garbleNextStdout(java.util.function.Predicate<List<String>> which, java.util.function.UnaryOperator<byte[]> how) {
        garble.set(new Garble(which, how));
    }

    /** True while a {@link #garbleNextStdout} waits for its exec. */
    public boolean garblePending() {
        return garble.get() != null;
    }

    /**
     * From now on, REST calls (not exec) whose User-Agent starts with {@code userAgent} get HTTP {@code code}
     * with a Kubernetes Status ("etcdserver: request timed out"), as an API server whose storage fails
     * answers; watches that are open stream on until they end. {@code code} 0 answers as usual again.
     */
    public void failRestCalls(String userAgent, int code) {
        this.failing = code == 0 ? null : r -> r.header("User-Agent").startsWith(userAgent);
        this.failingCode = code;
    }

    /** How many REST calls {@link #failRestCalls} answered with its error. */
    public int failedRestCalls() {
        return failedRestCalls.get();
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

    /** The garbling for this exec's stdout if it is the one {@link #garbleNextStdout} waits for (taken), else null. */
    java.util.function.UnaryOperator<byte[]> takeGarble(List<String> argv) {
        Garble g = garble.get();
        return g != null && g.which().test(argv) && garble.compareAndSet(g, null) ? g.how() : null;
    }

    /** The status this REST call is to fail with, or 0. */
    int failure(HttpRequest request) {
        java.util.function.Predicate<HttpRequest> f = failing;
        if (f == null || !f.test(request)) {
            return 0;
        }
        failedRestCalls.incrementAndGet();
        return failingCode;
    }

    private record Garble(java.util.function.Predicate<List<String>> which, java.util.function.UnaryOperator<byte[]> how) {
    }

    void recordExec(List<String> argv) {
        execs.add(argv);
    }

    void recordStdinClose() {
        stdinCloses.incrementAndGet();
    }

    void recordRestCall(String call) {
        restCalls.add(call);
    }

    void countRequest() {
        requests.incrementAndGet();
    }

    /** 0 when the token may do anything, 403 for a forbidden one, 401 for any other. */
    int refusal(String presented) {
        return presented.equals(token) ? 0 : forbiddenTokens.contains(presented) ? 403 : 401;
    }

    synchronized void execStarted(Socket socket, List<String> argv) {
        openExecs++;
        execConnections.put(socket, List.copyOf(argv));
    }

    synchronized void execEnded(Socket socket) {
        execConnections.remove(socket);
        openExecs--;
        notifyAll();
    }

    PodRegistry pods() {
        return pods;
    }

    /** The callback that replaces deleting stored Endpoints, or null. */
    ToIntBiFunction<String, String> endpointsDeletion() {
        return endpointsDeletion;
    }

    ApiObjects objects() {
        return objects;
    }

    Duration watchTimeout() {
        return watchTimeout;
    }

    boolean isOpen() {
        return !server.isClosed();
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
                thread("k8s-api-connection", () -> {
                    ApiConnection.serve(this, socket);
                    connections.remove(socket);
                });
            } catch (IOException e) {
                // closed
            }
        }
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
