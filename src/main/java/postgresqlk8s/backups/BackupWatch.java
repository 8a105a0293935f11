package postgresqlk8s.backups;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import postgresqlk8s.pgbackrest.PgBackRest;
import postgresqlk8s.workload.ExecResult;
import postgresqlk8s.workload.WorkloadUnreachableException;

/**
 * Not in the flowchart: the backup runs on a thread of its own while the action watches it, so that a
 * backup S3 stopped answering in the middle of ends within a bound instead of pgBackRest's.
 *
 * <p>Why: a backup keeps pgBackRest's long timeouts (its 60 s I/O timeout, its 30-minute protocol
 * timeout), which a healthy but slow S3 may need; but when S3 stops answering mid-copy, pgBackRest's
 * main process and its workers wait on each other for minutes (docs/when-s3-does-not-answer.md), and
 * the action, which holds the unit (Juju runs one hook or action at a time), with them. So, as
 * update-status does for a restore ({@link RestoreStall}): when pgBackRest's backup lock file, where
 * 2.45 writes the backup's progress, has not changed for {@link Timing#patience()} and the repository
 * does not answer an interactive listing (bounded to about 12 s), the backup's process group is ended
 * (TERM) and the action fails with the reason. While the repository answers, a backup that seems stuck is left to
 * pgBackRest.
 *
 * <p>Each look also tells the operator how far the backup is ({@link BackupProgress}, from the same lock
 * file) through {@code progress}, the action's log, so that {@code juju run} shows a line at least every
 * 10 s while pgBackRest runs: the looks are {@link Timing#poll()} apart counted from the first, not from
 * the end of the last, so reading the lock file does not stretch the gaps.
 */
final class BackupWatch {

    private static final Logger LOG = Logs.get(BackupWatch.class);

    /**
     * How often the backup is looked at, and after how many looks without progress the repository is
     * asked: 8 s, so that a progress line follows the last within 10 s with 2 s left for reading the lock
     * file and the {@code action-log} call, and 15 looks, so 2 minutes, twice pgBackRest's I/O timeout, as
     * for a restore.
     */
    record Timing(Duration poll, int patiencePolls, Duration afterStop) {
        static final Timing PRODUCTION = new Timing(Duration.ofSeconds(8), 15, Duration.ofSeconds(30));

        Duration patience() {
            return poll.multipliedBy(patiencePolls);
        }
    }

    /** How the backup ended: it finished by itself (well or not), or the watch stopped it. */
    sealed interface Ending permits Finished, Stopped {
    }

    record Finished(ExecResult result) implements Ending {
    }

    /** @param reason why it was stopped, safe to show (secrets masked) */
    record Stopped(String reason) implements Ending {
    }

    @FunctionalInterface
    interface Backup {
        ExecResult run() throws WorkloadUnreachableException;
    }

    private final Repository repository;
    private final Timing timing;
    private final java.util.function.Consumer<String> progress;

    /** @param progress where each look's progress line goes: the action's log */
    BackupWatch(Repository repository, Timing timing, java.util.function.Consumer<String> progress) {
        this.repository = repository;
        this.timing = timing;
        this.progress = progress;
    }

    Ending run(Backup backup) throws WorkloadUnreachableException {
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "backup");
            t.setDaemon(true); // a backup the watch could not end must not keep the dispatch alive
            return t;
        });
        try {
            return watch(thread.submit(backup::run));
        } finally {
            thread.shutdown();
        }
    }

    private Ending watch(Future<ExecResult> running) throws WorkloadUnreachableException {
        // Nothing is asked of the pod before the first look: a backup that ends within it costs no command.
        String lastLock = null;
        int unchanged = 0;
        long nextLook = System.nanoTime() + timing.poll().toNanos();
        while (true) {
            Optional<ExecResult> done = await(running, Duration.ofNanos(Math.max(0, nextLook - System.nanoTime())));
            if (done.isPresent()) {
                return new Finished(done.get());
            }
            nextLook += timing.poll().toNanos();
            String lock = lock();
            tell(BackupProgress.lineFor(lock));
            unchanged = lock.equals(lastLock) ? unchanged + 1 : 0;
            lastLock = lock;
            if (unchanged < timing.patiencePolls()) {
                continue;
            }
            Optional<String> unanswered = repository.unanswered(repository.pgbackrest().stanza());
            if (unanswered.isPresent()) {
                String reason = "no progress for " + timing.poll().multipliedBy(unchanged).toSeconds()
                        + " s, and the repository does not answer: " + unanswered.get();
                return stop(running, reason, lock);
            }
        }
    }

    /**
     * The backup's whole process group gets TERM (its pid from the lock file), so that no local worker
     * blocked on S3 outlives it and writes into the backup's folder later; without a pid, pgBackRest's
     * own {@code stop --force} (main process only), then {@code start}, so that archiving is not left stopped.
     */
    private Ending stop(Future<ExecResult> running, String reason, String lock) throws WorkloadUnreachableException {
        LOG.error("stopping the backup: {}", reason);
        PgBackRest pgbackrest = repository.pgbackrest();
        Optional<Long> pid = pidIn(lock);
        ExecResult terminated = pid.isPresent() ? pgbackrest.terminateProcessGroupOf(pid.get()) : null;
        if (terminated == null || !terminated.succeeded()) {
            LOG.warn("could not end the backup's process group ({}); asking pgBackRest to stop it",
                    terminated == null ? "no pid in its lock file" : "exit " + terminated.exitCode());
            stopForceThenStart(pgbackrest);
        }
        Optional<ExecResult> ended = await(running, timing.afterStop());
        if (ended.isEmpty()) {
            return new Stopped(reason + "; the backup was told to stop and had not ended " + timing.afterStop().toSeconds() + " s later");
        }
        return new Stopped(reason + "; the backup was stopped");
    }

    /** A progress line that cannot be logged is not worth the backup: it is left out, and said in the charm's log. */
    private void tell(String line) {
        try {
            progress.accept(line);
        } catch (RuntimeException e) {
            LOG.warn("could not log the backup's progress ({}): {}", line, e.getMessage());
        }
    }

    private void stopForceThenStart(PgBackRest pgbackrest) throws WorkloadUnreachableException {
        try {
            ExecResult stopped = pgbackrest.stopForce();
            if (!stopped.succeeded()) {
                LOG.error("pgbackrest stop failed: {}", repository.hint(stopped));
            }
        } finally {
            ExecResult started = pgbackrest.start();
            if (!started.succeeded()) {
                LOG.error("pgbackrest start failed, WAL archiving stays stopped: {}", repository.hint(started));
            }
        }
    }

    private static final java.util.regex.Pattern PID = java.util.regex.Pattern.compile("\"pid\"\\s*:\\s*(\\d{1,9})");

    /** The main process's pid in pgBackRest 2.45's lock file ({@code {"execId":...,"pctCplt":...,"pid":N}}). */
    static Optional<Long> pidIn(String lock) {
        java.util.regex.Matcher m = PID.matcher(lock);
        return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    /** The backup's result if it ends within {@code wait}; its exceptions as the exec would throw them. */
    private static Optional<ExecResult> await(Future<ExecResult> running, Duration wait) throws WorkloadUnreachableException {
        try {
            return Optional.of(running.get(wait.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkloadUnreachableException("interrupted while the backup ran", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WorkloadUnreachableException unreachable) {
                throw unreachable;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The backup lock file's content now: "" when it cannot be read (no lock yet, or the pod does not answer). */
    private String lock() {
        try {
            ExecResult read = repository.pgbackrest().backupLock();
            return read.succeeded() ? read.stdout() : "";
        } catch (WorkloadUnreachableException e) {
            return "";
        }
    }
}
