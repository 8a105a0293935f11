package postgresqlk8s.backups;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import postgresqlk8s.pgbackrest.BackupId;
import postgresqlk8s.pgbackrest.BackupRecord;
import postgresqlk8s.pgbackrest.Lsn;
import postgresqlk8s.pgbackrest.RestoreTarget;
import postgresqlk8s.pgbackrest.Timeline;
import postgresqlk8s.pgbackrest.TimelineHistory;

/**
 * What a restore's parameters mean against the repository: which base backup, to which time, along which
 * timeline — or why there is no such restore. Decided from the stanza's backups and the timelines its
 * archive records, before anything is stopped.
 *
 * <p>The timeline is the reference's: with a {@code backup-id}, the backup's own; with a
 * {@code restore-to-time} alone, the timeline that was current then (the newest backup or timeline start
 * at or before that time); with {@code latest} alone, the newest. Unlike the reference, the base backup is
 * always chosen here and passed with {@code --set}: the newest finished backup that lies on the way to the
 * chosen timeline (on it, or on an ancestor before it branched off, by the timeline's history file) and,
 * for a time, finished by then. pgBackRest's own choice goes by time only and can pick a backup of a
 * sibling timeline that PostgreSQL then cannot follow.
 */
final class RestorePlan {

    /** The restore to run, and the timeline it follows ({@code 0} for an immediate restore of a backup). */
    record Plan(RestoreTarget target, long timeline, Optional<BackupRecord> base) {}

    /** Where the history of a timeline comes from (the repository, in production). */
    interface Histories {
        TimelineHistory of(Timeline timeline) throws Repository.RepositoryException;
    }

    /** Why there is no restore; the words are the action's failure. */
    static final class NoRestore extends Exception {
        NoRestore(String words) {
            super(words);
        }
    }

    private final List<BackupRecord> finished;
    private final List<Timeline> timelines;
    private final Histories histories;

    RestorePlan(List<BackupRecord> backups, List<Timeline> timelines, Histories histories) {
        this.finished = backups.stream().filter(b -> !b.failed())
                .sorted(Comparator.comparingLong(BackupRecord::startEpochSecond)).toList();
        this.timelines = List.copyOf(timelines);
        this.histories = histories;
    }

    /**
     * @param backupId the user's backup-id, if any: a backup, or a timeline as list-backups shows it
     * @param time the user's restore-to-time, already checked by {@link RestoreTarget#isValidTime}
     */
    Plan plan(Optional<String> backupId, Optional<String> time) throws NoRestore, Repository.RepositoryException {
        if (backupId.isPresent()) {
            return ofId(backupId.get(), time);
        }
        String t = time.orElseThrow(() -> new IllegalArgumentException("a restore needs a backup or a time"));
        if (t.equals(RestoreTarget.LATEST)) {
            return ofLatest();
        }
        return ofTime(t, RestoreTarget.instantOf(t).orElseThrow());
    }

    private Plan ofId(String text, Optional<String> time) throws NoRestore, Repository.RepositoryException {
        Optional<BackupId> id = BackupId.parse(text);
        if (id.isEmpty()) {
            throw new NoRestore(Refusal.INVALID_BACKUP_ID.words(text));
        }
        for (BackupRecord b : finished) {
            if (b.id().equals(id.get())) {
                return ofBackup(b, time);
            }
        }
        for (Timeline tl : timelines) {
            if (tl.asId().equals(id.get())) {
                if (time.isEmpty()) {
                    throw new NoRestore(Refusal.TIMELINE_NEEDS_TIME.words());
                }
                return onTimeline(tl.number(), time.get());
            }
        }
        throw new NoRestore(Refusal.INVALID_BACKUP_ID.words(text));
    }

    private Plan ofBackup(BackupRecord b, Optional<String> time) throws NoRestore {
        if (time.isEmpty()) {
            return new Plan(RestoreTarget.backup(b.label()), 0, Optional.of(b));
        }
        Optional<String> timeline = b.timeline().isEmpty() ? Optional.empty() : Optional.of(b.timeline());
        long number = timeline.map(Timeline::number).orElse(0L);
        Optional<Instant> at = RestoreTarget.instantOf(time.get());
        if (at.isPresent() && at.get().isBefore(Instant.ofEpochSecond(b.stopEpochSecond()))) {
            // not in the reference: PostgreSQL cannot stop before the backup it starts from is consistent
            throw new NoRestore(Refusal.TIME_BEFORE_BACKUP_END.words(time.get() + " is before backup " + b.id()
                    + " finished (" + BackupId.ofEpochSecond(b.stopEpochSecond()) + ")"));
        }
        return new Plan(new RestoreTarget(Optional.of(b.label()), time, timeline), number, Optional.of(b));
    }

    private Plan ofLatest() throws NoRestore, Repository.RepositoryException {
        Optional<Long> newest = newestTimelineAt(Optional.empty());
        if (newest.isEmpty()) {
            throw new NoRestore(Refusal.NO_TIMELINE_BEFORE.words(RestoreTarget.LATEST));
        }
        Optional<BackupRecord> base = baseFor(newest.get(), Optional.empty());
        if (base.isEmpty()) {
            throw new NoRestore(Refusal.NO_BASE_BACKUP_ON_LATEST_TIMELINE.words());
        }
        return new Plan(new RestoreTarget(Optional.of(base.get().label()), Optional.of(RestoreTarget.LATEST),
                Optional.of(Timeline.text(newest.get()))), newest.get(), base);
    }

    private Plan ofTime(String time, Instant at) throws NoRestore, Repository.RepositoryException {
        Optional<Long> current = newestTimelineAt(Optional.of(at));
        if (current.isEmpty()) {
            throw new NoRestore(Refusal.NO_TIMELINE_BEFORE.words(time));
        }
        return onTimeline(current.get(), time);
    }

    /** A time (or latest) along a given timeline, from the newest backup on the way to it. */
    private Plan onTimeline(long timeline, String time) throws NoRestore, Repository.RepositoryException {
        Optional<Instant> at = RestoreTarget.instantOf(time);
        Optional<BackupRecord> base = baseFor(timeline, at);
        if (base.isEmpty()) {
            if (at.isEmpty()) {
                throw new NoRestore(Refusal.NO_BASE_BACKUP_ON_LATEST_TIMELINE.words());
            }
            throw new NoRestore(Refusal.NO_BASE_BACKUP_BEFORE.words(
                    "to " + time + " on timeline " + Timeline.text(timeline) + ": none finished by then on it or before it branched off"));
        }
        return new Plan(new RestoreTarget(Optional.of(base.get().label()), Optional.of(time),
                Optional.of(Timeline.text(timeline))), timeline, base);
    }

    /** The timeline current at an instant (or the newest): the latest backup or timeline start by then. */
    private Optional<Long> newestTimelineAt(Optional<Instant> at) {
        long bestTime = Long.MIN_VALUE;
        Optional<Long> best = Optional.empty();
        for (BackupRecord b : finished) {
            if (b.timeline().isEmpty() || (at.isPresent() && b.startEpochSecond() > at.get().getEpochSecond())) {
                continue;
            }
            if (b.startEpochSecond() >= bestTime) {
                bestTime = b.startEpochSecond();
                best = Optional.of(Timeline.number(b.timeline()));
            }
        }
        for (Timeline tl : timelines) {
            if (at.isPresent() && tl.createdEpochSecond() > at.get().getEpochSecond()) {
                continue;
            }
            if (tl.createdEpochSecond() >= bestTime) {
                bestTime = tl.createdEpochSecond();
                best = Optional.of(tl.number());
            }
        }
        return best;
    }

    /** The newest finished backup on the way to a timeline that finished by the instant, if one is given. */
    private Optional<BackupRecord> baseFor(long timeline, Optional<Instant> at) throws Repository.RepositoryException {
        TimelineHistory history = historyOf(timeline);
        List<BackupRecord> candidates = new ArrayList<>(finished);
        candidates.sort(Comparator.comparingLong(BackupRecord::stopEpochSecond).reversed());
        for (BackupRecord b : candidates) {
            if (b.timeline().isEmpty() || (at.isPresent() && b.stopEpochSecond() > at.get().getEpochSecond())) {
                continue;
            }
            Optional<Lsn> stop = Lsn.parse(b.lsnStop());
            if (stop.isPresent() && history.leadsThrough(timeline, Timeline.number(b.timeline()), stop.get())) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    private TimelineHistory historyOf(long timeline) throws Repository.RepositoryException {
        for (Timeline tl : timelines) {
            if (tl.number() == timeline) {
                return histories.of(tl);
            }
        }
        return TimelineHistory.FIRST; // timeline 1, or one whose history file is not in the archive: no ancestors
    }
}
