package postgresqlk8s.backups;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import postgresqlk8s.pgbackrest.ArchiveListing;
import postgresqlk8s.pgbackrest.Archiving;
import postgresqlk8s.pgbackrest.BackupRecord;
import postgresqlk8s.pgbackrest.ErrorHint;
import postgresqlk8s.pgbackrest.PgBackRest;
import postgresqlk8s.pgbackrest.PgBackRestConfig;
import postgresqlk8s.pgbackrest.PgBackRestInfo;
import postgresqlk8s.pgbackrest.StanzaName;
import postgresqlk8s.pgbackrest.Timeline;
import postgresqlk8s.pgbackrest.TimelineHistory;
import postgresqlk8s.pgbackrest.TlsServer;
import postgresqlk8s.s3.Redactor;
import postgresqlk8s.s3.S3Parameters;
import postgresqlk8s.workload.Command;
import postgresqlk8s.workload.ExecResult;
import postgresqlk8s.workload.WorkloadCommandException;
import postgresqlk8s.workload.WorkloadFiles;
import postgresqlk8s.workload.WorkloadLayout;
import postgresqlk8s.workload.WorkloadUnreachableException;

/** The pgBackRest repository of this cluster: its configuration in the workload, and its backups. */
final class Repository {

    private static final Logger LOG = Logs.get(Repository.class);
    private static final Duration SPOOL_DEADLINE = Duration.ofSeconds(30);

    private final Seams seams;
    private final PgBackRest pgbackrest;
    private final Redactor redactor;

    Repository(Seams seams, StanzaName stanza, S3Parameters s3) {
        this.seams = seams;
        this.pgbackrest = new PgBackRest(seams.exec(), seams.layout(), stanza);
        this.redactor = s3.redactor();
    }

    PgBackRest pgbackrest() {
        return pgbackrest;
    }

    /** pgBackRest for another stanza of this repository: the one a restore reads from. */
    PgBackRest pgbackrest(StanzaName stanza) {
        return new PgBackRest(seams.exec(), seams.layout(), stanza);
    }

    Redactor redactor() {
        return redactor;
    }

    /** The short reason from a failed command's output, secrets masked. */
    String hint(ExecResult result) {
        String hint = ErrorHint.of(result.stderr() + "\n" + result.stdout(), redactor);
        return hint.isEmpty() ? "pgbackrest exited with code " + result.exitCode() : hint;
    }

    /**
     * Writes {@code pgbackrest.conf} (0600, owner postgres) and the CA chain the endpoint needs, and makes
     * the spool directory asynchronous archiving needs, its queue bounded by the data volume's size.
     *
     * @param tls this pod's TLS server and the peers it serves; empty without TLS or in a one-unit cluster
     * @param tuning compression and process counts ({@link BackupTuning})
     */
    void configure(S3Parameters s3, Optional<TlsServer> tls, PgBackRestConfig.Tuning tuning)
            throws WorkloadUnreachableException, WorkloadCommandException {
        Archiving archiving = spool();
        String config = PgBackRestConfig.render(s3, pgbackrest.stanza(), seams.layout(), tuning, archiving, tls);
        WorkloadFiles files = new WorkloadFiles(seams.exec());
        String owner = seams.layout().pgUser();
        if (!s3.caChain().isEmpty()) {
            files.write(seams.layout().s3CaFile(), PgBackRestConfig.caFile(s3), owner, "0644");
        }
        files.write(seams.layout().pgBackRestConf(), config, owner, "0600");
    }

    /**
     * The spool directory on the data volume (0700, owner postgres: archive-push runs as postgres, and the
     * status files name WAL no one else needs to read), and the archiving settings for that volume's size.
     */
    private Archiving spool() throws WorkloadUnreachableException, WorkloadCommandException {
        WorkloadLayout layout = seams.layout();
        ExecResult made = seams.exec().run(Command.asRoot(SPOOL_DEADLINE, "install", "-d", "-m", "0700",
                "-o", layout.pgUser(), "-g", layout.pgUser(), layout.pgBackRestSpoolPath()));
        if (!made.succeeded()) {
            throw new WorkloadCommandException("could not create " + layout.pgBackRestSpoolPath() + ": exit "
                    + made.exitCode() + " " + made.stderr().strip());
        }
        ExecResult df = seams.exec().run(Command.asRoot(SPOOL_DEADLINE, "df", "-B1", "--output=size", layout.storageDir()));
        OptionalLong size = df.succeeded() ? Archiving.parseDfSize(df.stdout()) : OptionalLong.empty();
        if (size.isEmpty()) {
            LOG.warn("cannot read the data volume's size ({}); bounding the WAL archive queue at {} bytes",
                    df.stderr().strip(), Archiving.forVolume(size).pushQueueMaxBytes());
        }
        return Archiving.forVolume(size);
    }

    /** The stanza's backups, oldest first, as pgBackRest reports them. */
    List<BackupRecord> backups() throws RepositoryException {
        return stanza().map(PgBackRestInfo.Stanza::backups).orElse(List.of());
    }

    /** The stanza as pgBackRest's {@code info} reports it; empty when the repository has no such stanza. */
    Optional<PgBackRestInfo.Stanza> stanza() throws RepositoryException {
        return stanza(info());
    }

    private Optional<PgBackRestInfo.Stanza> stanza(PgBackRestInfo info) throws RepositoryException {
        PgBackRestInfo.Stanza stanza = info.stanza(pgbackrest.stanza()).orElse(null);
        if (stanza == null) {
            throwAnyProblem(info);
            return Optional.empty();
        }
        if (stanza.problem().isPresent()) {
            throw new RepositoryException(redactor.apply(stanza.problem().get()));
        }
        return Optional.of(stanza);
    }

    /** The backups list-backups shows and restore takes, and the stanza they are in. */
    record Listing(StanzaName stanza, List<BackupRecord> backups) {
        Listing {
            backups = List.copyOf(backups);
        }
    }

    /**
     * This cluster's stanza and its backups. When the repository has none of this cluster's but exactly
     * one other stanza, that one: another cluster's backups, which this cluster may restore (and then
     * continue). Several other stanzas and none of ours: refused, since no rule would tell which cluster
     * the operator means.
     */
    Listing listing() throws RepositoryException {
        PgBackRestInfo info = info();
        Optional<PgBackRestInfo.Stanza> ours = stanza(info);
        if (ours.isPresent()) {
            return new Listing(pgbackrest.stanza(), ours.get().backups());
        }
        List<PgBackRestInfo.Stanza> others = info.stanzas();
        if (others.isEmpty()) {
            return new Listing(pgbackrest.stanza(), List.of());
        }
        if (others.size() > 1) {
            throw new RepositoryException("the repository holds no stanza " + pgbackrest.stanza()
                    + " but " + others.size() + " of other clusters ("
                    + String.join(", ", others.stream().map(PgBackRestInfo.Stanza::name).toList())
                    + "); relate this cluster to a path that holds one");
        }
        try {
            return new Listing(new StanzaName(others.get(0).name()), others.get(0).backups());
        } catch (IllegalArgumentException e) {
            throw new RepositoryException("the repository's only stanza has a name pgBackRest cannot be given");
        }
    }

    /** Every stanza under the repository's path, as {@code pgbackrest info --output=json} (no stanza) lists them. */
    PgBackRestInfo info() throws RepositoryException {
        ExecResult result = exec(pgbackrest::info);
        try {
            return PgBackRestInfo.parse(result.stdout());
        } catch (PgBackRestInfo.InfoFormatException e) {
            throw new RepositoryException(e.getMessage());
        }
    }

    /** An unreachable repository is reported under a stanza named "[invalid]", not ours. */
    private void throwAnyProblem(PgBackRestInfo info) throws RepositoryException {
        for (PgBackRestInfo.Stanza other : info.stanzas()) {
            if (other.problem().isPresent()) {
                throw new RepositoryException(redactor.apply(other.problem().get()));
            }
        }
    }

    /**
     * Whether the repository answers pgBackRest now: a listing of the stanza's backup folder, bounded as
     * every interactive call is. Empty when it answers, else why not (secrets masked).
     */
    Optional<String> unanswered(StanzaName stanza) {
        try {
            listing("backup/" + stanza, false, Optional.empty());
            return Optional.empty();
        } catch (RepositoryException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * The timelines that promotions started in a stanza's archive (one history file each), oldest first.
     * An archive that does not exist yet lists nothing.
     */
    List<Timeline> timelines(StanzaName stanza) throws RepositoryException {
        return listing("archive/" + stanza, true, Optional.of("\\.history$")).timelines();
    }

    /** A timeline's ancestry, from its history file; timeline 1 has none. */
    TimelineHistory history(StanzaName stanza, Timeline timeline) throws RepositoryException {
        String path = "archive/" + stanza + "/" + timeline.archiveId() + "/" + Timeline.fileName(timeline.number()) + ".history";
        ExecResult result = exec(() -> pgbackrest.repoGet(path));
        try {
            return TimelineHistory.parse(result.stdout());
        } catch (TimelineHistory.HistoryFormatException e) {
            throw new RepositoryException(e.getMessage());
        }
    }

    /**
     * When the newest archived WAL segment of a timeline reached the repository: WAL after that instant
     * on that timeline is not in the archive (yet). Empty when the archive holds none of its segments.
     */
    Optional<Long> archiveEnd(StanzaName stanza, long timeline) throws RepositoryException {
        String base = "archive/" + stanza;
        ArchiveListing ids = listing(base, false, Optional.empty());
        Optional<Long> newest = Optional.empty();
        for (String archiveId : ids.archiveIds()) {
            ArchiveListing folders = listing(base + "/" + archiveId, false, Optional.empty());
            Optional<String> folder = folders.newestWalDirectory(timeline);
            if (folder.isEmpty()) {
                continue;
            }
            Optional<ArchiveListing.Entry> segment = listing(base + "/" + archiveId + "/" + folder.get(), false, Optional.empty())
                    .newestSegment(timeline);
            if (segment.isPresent() && (newest.isEmpty() || segment.get().epochSecond() > newest.get())) {
                newest = Optional.of(segment.get().epochSecond());
            }
        }
        return newest;
    }

    private ArchiveListing listing(String path, boolean recurse, Optional<String> filter) throws RepositoryException {
        ExecResult result = exec(() -> pgbackrest.repoLs(path, recurse, filter));
        try {
            return ArchiveListing.parse(result.stdout());
        } catch (ArchiveListing.ListingFormatException e) {
            throw new RepositoryException(e.getMessage());
        }
    }

    private interface Call {
        ExecResult run() throws WorkloadUnreachableException;
    }

    /** Runs a pgBackRest command; an unreachable pod or a failed command is a {@link RepositoryException}. */
    private ExecResult exec(Call call) throws RepositoryException {
        ExecResult result;
        try {
            result = call.run();
        } catch (WorkloadUnreachableException e) {
            throw new RepositoryException(e.getMessage());
        }
        if (!result.succeeded()) {
            throw new RepositoryException(hint(result));
        }
        return result;
    }

    /** The repository could not be read; the message is safe to show. */
    static final class RepositoryException extends Exception {
        RepositoryException(String message) {
            super(message);
        }
    }
}
