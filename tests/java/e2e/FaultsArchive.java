package e2e;

import static e2e.Faults.expect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import e2e.FaultRunner.Fault;
import e2e.FaultRunner.Healing;
import e2e.FaultRunner.Outcome;

/**
 * WAL archiving's bound, on a pod whose data volume has Juju's default size: with S3 gone, PostgreSQL's
 * WAL waits in {@code pg_wal} for the archive, and without a bound it would fill the volume and stop the
 * database. pgBackRest's {@code archive-push-queue-max} (a quarter of the volume, from the pod's {@code df})
 * drops the queue instead and tells PostgreSQL it archived it; the database keeps serving, and the primary's
 * status says that point-in-time recovery has a gap until the next backup.
 */
final class FaultsArchive {

    private static final Pattern QUEUE_MAX = Pattern.compile("(?m)^archive-push-queue-max=([0-9]+)$");
    private static final long SEGMENT = 16L * 1024 * 1024;
    /**
     * The database's pace: a 16 MB segment every 2 s, 8 MB/s of WAL, a busy database for a 1 GiB volume. The
     * volume then holds the queue (256 MB), what comes while a push process meets no S3 (about 40 s,
     * {@code Archiving.PUSH_IO_TIMEOUT}: 320 MB) and the database: below three quarters of it.
     */
    private static final long SEGMENT_EVERY_MILLIS = 2000;
    /** How long the archive may take to catch up once S3 is back. */
    private static final long WAIT_SECONDS = 180;

    private FaultsArchive() {
    }

    static List<Fault> all() {
        return List.of(new Fault("S3 stopped while the database writes more WAL than the archive queue holds, then back",
                Healing.YES, FaultsArchive::walPastTheQueue));
    }

    static Outcome walPastTheQueue(FaultBench b) throws IOException {
        Lifecycle life = b.life;
        Pod pod = b.stack.pod(0);
        String conf = pod.run(30, "cat", "/etc/pgbackrest.conf").check("cat pgbackrest.conf").output();
        Matcher m = QUEUE_MAX.matcher(conf);
        expect(m.find(), "pgbackrest.conf bounds the archive queue:\n" + LocalStack.withoutKeys(conf));
        long queueMax = Long.parseLong(m.group(1));
        long volume = volumeBytes(pod);
        expect(queueMax == volume / 4 / SEGMENT * SEGMENT, "the queue is a quarter of the " + volume + "-byte volume: " + queueMax);
        b.stack.sql("create table if not exists wal_burst(id bigserial primary key, at timestamptz default now())").check("create table");

        b.stack.stopS3();
        boolean back = false;
        String during;
        long peakUsed = 0;
        long dropAfter;
        try {
            life.say("== S3 stopped; the database goes on writing " + SEGMENT_EVERY_MILLIS / 1000 + " s a segment ("
                    + queueMax / SEGMENT + " segments fit in the archive queue)");
            long start = System.nanoTime();
            long pastBound = 0;
            boolean dropped = false;
            for (long i = 0; !dropped; i++) {
                expect(i < volume / SEGMENT, "pgBackRest dropped no WAL after " + i + " segments: " + state(pod));
                // a row, then the segment closed: a busy database's WAL, one segment at a time, without growing the table
                Processes.Result wrote = b.stack.sql("insert into wal_burst default values; select pg_switch_wal()");
                expect(wrote.exitCode() == 0, "segment " + i + " of WAL: " + wrote.output().strip() + "\n" + state(pod));
                peakUsed = Math.max(peakUsed, usedBytes(pod));
                if (pastBound == 0 && readySegments(pod) * SEGMENT > queueMax) {
                    pastBound = System.nanoTime();
                }
                dropped = dropLine(pod).isPresent();
                long next = start + (i + 1) * SEGMENT_EVERY_MILLIS * 1_000_000;
                sleepNanos(next - System.nanoTime());
            }
            dropAfter = pastBound == 0 ? 0 : (System.nanoTime() - pastBound) / 1_000_000_000;
            String drop = dropLine(pod).orElseThrow();
            life.say("== pgBackRest: " + drop.strip());
            life.say(String.format("== dropped within %d s of the queue passing its bound; the data volume at most %d%% used (%d MB of %d MB)",
                    dropAfter, peakUsed * 100 / volume, peakUsed >> 20, volume >> 20));
            expect(peakUsed < volume * 3 / 4, "the volume stayed below three quarters: " + (peakUsed >> 20) + " MB");
            expect(b.serving(), "the database serves after the drop");

            life.hook("update-status");
            during = life.status();
            life.say("== the unit: " + during);
            expect(during.startsWith("active WAL dropped from the full archive queue at "), "the primary tells of the gap: " + during);

            b.stack.startS3Again();
            back = true;
        } finally {
            if (!back) {
                b.stack.startS3Again(); // a scenario that broke off leaves the next faults an S3 that answers
            }
        }
        life.say("== S3 back");
        expect(Processes.await(WAIT_SECONDS, () -> readySegments(pod) == 0), "the archive caught up: " + readySegments(pod) + " waiting");
        life.hook("update-status");
        String caughtUp = life.status();
        expect(caughtUp.equals(during), "the gap is told until a backup covers it: " + caughtUp);
        life.action("create-backup");
        String backup = life.lastActionResult("backup-status");
        expect(backup.equals("backup created"), "create-backup: " + life.lastActionFailure());
        life.hook("update-status");
        String end = life.status();
        return Outcome.of(String.format("8 MB/s of WAL, queue %d MB of a %d MB volume: dropped %d s past the bound, volume at most "
                + "%d%% used; %s; S3 back: archive caught up, a backup, then %s", queueMax >> 20, volume >> 20, dropAfter,
                peakUsed * 100 / volume, during.strip(), end.strip()), end.equals("active ") ? Healing.YES : Healing.NO);
    }

    /** The data volume's size as the pod sees it, as the charm reads it ({@code df}). */
    private static long volumeBytes(Pod pod) {
        return dfColumn(pod, "size");
    }

    private static long usedBytes(Pod pod) {
        return dfColumn(pod, "used");
    }

    private static long dfColumn(Pod pod, String column) {
        String out = pod.run(30, "df", "-B1", "--output=" + column, "/var/lib/postgresql/data").check("df").output();
        return Long.parseLong(out.strip().split("\n")[1].strip());
    }

    /** The segments PostgreSQL still waits to archive ({@code .ready} in pg_wal/archive_status). */
    private static long readySegments(Pod pod) {
        try (Stream<Path> files = Files.list(pod.volume().resolve("pgdata/pg_wal/archive_status"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".ready")).count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** pgBackRest's line telling that it dropped the queue, from its archive-push logs in the pod. */
    private static java.util.Optional<String> dropLine(Pod pod) throws IOException {
        try (Stream<Path> logs = Files.list(pod.dir().resolve("log-pgbackrest"))) {
            for (Path log : logs.filter(f -> f.getFileName().toString().contains("archive-push")).toList()) {
                java.util.Optional<String> line = Files.readAllLines(log).stream().filter(l -> l.contains("dropped WAL file")).findFirst();
                if (line.isPresent()) {
                    return line;
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** What is on the volume and what pgBackRest last said: for the scenario's progress and its failures. */
    private static String state(Pod pod) throws IOException {
        String du = pod.run(30, "du", "-sm", "/var/lib/postgresql/data/pgdata/pg_wal", "/var/lib/postgresql/data/pgdata",
                "/var/lib/postgresql/data").output().strip().replace('\n', ',');
        return "volume used " + (usedBytes(pod) >> 20) + " MB (" + du + "), " + readySegments(pod) + " segments waiting"
                + lastLines(pod, 4);
    }

    private static String lastLines(Pod pod, int n) throws IOException {
        StringBuilder s = new StringBuilder();
        try (Stream<Path> logs = Files.list(pod.dir().resolve("log-pgbackrest"))) {
            for (Path log : logs.filter(f -> f.getFileName().toString().contains("archive-push")).toList()) {
                List<String> lines = Files.readAllLines(log);
                s.append('\n').append(log.getFileName()).append(":\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size())));
            }
        }
        return s.toString();
    }

    private static void sleepNanos(long nanos) {
        if (nanos <= 0) {
            return;
        }
        try {
            Thread.sleep(nanos / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
