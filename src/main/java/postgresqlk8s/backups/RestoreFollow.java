package postgresqlk8s.backups;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.function.Consumer;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import postgresqlk8s.workload.DataDirectory;
import postgresqlk8s.workload.WorkloadCommandException;
import postgresqlk8s.workload.WorkloadService;
import postgresqlk8s.workload.WorkloadUnreachableException;

/**
 * Not in the flowchart: the restore action, once it has started the database with Patroni's restore
 * bootstrap, follows the restore for a while before it returns, so that {@code juju run ... restore} shows
 * how far it is as it goes, as create-backup does ({@link BackupWatch}): one action-log line a look, the
 * looks {@link #POLL} apart counted from the first, so that slow looks do not stretch the gaps past 10 s.
 *
 * <p>pgBackRest runs inside Patroni's bootstrap, not under the action, so its own progress is out of
 * reach; each look measures the data directory as update-status does ({@link DataDirectory#size()},
 * against the backup's size: {@link RestoreProgress}). Whether the restore worked is still update-status's
 * to say ({@link RestoreOutcomeCheck}): the follow only tells, and ends, without judging, when
 * <ul>
 * <li>the data directory holds the backup's size: the files are written and PostgreSQL recovers the WAL,
 *     which may take long and shows no size that could be measured against anything;</li>
 * <li>it has not grown for {@link #STILL}: recovery, or a restore waiting for S3, which update-status
 *     bounds ({@link RestoreStall}, 2 minutes); holding the unit (Juju runs one hook or action at a time)
 *     longer would only keep that check from running;</li>
 * <li>Pebble no longer shows the database service active: a failed bootstrap, or a restart;</li>
 * <li>a look fails: the pod does not answer the exec. The restore is Patroni's and goes on; the action's
 *     result does not depend on its log.</li>
 * </ul>
 */
final class RestoreFollow {

    private static final Logger LOG = Logs.get(RestoreFollow.class);

    /** 8 s between looks: a line follows the last within 10 s, with 2 s for the look's two execs and the action-log call. */
    static final Duration POLL = Duration.ofSeconds(8);
    /**
     * How long the data directory may stay the same size before the action hands the restore over to
     * update-status: longer than a pause between two files of pgBackRest's, short against RestoreStall's bound.
     */
    static final Duration STILL = Duration.ofSeconds(30);

    /** How the follow ended: what the last line said, for the tests and the charm's log. */
    enum Ending {
        FILES_WRITTEN, STILL, SERVICE_NOT_ACTIVE, LOOK_FAILED
    }

    private final Seams seams;
    private final RestoreProgress progress;
    private final Consumer<String> log;

    /** @param log where each look's line goes: the action's log */
    RestoreFollow(Seams seams, RestoreProgress progress, Consumer<String> log) {
        this.seams = seams;
        this.progress = progress;
        this.log = log;
    }

    /**
     * Follows the restore started just now until one of the endings; never throws for the workload's sake.
     *
     * @param announced when the action's log said it starts the database: the looks are counted from there,
     *        so that the first line follows that one within 10 s however long Pebble takes to start it
     */
    Ending follow(Instant announced) {
        OptionalLong expected = progress.expected();
        DataDirectory data = new DataDirectory(seams.exec(), seams.layout().dataDir());
        WorkloadService services = new WorkloadService(seams.exec(), seams.layout().pebble());
        Instant next = announced.plus(POLL);
        long last = -1;
        Instant grewAt = null;
        while (true) {
            pauseUntil(next);
            next = next.plus(POLL);
            Instant now;
            long written;
            try {
                String state = services.current(WorkloadService.POSTGRESQL);
                if (!state.equals(WorkloadService.ACTIVE)) {
                    LOG.info("restore: the database service is {}; update-status tells how the restore went", state);
                    tell(Messages.RESTORE_SERVICE_NOT_ACTIVE.formatted(state));
                    return Ending.SERVICE_NOT_ACTIVE;
                }
                written = data.size();
                now = seams.clock().instant();
            } catch (WorkloadUnreachableException | WorkloadCommandException e) {
                LOG.warn("stopped following the restore, which goes on: {}", e.getMessage());
                tell(Messages.RESTORE_NOT_FOLLOWED);
                return Ending.LOOK_FAILED;
            }
            if (expected.isPresent() && written >= expected.getAsLong()) {
                LOG.info("restore: the backup's files are written ({} bytes); recovery follows", written);
                tell(Messages.RESTORE_FILES_WRITTEN.formatted(BackupProgress.size(written)));
                return Ending.FILES_WRITTEN;
            }
            if (grewAt == null || written > last) {
                grewAt = now; // the first look is where "not grown" is counted from
            } else if (!Duration.between(grewAt, now).minus(STILL).isNegative()) {
                long still = Duration.between(grewAt, now).toSeconds();
                LOG.info("restore: the data directory has held {} bytes for {} s; update-status watches the restore", written, still);
                tell(Messages.RESTORE_STILL.formatted(still));
                return Ending.STILL;
            }
            last = written;
            tell(line(written, expected));
        }
    }

    /** "restore 42% (69.3 MB of 164.1 MB written)", or "restore: 69.3 MB written" when the backup's size is unknown. */
    static String line(long written, OptionalLong expected) {
        if (expected.isEmpty()) {
            return Messages.RESTORE_WRITTEN.formatted(BackupProgress.size(written));
        }
        return Messages.RESTORE_PROGRESS.formatted(RestoreProgress.percentOf(written, expected.getAsLong()),
                BackupProgress.size(written), BackupProgress.size(expected.getAsLong()));
    }

    private void pauseUntil(Instant at) {
        Duration wait = Duration.between(seams.clock().instant(), at);
        if (!wait.isNegative() && !wait.isZero()) {
            seams.pause().pause(wait);
        }
    }

    /** A line that cannot be logged is not worth the restore: left out, and said in the charm's log. */
    private void tell(String line) {
        try {
            log.accept(line);
        } catch (RuntimeException e) {
            LOG.warn("could not log the restore's progress ({}): {}", line, e.getMessage());
        }
    }
}
