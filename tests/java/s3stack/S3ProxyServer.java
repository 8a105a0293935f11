package s3stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 server for tests: S3Proxy 2.6.0 over HTTPS on 127.0.0.1, run by
 * {@code tests/stack/s3proxy/start.sh} as a JVM of its own (its jclouds, Guava and Jetty stay off our
 * class path) and stopped by {@code stop.sh} on {@link #close()}. Objects live as files under
 * {@link #basedir()}: a folder there is a bucket.
 *
 * <p>The jars are copied once into {@code target/stack/s3proxy} (system property {@code s3proxy.cache}
 * overrides it); the first start may need the network to fetch them into ~/.m2.
 */
public final class S3ProxyServer implements AutoCloseable {

    private static final long START_SECONDS = 300;
    private static final long STOP_SECONDS = 30;

    private final Path stateDir;
    private final Map<String, String> env;
    private final Thread shutdownHook;
    private boolean closed;

    private S3ProxyServer(Path stateDir, Map<String, String> env) {
        this.stateDir = stateDir;
        this.env = env;
        this.shutdownHook = new Thread(this::stopQuietly, "s3proxy-stop");
    }

    /** Starts a server whose state (keystore, config, data, log) lives in {@code stateDir}. */
    public static S3ProxyServer start(Path stateDir) throws IOException {
        return start(stateDir, Map.of());
    }

    /** As {@link #start(Path)}, with start.sh's environment settings (e.g. {@code S3PROXY_SECRET_KEY}). */
    public static S3ProxyServer start(Path stateDir, Map<String, String> settings) throws IOException {
        Path state = stateDir.toAbsolutePath();
        Files.createDirectories(state);
        Map<String, String> extra = new HashMap<>(settings);
        extra.putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
        Result r = run(state.resolve("start.out"), START_SECONDS, extra,
                script("start.sh").toString(), state.toString(), cacheDir().toString());
        if (r.exitCode != 0) {
            // It may have got as far as writing a PID.
            run(state.resolve("stop.out"), STOP_SECONDS, Map.of(), script("stop.sh").toString(), state.toString());
            throw new IOException("start.sh exited " + r.exitCode + ":\n" + r.output);
        }
        S3ProxyServer server = new S3ProxyServer(state, readEnv(state.resolve("s3proxy.env")));
        Runtime.getRuntime().addShutdownHook(server.shutdownHook);
        return server;
    }

    public String endpoint() {
        return env.get("S3PROXY_ENDPOINT");
    }

    public int port() {
        return Integer.parseInt(env.get("S3PROXY_PORT"));
    }

    public Path caPemFile() {
        return Path.of(env.get("S3PROXY_CA_PEM"));
    }

    /** The server's self-signed certificate, which is its own CA. */
    public String caPem() throws IOException {
        return Files.readString(caPemFile(), StandardCharsets.US_ASCII);
    }

    public String accessKey() {
        return env.get("S3PROXY_ACCESS_KEY");
    }

    public String secretKey() {
        return env.get("S3PROXY_SECRET_KEY");
    }

    /** The filesystem backend's root: {@code basedir/<bucket>/<key>}. */
    public Path basedir() {
        return Path.of(env.get("S3PROXY_BASEDIR"));
    }

    public long pid() {
        return Long.parseLong(env.get("S3PROXY_PID"));
    }

    public Path log() {
        return Path.of(env.get("S3PROXY_LOG"));
    }

    /** Makes a bucket as the filesystem backend stores it: a folder under {@link #basedir()}. */
    public Path createBucket(String bucket) throws IOException {
        return Files.createDirectories(basedir().resolve(bucket));
    }

    /** Where the backend keeps an object. */
    public Path objectFile(String bucket, String key) {
        return basedir().resolve(bucket).resolve(key);
    }

    /** Stops the server (TERM, then KILL) and waits for it to be gone. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down already; the hook stops the server
        }
        Result r = run(stateDir.resolve("stop.out"), STOP_SECONDS, Map.of(), script("stop.sh").toString(), stateDir.toString());
        if (r.exitCode != 0) {
            throw new IOException("stop.sh exited " + r.exitCode + ":\n" + r.output);
        }
    }

    private void stopQuietly() {
        try {
            run(stateDir.resolve("stop.out"), STOP_SECONDS, Map.of(), script("stop.sh").toString(), stateDir.toString());
        } catch (IOException e) {
            System.err.println("s3proxy: could not stop " + stateDir + ": " + e.getMessage());
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** The repository root: the tests' working directory (the charm module's pom sets it; scripts run there). */
    private static Path projectDir() {
        return Path.of(System.getProperty("user.dir")).toAbsolutePath();
    }

    private static Path script(String name) {
        return projectDir().resolve("tests/stack/s3proxy").resolve(name);
    }

    private static Path cacheDir() {
        String configured = System.getProperty("s3proxy.cache");
        return configured != null ? Path.of(configured).toAbsolutePath() : projectDir().resolve("target/stack/s3proxy");
    }

    private record Result(int exitCode, String output) {}

    /** Runs {@code sh args...} with output to a file, bounded by {@code seconds}. */
    private static Result run(Path out, long seconds, Map<String, String> extraEnv, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(concat("sh", args));
        pb.environment().putAll(extraEnv);
        pb.redirectErrorStream(true).redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        p.getOutputStream().close();
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                return new Result(-1, "timed out after " + seconds + " s\n" + Files.readString(out));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", args), e);
        }
        return new Result(p.exitValue(), Files.readString(out));
    }

    private static List<String> concat(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return List.of(all);
    }

    /** start.sh's env file: {@code KEY='value'} lines. */
    private static Map<String, String> readEnv(Path file) throws IOException {
        Map<String, String> out = new HashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String value = line.substring(eq + 1);
            if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
                value = value.substring(1, value.length() - 1);
            }
            out.put(line.substring(0, eq), value);
        }
        for (String key : List.of("S3PROXY_ENDPOINT", "S3PROXY_PORT", "S3PROXY_CA_PEM", "S3PROXY_ACCESS_KEY",
                "S3PROXY_SECRET_KEY", "S3PROXY_BASEDIR", "S3PROXY_PID", "S3PROXY_LOG")) {
            if (!out.containsKey(key)) {
                throw new IOException(file + " lacks " + key);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "S3ProxyServer[" + endpoint() + ", pid " + env.get("S3PROXY_PID") + ", state " + stateDir + "]";
    }
}
