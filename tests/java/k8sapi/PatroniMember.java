package k8sapi;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One real Patroni 3 member (Debian's {@code patroni}, PostgreSQL 15) run as user postgres against a
 * {@link LocalKubernetesApi} through a kubeconfig, its Kubernetes DCS on Endpoints. Everything it
 * listens on is 127.0.0.1; its data, configuration and log live in {@code work}. Stopped by PID:
 * SIGTERM to Patroni, then the postmaster (whose parent is not Patroni) is waited for by the PID in
 * {@code postmaster.pid}, and killed if it lingers.
 */
final class PatroniMember implements AutoCloseable {

    static final String BIN_DIR = "/usr/lib/postgresql/15/bin";

    /** Where the member runs and how it finds its cluster; the pod named {@code name} must exist with the labels. */
    record Settings(String namespace, String scope, String name, String ip, int pgPort, int restPort,
            Path kubeconfig) {}

    private final Settings settings;
    private final Path work;
    private final Process runuser;

    private PatroniMember(Settings settings, Path work, Process runuser) {
        this.settings = settings;
        this.work = work;
        this.runuser = runuser;
    }

    /** Whether this machine can run one: root, a postgres user, patroni and PostgreSQL 15. */
    static boolean available() {
        return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of(BIN_DIR, "postgres"))
                && onPath("patroni") && onPath("runuser");
    }

    private static boolean onPath(String command) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, command)));
    }

    /** Starts Patroni in {@code work} (made and given to postgres); the kubeconfig and its CA must be readable by postgres. */
    static PatroniMember start(Settings settings, Path work) throws IOException {
        Files.createDirectories(work);
        giveToPostgres(work);
        Path yml = work.resolve("patroni.yml");
        Files.writeString(yml, config(settings, work), java.nio.charset.StandardCharsets.UTF_8);
        giveToPostgres(yml);
        ProcessBuilder builder = new ProcessBuilder("runuser", "-u", "postgres", "--", "env",
                "KUBECONFIG=" + settings.kubeconfig(), "patroni", yml.toString())
                .redirectErrorStream(true).redirectOutput(work.resolveSibling(work.getFileName() + ".log").toFile());
        builder.environment().remove("KUBERNETES_SERVICE_HOST"); // else Patroni tries the in-cluster path
        builder.environment().remove("KUBERNETES_SERVICE_PORT");
        return new PatroniMember(settings, work, builder.start());
    }

    /** Gives a file or folder to postgres, private to it. */
    static void giveToPostgres(Path path) throws IOException {
        UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(users.lookupPrincipalByName("postgres"));
        view.setGroup(users.lookupPrincipalByGroupName("postgres"));
        view.setPermissions(PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwx------" : "rw-------"));
    }

    /** Whether Patroni's REST API says this member leads: {@code GET /primary} is 200. */
    boolean isPrimary() {
        try {
            HttpResponse<Void> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + settings.restPort() + "/primary"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return answer.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    boolean isRunning() {
        return runuser.isAlive();
    }

    /** The end of Patroni's log, for failure messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(work.resolveSibling(work.getFileName() + ".log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * SIGTERM to Patroni (runuser's child: runuser itself would answer SIGTERM by killing Patroni two
     * seconds later, mid-shutdown), then waits for Patroni, runuser and the postmaster named in
     * {@code postmaster.pid}; whatever outlives the bound is killed. True if all stopped by themselves.
     */
    boolean stop(Duration bound) throws InterruptedException {
        Optional<ProcessHandle> postmaster = postmaster();
        List<ProcessHandle> patroni = runuser.children().toList();
        patroni.forEach(ProcessHandle::destroy);
        long until = System.nanoTime() + bound.toNanos();
        boolean clean = await(() -> !runuser.isAlive() && patroni.stream().noneMatch(ProcessHandle::isAlive)
                && postmaster.map(p -> !p.isAlive()).orElse(true), until);
        if (!clean) {
            patroni.forEach(ProcessHandle::destroyForcibly);
            runuser.destroyForcibly();
            postmaster.ifPresent(ProcessHandle::destroyForcibly);
            await(() -> postmaster.map(p -> !p.isAlive()).orElse(true), System.nanoTime() + 10_000_000_000L);
        }
        return clean;
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(60));
    }

    private Optional<ProcessHandle> postmaster() {
        try {
            String first = Files.readAllLines(work.resolve("data/postmaster.pid")).get(0).trim();
            return ProcessHandle.of(Long.parseLong(first));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not started, or already stopped
        }
    }

    private static boolean await(BooleanSupplier done, long untilNanos) throws InterruptedException {
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - untilNanos > 0) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    private static String config(Settings s, Path work) {
        String pg = "127.0.0.1:" + s.pgPort();
        String rest = "127.0.0.1:" + s.restPort();
        return String.join("\n",
                "scope: " + s.scope(),
                "name: " + s.name(),
                "log: {level: INFO}",
                "restapi: {listen: '" + rest + "', connect_address: '" + rest + "'}",
                "kubernetes:",
                "  namespace: " + s.namespace(),
                "  context: " + LocalKubernetesApi.CONTEXT,
                "  labels: {application: patroni, cluster-name: " + s.scope() + "}",
                "  scope_label: cluster-name",
                "  role_label: role",
                "  use_endpoints: true",
                "  pod_ip: " + s.ip(),
                "  ports: [{name: postgresql, port: " + s.pgPort() + "}]",
                "bootstrap:",
                "  dcs: {ttl: 20, loop_wait: 2, retry_timeout: 5, postgresql: {use_pg_rewind: false}}",
                "  initdb: [{encoding: UTF8}, {auth-local: trust}]",
                "postgresql:",
                "  listen: '" + pg + "'",
                "  connect_address: '" + pg + "'",
                "  data_dir: " + work.resolve("data"),
                "  bin_dir: " + BIN_DIR,
                "  pgpass: " + work.resolve("pgpass"),
                "  authentication:",
                "    superuser: {username: postgres, password: " + secret() + "}",
                "    replication: {username: replication, password: " + secret() + "}",
                "  parameters: {unix_socket_directories: '" + work + "', max_connections: 20, shared_buffers: 16MB}",
                "  pg_hba: ['local all all trust', 'host all all 127.0.0.1/32 scram-sha-256',"
                        + " 'host replication replication 127.0.0.1/32 scram-sha-256']",
                "");
    }

    private static String secret() {
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
