package e2e;

import static e2e.Benches.require;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
        double async = burst("async");
        stack.pod(0).run(30, "sed", "-i", "s/^archive-async=y$/archive-async=n/", "/etc/pgbackrest.conf").check("sed");
        double sync = burst("sync");
        out.printf("wal_archive_lag_after_1gb_s: %.1f%n", async);
        out.printf("wal_archive_lag_sync_s: %.1f%n", sync);
        out.printf("wal_archive_lag_async_vs_sync_ratio: %.2f%n", async / sync);
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
