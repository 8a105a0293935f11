package postgresqlk8s.backups;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.Event;
import jujuops.Framework;
import jujuops.StoredState;
import jujuops.model.Status;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.cluster.UnitStatuses;
import postgresqlk8s.s3.Redactor;
import postgresqlk8s.s3.S3Requirer;
import postgresqlk8s.s3.S3Settings;

/**
 * Not in the flowchart: update-status runs the s3-credentials-changed flow again for a unit whose S3
 * concern is blocked because S3 could not be reached ({@link Messages#BUCKET_FAILED}) or the stanza could
 * not be made or checked ({@link Messages#STANZA_FAILED}), so that the block clears once S3 answers again
 * instead of waiting for the operator to change the relation. Only what can heal by itself is re-checked:
 * never another cluster's repository (a fact about the bucket's content, which the leader's record in the
 * peer data governs, see {@link SharedS3Block}), and never settings that are unusable as given
 * ({@link S3Settings.Invalid}, e.g. an http endpoint), which only new settings fix.
 *
 * <p>Bounded: at most one re-check a dispatch (the caller skips it when the flow already ran in this
 * dispatch), each with the flow's own bounded calls (the SDK's interactive limits, pgBackRest's
 * {@code --io-timeout=3}): S3 that still does not answer fails the first bucket call within about 12 s.
 * Once S3 answers, the run is the relation hook's, whose stanza check may also wait out pgBackRest's
 * archive-timeout when a WAL segment is slow to reach the repository. Re-checks are spaced by a back-off
 * kept in the unit's stored state: the first at the first update-status after the block (Juju's default
 * interval is 5 minutes), then waits of 5, 10, 20, 40 minutes, then every hour. The waits are measured
 * from the re-check by the seams' clock, so with update-status every 5 minutes a re-check can fall one
 * update-status later than its wait. The back-off starts over when the block is gone (however it went)
 * and when new settings arrive ({@link #reset}). No re-check runs during a restore.
 *
 * <p>The flow is called here rather than raised as an event: a run that cannot go on (the pod not
 * reachable) would defer the event, and a deferred copy runs again at the start of every later dispatch,
 * outside the back-off. Here its outcome is left: the next re-check is the retry. On a non-leader the flow
 * only writes this unit's pgBackRest configuration (no S3 call), which clears a block left from when the
 * unit led or from a configuration write that failed.
 */
final class S3BlockRecheck {

    /** When the next re-check is due (an ISO-8601 instant); absent: at the next update-status. */
    static final String NEXT_DUE = "s3-recheck.next-due";
    /** The wait before {@link #NEXT_DUE} (an ISO-8601 duration), doubled after each re-check that did not heal. */
    static final String WAIT = "s3-recheck.wait";
    static final Duration FIRST_WAIT = Duration.ofMinutes(5);
    static final Duration MAX_WAIT = Duration.ofHours(1);
    private static final Logger LOG = Logs.get(S3BlockRecheck.class);

    private final Framework framework;
    private final ClusterFacts facts;
    private final S3Requirer s3;
    private final Supplier<Seams> seams;
    private final StoredState stored;

    /** Cheap: nothing is asked of the seams until a re-check is due. */
    S3BlockRecheck(Framework framework, ClusterFacts facts, S3Requirer s3, Supplier<Seams> seams) {
        this.framework = framework;
        this.facts = facts;
        this.s3 = s3;
        this.seams = seams;
        this.stored = framework.stored();
    }

    /** update-status: re-checks S3 when this unit's S3 block may have healed and the back-off allows it. */
    void handle(Event event) {
        if (!isBlockedByUnreachableS3()) {
            reset(); // the block is gone, whoever cleared it: a later one starts with a re-check at once
            return;
        }
        if (isRestoreInProgress()) {
            return;
        }
        Instant now = seams.get().clock().instant();
        if (!isDue(now)) {
            return;
        }
        Optional<S3Settings.Reading> reading = s3.read();
        if (reading.isEmpty() || !(reading.get() instanceof S3Settings.Complete complete)) {
            LOG.debug("S3 block not re-checked: the settings are missing or unusable as given");
            return;
        }
        Redactor redactor = complete.parameters().redactor();
        LOG.info("re-checking S3, which blocked this unit: {}", redactor.apply(s3Block().message()));
        new S3CredentialsChangedFlow(framework, facts, s3, seams.get()).handle(event);
        if (isBlockedByUnreachableS3()) {
            Duration wait = nextWait();
            Instant due = now.plus(wait);
            stored.put(NEXT_DUE, due.toString());
            stored.put(WAIT, wait.toString());
            LOG.info("S3 still blocks this unit ({}); next re-check due at {} (in {} min)",
                    redactor.apply(s3Block().message()), due, wait.toMinutes());
        } else {
            reset();
            Status after = s3Block();
            LOG.info("S3 re-check: the unit is no longer blocked by reaching S3; its S3 concern says {}{}",
                    after.kind().jujuName(), after.message().isEmpty() ? "" : ": " + redactor.apply(after.message()));
        }
    }

    /** New settings arrived: the block they leave, if any, is re-checked at the next update-status. */
    void reset() {
        stored.remove(NEXT_DUE);
        stored.remove(WAIT);
    }

    /**
     * The S3 concern blocks for a reason that can heal by itself: the bucket could not be reached, or the
     * stanza could not be made or checked. {@link Messages#ANOTHER_CLUSTER} cannot; the words of
     * unusable settings share {@link Messages#STANZA_FAILED}'s and are told apart by the settings themselves.
     */
    boolean isBlockedByUnreachableS3() {
        Status said = s3Block();
        if (!said.is(Status.Kind.BLOCKED)) {
            return false;
        }
        String message = said.message();
        return message.equals(Messages.BUCKET_FAILED) || message.equals(Messages.STANZA_FAILED)
                || message.startsWith(Messages.STANZA_FAILED + ": ");
    }

    /** A restore rewrites Patroni's configuration, which the stanza steps would write over. */
    boolean isRestoreInProgress() {
        return facts.appData(PeerKeys.RESTORING_BACKUP).isPresent();
    }

    /**
     * The recorded time has come, or none is recorded. A value that is not a time, or further away than
     * the longest wait (a clock that went back), counts as due: a bad record must not stop the healing
     * nor fail the hook.
     */
    boolean isDue(Instant now) {
        Optional<String> recorded = stored.get(NEXT_DUE);
        if (recorded.isEmpty()) {
            return true;
        }
        Instant due;
        try {
            due = Instant.parse(recorded.get());
        } catch (DateTimeParseException e) {
            LOG.warn("stored {} is not a time ({}); re-checking S3 now", NEXT_DUE, recorded.get());
            return true;
        }
        if (due.isAfter(now.plus(MAX_WAIT))) {
            LOG.warn("stored {} {} is further away than the longest wait; re-checking S3 now", NEXT_DUE, due);
            return true;
        }
        if (now.isBefore(due)) {
            LOG.debug("S3 block stands; next re-check due at {}", due);
            return false;
        }
        return true;
    }

    /** {@link #FIRST_WAIT} after the first re-check, then double the last wait, at most {@link #MAX_WAIT}. */
    private Duration nextWait() {
        Optional<String> recorded = stored.get(WAIT);
        if (recorded.isEmpty()) {
            return FIRST_WAIT;
        }
        Duration last;
        try {
            last = Duration.parse(recorded.get());
        } catch (DateTimeParseException e) {
            LOG.warn("stored {} is not a duration ({}); the back-off starts over", WAIT, recorded.get());
            return FIRST_WAIT;
        }
        if (last.compareTo(MAX_WAIT.dividedBy(2)) >= 0) {
            return MAX_WAIT; // compared before doubling: a huge recorded value must not overflow
        }
        return last.compareTo(FIRST_WAIT) < 0 ? FIRST_WAIT : last.multipliedBy(2);
    }

    private Status s3Block() {
        return facts.statuses().get(UnitStatuses.Concern.S3).orElse(Status.active());
    }
}
