package e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jujuops.json.Json;
import k8sapi.LocalKubernetesApi;
import k8sapi.LocalPod;
import s3stack.S3ProxyServer;

/**
 * The charm's world on one machine without Docker: S3Proxy (real S3 over HTTPS with SigV4), a
 * Kubernetes API stand-in over HTTPS that is also Patroni's store (its Kubernetes DCS, as in
 * production), and one {@link Pod} per unit: a mount namespace with the image's paths and an address of
 * its own (127.0.0.11, .12, ..., or the next free block: {@link AddressBlock}), where the pod exec of the API runs commands and a Pebble stand-in runs
 * Patroni (which runs PostgreSQL 15) as user postgres. Pods find each other and the charm finds them by
 * their DNS names {@code <pod>.<app>-endpoints}, from one hosts file (mounted over /etc/hosts in the
 * pods, {@code jdk.net.hosts.file} for the charm's JVM). Everything binds 127.0.0.0/8, lives under one
 * folder, and is stopped by PID on {@link #close()}.
 */
public final class LocalStack implements AutoCloseable {

    public static final String APP = "postgresql-k8s";
    public static final String UNIT = APP + "/0";
    public static final String MODEL = "e2e";
    public static final String SCOPE = "patroni-" + APP;
    /** How the workload differs from the image here: PostgreSQL 15 from Debian, pods that share one network. */
    static final String LAYOUT = "{\"postgresql-version\": \"15\", \"listen\": \"pod-address\"}";

    final Path dir;
    /** The Juju model's name: the Kubernetes namespace. */
    private final String model;
    /** False for a second model's stack that uses another stack's S3 server, which that stack stops. */
    private boolean ownsS3 = true;
    private final Map<String, Pod> pods = new LinkedHashMap<>();
    private MountPoints mountPoints;
    /** The pods' addresses; owned (released on close) unless shared with the stack whose S3 this one uses. */
    private AddressBlock addresses;
    private boolean ownsAddresses = true;
    private S3ProxyServer s3;
    private LocalKubernetesApi api;
    private Path kubeconfig;
    private boolean closed;
    /** S3Proxy's JVM is stopped by {@link #freezeS3()} and not yet thawed. */
    private boolean s3Frozen;
    /** Each pod's data volume size; 0: a folder on the machine's disk. */
    private long volumeBytes;

    private LocalStack(Path dir, String model) {
        this.dir = dir;
        this.model = model;
    }

    /** The stack with one pod per unit, {@code postgresql-k8s-0} up to {@code -(units - 1)}. */
    public static LocalStack start(int units) throws IOException {
        return start(units, MODEL, null, 0);
    }

    /** As {@link #start(int)}, each pod's data volume a filesystem of {@code volumeBytes} ({@link Pod#start}). */
    public static LocalStack start(int units, long volumeBytes) throws IOException {
        return start(units, MODEL, null, volumeBytes);
    }

    /**
     * A second Juju model (its own namespace, Kubernetes API and pods) on the same S3 server as
     * {@code first}, whose pods must be gone: the pods take the same addresses. Close it before {@code first}.
     */
    public static LocalStack startSharingS3(LocalStack first, String model, int units) throws IOException {
        return start(units, model, first, 0);
    }

    private static LocalStack start(int units, String model, LocalStack first, long volumeBytes) throws IOException {
        // Not under /tmp: every pod mounts a /tmp of its own.
        Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "pgk8s-stack-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        LocalStack stack = new LocalStack(dir, model);
        stack.volumeBytes = volumeBytes;
        if (first != null) {
            stack.s3 = first.s3;
            stack.ownsS3 = false;
            stack.addresses = first.addresses;
            stack.ownsAddresses = false;
        }
        // Ctrl-C or a killed build still stops the pods, their databases and S3Proxy.
        Runtime.getRuntime().addShutdownHook(new Thread(stack::closeQuietly, "local-stack-stop"));
        try {
            stack.startAll();
            for (int n = 0; n < units; n++) {
                stack.addPod(n);
            }
            return stack;
        } catch (IOException | RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    public static LocalStack start() throws IOException {
        return start(1);
    }

    private void startAll() throws IOException {
        mountPoints = MountPoints.ensure();
        if (addresses == null) {
            addresses = AddressBlock.claim();
        }
        if (s3 == null) {
            s3 = S3ProxyServer.start(dir.resolve("s3proxy"));
        }
        try {
            api = LocalKubernetesApi.startTls(model);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making the API's certificate", e);
        }
        Path kube = Files.createDirectories(dir.resolve("kubernetes"));
        kubeconfig = api.writeKubeconfig(kube);
        Path sa = Files.createDirectories(dir.resolve("serviceaccount"));
        Files.writeString(sa.resolve("token"), api.token());
        api.writeCaPem(sa.resolve("ca.crt"));
        Files.writeString(sa.resolve("namespace"), model);
        Files.writeString(dir.resolve("workload-layout.json"), LAYOUT);
        writeHosts();
    }

    /** The pod of unit {@code n} is scheduled: its namespace, its Pod object, its name in every hosts file. */
    public Pod addPod(int n) throws IOException {
        String name = APP + "-" + n;
        Pod pod = Pod.start(dir.resolve("pods"), name, addresses.ip(n), dir.resolve("hosts"),
                dir.resolve("serviceaccount"), Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1",
                        "KUBERNETES_SERVICE_PORT", Integer.toString(api.port())), volumeBytes);
        pods.put(name, pod);
        writeHosts();
        api.addPod(new LocalPod(name, Map.of("app.kubernetes.io/name", APP), pod.ip(), pod.execPrefix()));
        return pod;
    }

    /**
     * The pod goes away as Kubernetes removes one: its containers stop, its object is deleted, and its
     * volume with it (a pod scheduled again under the same name starts empty). Removing a pod that is
     * already gone changes nothing.
     */
    public void removePod(String name) throws IOException {
        Pod pod = pods.remove(name);
        if (pod != null) {
            pod.close();
        }
        api.removePod(name);
        writeHosts();
        Processes.run(120, "rm", "-rf", "--one-file-system", dir.resolve("pods").resolve(name).toString()).check("remove pod " + name);
    }

    /** Unit n's workload container crashes and starts again ({@link Pod#restartContainer}); exec follows it. */
    public void restartContainer(int n) throws IOException {
        Pod pod = pod(n);
        pod.restartContainer();
        api.podRestarted(pod.name(), pod.execPrefix());
    }

    public Pod pod(int n) {
        return pods.get(APP + "-" + n);
    }

    public List<Pod> pods() {
        return new ArrayList<>(pods.values());
    }

    /** Every pod's DNS name, as the application's headless service gives them; rewritten in place (pods bind-mount it). */
    private void writeHosts() throws IOException {
        StringBuilder hosts = new StringBuilder("127.0.0.1 localhost\n");
        for (Pod pod : pods.values()) {
            hosts.append(pod.ip()).append(' ').append(pod.name()).append('.').append(APP).append("-endpoints ")
                    .append(pod.name()).append('\n');
        }
        Files.writeString(dir.resolve("hosts"), hosts.toString());
    }

    /**
     * What the charm's processes need to find this world: the Kubernetes API, the workload's version and
     * listen address, and the pods' names (a JVM outside the pods resolves them from the hosts file).
     */
    public Map<String, String> charmEnv() {
        return Map.of("KUBECONFIG", kubeconfig.toString(),
                "POSTGRESQL_K8S_WORKLOAD_LAYOUT", dir.resolve("workload-layout.json").toString(),
                "CHARM_JAVA_OPTS", "-Djdk.net.hosts.file=" + dir.resolve("hosts"));
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

    /** A pgBackRest configuration to show in a failure: its S3 keys left out, as the charm leaves them out of its logs. */
    static String withoutKeys(String conf) {
        return conf.lines().filter(l -> !l.matches("repo1-s3-key(-secret)?=.*")).collect(java.util.stream.Collectors.joining("\n"));
    }

    /** Every argv the charm ran in the workloads through the Kubernetes exec API. */
    public List<List<String>> kubernetesExecs() {
        return api.execs();
    }

    /** The addresses the pods of {@code units} units take, e.g. 127.0.0.11-13. */
    public String podAddresses(int units) {
        return addresses.range(units);
    }

    public LocalKubernetesApi api() {
        return api;
    }

    /** The pod holding Patroni's leader lock, from the Endpoints the API stand-in serves; empty without one. */
    public Optional<String> leaderPod() {
        return api.object("endpoints", SCOPE).map(e -> {
            Object metadata = e.get("metadata");
            Object annotations = metadata instanceof Map ? ((Map<?, ?>) metadata).get("annotations") : null;
            Object leader = annotations instanceof Map ? ((Map<?, ?>) annotations).get("leader") : null;
            return leader instanceof String ? (String) leader : null;
        });
    }

    /**
     * Patroni moves the primary to another member, as an operator's {@code patronictl switchover} would,
     * through the REST API of the current primary; waits until the leader lock in the Endpoints is the
     * candidate's and it serves as primary.
     */
    public void switchover(String candidate) throws IOException {
        String leader = leaderPod().orElseThrow(() -> new IOException("no primary to switch over from"));
        Pod from = pods.get(leader);
        java.net.HttpURLConnection c = (java.net.HttpURLConnection)
                new java.net.URL("http://" + from.ip() + ":8008/switchover").openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setConnectTimeout(5000);
        c.setReadTimeout(60000);
        c.setRequestProperty("Content-Type", "application/json");
        c.getOutputStream().write(Json.write(Map.of("leader", leader, "candidate", candidate)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        int code = c.getResponseCode();
        if (code != 200) {
            throw new IOException("switchover to " + candidate + " answered HTTP " + code);
        }
        Pod to = pods.get(candidate);
        if (!Processes.await(60, () -> candidate.equals(leaderPod().orElse(""))
                && "f".equals(to.sql("select pg_is_in_recovery()").output().strip())
                && "replica".equals(roleLabel(leader)))) {
            throw new IOException("switchover to " + candidate + " did not complete in 60 s");
        }
    }

    /** The role Patroni put on the pod's labels ({@code master}, {@code replica}), or "" without one. */
    public String roleLabel(String pod) {
        return api.object("pods", pod).map(p -> {
            Object labels = ((Map<?, ?>) p.get("metadata")).get("labels");
            Object role = labels instanceof Map ? ((Map<?, ?>) labels).get("role") : null;
            return role == null ? "" : role.toString();
        }).orElse("");
    }

    /** S3 goes away: the server stops (connections are refused). */
    public void stopS3() throws IOException {
        thawQuietly(); // a frozen JVM would take its TERM only when thawed
        s3.close();
    }

    /**
     * S3 goes away at once: the server's JVM gets SIGKILL (which also ends a frozen one), so its port
     * refuses connections from this moment, where {@link #stopS3()} leaves it answering for the seconds
     * its JVM takes to wind down.
     */
    public synchronized void killS3() throws IOException {
        Processes.run(10, "kill", "-KILL", Long.toString(s3.pid())).check("kill S3Proxy (pid " + s3.pid() + ")");
        s3Frozen = false;
        s3.close(); // stop.sh finds it gone and forgets its PID
    }

    /** S3 comes back on the same port with the same keys, data and certificate, as an S3 endpoint does after an outage. */
    public void startS3Again() throws IOException {
        s3 = S3ProxyServer.start(dir.resolve("s3proxy"), Map.of("S3PROXY_PORT", Integer.toString(s3.port()),
                "S3PROXY_ACCESS_KEY", s3.accessKey(), "S3PROXY_SECRET_KEY", s3.secretKey()));
    }

    public String model() {
        return model;
    }

    /**
     * S3 stops answering without going away: the server's JVM is stopped with SIGSTOP, so the kernel
     * still accepts connections on its port but nothing reads or answers them. {@link #thawS3()} lets
     * it run again; use {@link #withS3Frozen} so that every way out thaws it.
     */
    public synchronized void freezeS3() {
        s3Frozen = true;
        Processes.run(10, "kill", "-STOP", Long.toString(s3.pid())).check("freeze S3Proxy (pid " + s3.pid() + ")");
    }

    /** S3Proxy runs again after {@link #freezeS3()}; harmless when it runs already. */
    public synchronized void thawS3() {
        Processes.run(10, "kill", "-CONT", Long.toString(s3.pid())).check("thaw S3Proxy (pid " + s3.pid() + ")");
        s3Frozen = false;
    }

    /** Runs {@code during} with S3 frozen, and thaws S3 however it ends. */
    public <T> T withS3Frozen(java.util.function.Supplier<T> during) {
        freezeS3();
        try {
            return during.get();
        } finally {
            thawS3();
        }
    }

    /**
     * What {@code pgbackrest verify} (run in unit 0's pod, as the charm's pgBackRest is configured) finds
     * wrong in this cluster's stanza: empty when nothing, else its first error or its summary's bad counts.
     */
    public String repositoryProblem() {
        String stanza = model + ".patroni-" + APP;
        Processes.Result r = pod(0).run(300, "runuser", "-u", "postgres", "--", "pgbackrest", "--stanza=" + stanza,
                "--log-level-console=info", "verify");
        String[] lines = r.output().strip().split("\n");
        for (String line : lines) {
            if (line.contains("ERROR") || line.contains("WARN")
                    || line.matches(".*\\b(invalid|missing|checksum invalid|size invalid)\\b.*: [1-9].*")) {
                return "pgbackrest verify: " + line.strip();
            }
        }
        if (r.exitCode() != 0) {
            return "pgbackrest verify exited " + r.exitCode() + ": " + lines[lines.length - 1].strip();
        }
        return "";
    }

    /** Pebble stops of the database the charm ran (each argv ends with it, after the exec's timeout wrapper). */
    public long databaseStops() {
        List<String> stop = List.of("/charm/bin/pebble", "stop", "postgresql");
        return kubernetesExecs().stream()
                .filter(argv -> argv.size() >= 3 && argv.subList(argv.size() - 3, argv.size()).equals(stop)).count();
    }

    public S3ProxyServer s3() {
        return s3;
    }

    /** The rows of a table on the primary. */
    public int rows(String table) {
        return Integer.parseInt(sql("select count(*) from " + table).check("count").output().strip());
    }

    /** The primary's timeline, from its last checkpoint. */
    public long timeline() {
        return Long.parseLong(sql("select timeline_id from pg_control_checkpoint()").check("timeline").output().strip());
    }

    /** Runs SQL as postgres on the primary (the leader lock's holder, else unit 0); psql's unaligned output. */
    public Processes.Result sql(String statement) {
        Pod primary = leaderPod().map(pods::get).orElse(pod(0));
        return primary.sql(statement);
    }

    /** A frozen S3Proxy cannot act on its TERM; thawing one that runs changes nothing. */
    private void thawQuietly() {
        if (s3Frozen) {
            Processes.run(10, "kill", "-CONT", Long.toString(s3.pid()));
            s3Frozen = false;
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            System.err.println("local stack: clean-up failed: " + e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        List<Pod> all = new ArrayList<>(pods.values());
        java.util.Collections.reverse(all);
        for (Pod pod : all) {
            pod.close();
        }
        pods.clear();
        if (api != null) {
            try {
                api.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (s3 != null && s3Frozen) {
            thawQuietly();
        }
        if (s3 != null && ownsS3) {
            s3.close();
        }
        if (mountPoints != null) {
            mountPoints.close();
        }
        if (addresses != null && ownsAddresses) {
            addresses.close();
        }
        Processes.run(120, "rm", "-rf", "--one-file-system", dir.toString()).check("remove " + dir);
    }
}
