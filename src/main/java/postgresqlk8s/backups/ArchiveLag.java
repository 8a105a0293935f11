package postgresqlk8s.backups;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.model.Status;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.cluster.UnitStatuses;
import postgresqlk8s.patroni.MemberStatus;
import postgresqlk8s.pgbackrest.ArchiveBacklog;
import postgresqlk8s.pgbackrest.BackupRecord;
import postgresqlk8s.pgbackrest.StanzaName;
import postgresqlk8s.s3.S3Requirer;
import postgresqlk8s.workload.Command;
import postgresqlk8s.workload.ExecResult;
import postgresqlk8s.workload.WorkloadLayout;
import postgresqlk8s.workload.WorkloadUnreachableException;

/**
 * update-status on the primary: how far WAL archiving is behind, said in the unit's status once it
 * matters ({@link UnitStatuses.Concern#ARCHIVE}). Asynchronous archiving answers PostgreSQL quickly,
 * so a slow or dead S3 no longer shows as a failing {@code archive_command}; it shows as WAL waiting.
 * Two things are told:
 * <ul>
 * <li>WAL dropped: past {@code archive-push-queue-max} pgBackRest drops the queue and tells PostgreSQL
 *     it archived it. The database is safe; point-in-time recovery past that moment is not, until a
 *     backup newer than the drop exists. Told until then (the repository is asked only while a drop
 *     nobody has seen covered is in the log; the one last seen covered is remembered).</li>
 * <li>Behind: the oldest segment waiting has waited longer than {@link #BEHIND}.</li>
 * </ul>
 * Two short commands in the primary's pod, none elsewhere, none without a stanza. Failures to look are
 * logged and change nothing: this is a report, not a decision.
 */
final class ArchiveLag {

    private static final Logger LOG = Logs.get(ArchiveLag.class);
    /**
     * A healthy archive has a segment or two waiting at most (archive_timeout is 60 s; asynchronous
     * archiving catches up with a 1 GB burst in seconds, docs/performance.md). Five minutes, the default
     * update-status interval, is plainly behind, and shorter would be news the next look may not confirm.
     */
    static final Duration BEHIND = Duration.ofMinutes(5);
    static final Duration DEADLINE = Duration.ofSeconds(15);
    /** The newest drop already covered by a backup, so that the repository is not asked about it again. */
    static final String COVERED_DROP = "archive.covered-drop";
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private final ClusterFacts facts;
    private final S3Requirer s3;
    private final Supplier<Seams> seams;

    ArchiveLag(ClusterFacts facts, S3Requirer s3, Supplier<Seams> seams) {
        this.facts = facts;
        this.s3 = s3;
        this.seams = seams;
    }

    void look() {
        UnitStatuses statuses = facts.statuses();
        if (facts.stanza().isEmpty() || isRestoreInProgress() || !isPrimary()) {
            statuses.clear(UnitStatuses.Concern.ARCHIVE);
            return;
        }
        try {
            Optional<String> said = uncoveredDrop();
            if (said.isEmpty()) {
                said = behind();
            }
            if (said.isPresent()) {
                statuses.set(UnitStatuses.Concern.ARCHIVE, Status.active(said.get()));
            } else {
                statuses.clear(UnitStatuses.Concern.ARCHIVE);
            }
        } catch (WorkloadUnreachableException | ArchiveBacklog.BacklogFormatException e) {
            // what was said stays until a look succeeds
            LOG.warn("cannot tell how far WAL archiving is behind: {}", e.getMessage());
        }
    }

    /** A restore's database archives nothing yet; its WAL is the restore's business ({@link RestoreOutcomeCheck}). */
    boolean isRestoreInProgress() {
        return facts.appData(PeerKeys.RESTORING_BACKUP).isPresent();
    }

    boolean isPrimary() {
        return facts.member().map(MemberStatus::isPrimary).orElse(false);
    }

    /** The words when the oldest waiting segment waited longer than {@link #BEHIND}. */
    private Optional<String> behind() throws WorkloadUnreachableException, ArchiveBacklog.BacklogFormatException {
        ArchiveBacklog backlog = backlog();
        long age = backlog.ageSeconds(seams.get().clock().instant().getEpochSecond());
        if (backlog.segments() > 0) {
            LOG.info("WAL archiving: {} segments waiting, the oldest for {} s", backlog.segments(), age);
        }
        if (age <= BEHIND.toSeconds()) {
            return Optional.empty();
        }
        String words = String.format(Messages.ARCHIVE_BEHIND, backlog.segments(), age / 60);
        LOG.warn("{}; check S3 and {}", words, seams.get().layout().pgBackRestLogPath());
        return Optional.of(words);
    }

    private ArchiveBacklog backlog() throws WorkloadUnreachableException, ArchiveBacklog.BacklogFormatException {
        WorkloadLayout layout = seams.get().layout();
        ExecResult found = seams.get().exec().run(Command.asPostgres(DEADLINE, "find", layout.dataDir() + "/pg_wal/archive_status",
                "-maxdepth", "1", "-name", "*.ready", "-printf", "%T@ %f\\n"));
        if (!found.succeeded()) {
            throw new ArchiveBacklog.BacklogFormatException("find exited " + found.exitCode() + ": " + found.stderr().strip());
        }
        return ArchiveBacklog.parse(found.stdout());
    }

    /** The words when the newest drop in pgBackRest's logs is newer than every backup. */
    private Optional<String> uncoveredDrop() throws WorkloadUnreachableException {
        Optional<ArchiveBacklog.Drop> drop = lastDrop();
        if (drop.isEmpty() || drop.get().at().toString().equals(facts.stored().get(COVERED_DROP).orElse(""))) {
            return Optional.empty();
        }
        Optional<Instant> newestBackup = newestBackupEnd();
        if (newestBackup.isPresent() && newestBackup.get().isAfter(drop.get().at())) {
            facts.stored().put(COVERED_DROP, drop.get().at().toString());
            LOG.info("WAL dropped at {} is behind the backup that ended at {}", drop.get().at(), newestBackup.get());
            return Optional.empty();
        }
        String words = String.format(Messages.WAL_DROPPED, MINUTE.format(drop.get().at()));
        LOG.warn("{} (segment {}; S3 did not take WAL for long enough to fill archive-push-queue-max)",
                words, drop.get().segment());
        return Optional.of(words);
    }

    /** The newest drop pgBackRest's archive-push logs tell of (the last such line of each log, through awk). */
    private Optional<ArchiveBacklog.Drop> lastDrop() throws WorkloadUnreachableException {
        WorkloadLayout layout = seams.get().layout();
        StanzaName stanza = facts.stanzaName();
        ExecResult found = seams.get().exec().run(Command.asPostgres(DEADLINE, "find", layout.pgBackRestLogPath(),
                "-maxdepth", "1", "-name", stanza + "-archive-push*.log",
                "-exec", "awk", "/dropped WAL file/ { last = $0 } END { if (last != \"\") print last }", "{}", "+"));
        if (!found.succeeded()) {
            LOG.warn("cannot read pgBackRest's archive-push logs: {}", found.stderr().strip());
            return Optional.empty();
        }
        return ArchiveBacklog.lastDrop(found.stdout());
    }

    /** When the newest backup of the stanza ended; empty when there is none or the repository cannot say. */
    private Optional<Instant> newestBackupEnd() {
        S3Gate gate = new S3Gate(s3);
        if (!gate.isComplete()) {
            return Optional.empty();
        }
        try {
            return new Repository(seams.get(), facts.stanzaName(), gate.parameters()).backups().stream()
                    .filter(b -> !b.failed())
                    .map(BackupRecord::stopEpochSecond)
                    .max(Long::compare)
                    .map(Instant::ofEpochSecond);
        } catch (Repository.RepositoryException e) {
            LOG.warn("cannot tell whether a backup followed the dropped WAL: {}", e.getMessage());
            return Optional.empty();
        }
    }
}
