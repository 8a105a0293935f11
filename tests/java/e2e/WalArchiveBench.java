package e2e;

import static e2e.Benches.require;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * WAL archive lag on the real stack (bench/run): a ~1 GB write burst on the primary, then the seconds
 * from its end until the repository holds the burst's last segment. First with the configuration the
 * charm rendered (asynchronous archiving), then with only {@code archive-async=n} changed in the pod's
 * {@code /etc/pgbackrest.conf}, which archive_command reads on every segment. The burst's last segment
 * is closed with {@code pg_switch_wal()} at its end in both runs, so neither waits for archive_timeout.
 * Prints "name: value" lines.
 */
public final class WalArchiveBench {

    private static final String STANZA = LocalStack.MODEL + ".patroni-" + LocalStack.APP;
    /** Rows of ~1 KB: about 1 GB of table, and as much WAL (the bench prints how much). */
    private static final long ROWS = 900_000;
    /**
     * Half the round trip to S3 that the main figures are measured at: 20 ms, about what a pod sees to an
     * object store in its own region (its TLS handshakes and requests pay it several times per segment).
     * On loopback S3Proxy answers in well under a millisecond, which flatters one-process-per-segment
     * synchronous archiving; those figures are printed too.
     */
    private static final long ONE_WAY_MILLIS = 10;

    private final LocalStack stack;
    private final Lifecycle life;
    private final PrintStream out = System.out;

    private WalArchiveBench(LocalStack stack, Path charmDir) {
        this.stack = stack;
        this.life = new Lifecycle(stack, stack.dir.resolve("model"), charmDir, new PrintStream(PrintStream.nullOutputStream()));
    }

    public static void main(String[] args) throws Exception {
        try (LocalStack stack = LocalStack.start()) {
            new WalArchiveBench(stack, Path.of(args.length > 0 ? args[0] : "target/charm").toAbsolutePath()).run();
        }
    }

    private void run() throws IOException {
        life.deploy();
        life.relateS3();
        require(life.status().startsWith("active"), "relate: " + life.status());
        String conf = stack.pod(0).run(30, "cat", "/etc/pgbackrest.conf").check("cat").output();
        require(conf.contains("\narchive-async=y\n"), "the charm renders asynchronous archiving");
        double loopbackAsync = burst("loopback_async");
        synchronous();
        double loopbackSync = burst("loopback_sync");
        out.printf("wal_archive_lag_loopback_async_s: %.1f%n", loopbackAsync);
        out.printf("wal_archive_lag_loopback_sync_s: %.1f%n", loopbackSync);
        // S3 as a pod sees a real endpoint: the relation's endpoint moved behind a relay that adds the round trip
        try (LatencyProxy proxy = LatencyProxy.start(stack.s3().port(), ONE_WAY_MILLIS)) {
            Map<String, String> data = new LinkedHashMap<>(stack.integratorData(Lifecycle.BUCKET));
            data.put("endpoint", "https://127.0.0.1:" + proxy.port() + "/");
            life.juju.setRemoteAppData(Lifecycle.S3_RELATION, data, true);
            life.settle();
            require(life.status().startsWith("active"), "S3 behind the relay: " + life.status());
            conf = stack.pod(0).run(30, "cat", "/etc/pgbackrest.conf").check("cat").output();
            require(conf.contains("\narchive-async=y\n") && conf.contains("\nrepo1-storage-port=" + proxy.port() + "\n"),
                    "the charm rendered the relay's endpoint, archiving asynchronously:\n" + LocalStack.withoutKeys(conf));
            double async = burst("async");
            synchronous();
            double sync = burst("sync");
            out.printf("wal_archive_s3_rtt_ms: %d%n", 2 * ONE_WAY_MILLIS);
            out.printf("wal_archive_lag_after_1gb_s: %.1f%n", async);
            out.printf("wal_archive_lag_sync_s: %.1f%n", sync);
            out.printf("wal_archive_lag_async_vs_sync_ratio: %.2f%n", async / sync);
        }
    }

    /** Only {@code archive-async} changed, in the pod's config, which archive_command reads on every segment. */
    private void synchronous() {
        stack.pod(0).run(30, "sed", "-i", "s/^archive-async=y$/archive-async=n/", "/etc/pgbackrest.conf").check("sed");
    }

    /** One burst into a table of its own; the seconds from its end until its last segment is archived. */
    private double burst(String name) throws IOException {
        String table = "burst_" + name;
        // start at a segment boundary, with the archive caught up
        awaitArchived(sql(60, "select pg_walfile_name(pg_switch_wal())"), 300);
        String startLsn = sql(60, "select pg_current_wal_lsn()");
        long start = System.nanoTime();
        sql(1200, "create table " + table + " as select g as id, repeat(md5(g::text), 30) as pad from generate_series(1, "
                + ROWS + ") g");
        // the burst's end: its last segment closed, as a busy database would soon close it
        String last = sql(60, "select pg_walfile_name(pg_switch_wal())");
        long end = System.nanoTime();
        String bytes = sql(60, "select pg_wal_lsn_diff(pg_current_wal_lsn(), '" + startLsn + "')::bigint");
        double lag = awaitArchived(last, 900);
        System.err.printf("%s: %.1f MB of WAL in %.1f s, segment %s archived %.1f s after%n", name,
                Long.parseLong(bytes) / 1e6, (end - start) / 1e9, last, lag);
        out.printf("wal_burst_%s_mb: %.0f%n", name, Long.parseLong(bytes) / 1e6);
        sql(600, "drop table " + table); // ~1 GB each: the next burst writes its own
        return lag;
    }

    /**
     * Seconds until the repository (S3Proxy's files) holds this segment, polled every 50 ms. The segment
     * is {@code pg_walfile_name(pg_switch_wal())}: the one the switch closed.
     */
    private double awaitArchived(String segment, long seconds) throws IOException {
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (archived(segment)) {
                return (System.nanoTime() - start) / 1e9;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        throw new IllegalStateException("segment " + segment + " not archived within " + seconds + " s");
    }

    private boolean archived(String segment) throws IOException {
        Path archive = stack.s3().basedir();
        try (Stream<Path> files = Files.walk(archive)) {
            return files.anyMatch(f -> f.toString().contains("/archive/" + STANZA + "/")
                    && f.getFileName().toString().startsWith(segment + "-"));
        }
    }

    private String sql(long seconds, String statement) {
        return stack.pod(0).run(seconds, "runuser", "-u", "postgres", "--", "psql", "-X", "-h", "/tmp", "-p", "5432",
                "-d", "postgres", "-Atc", statement).check(statement).output().strip();
    }

}
