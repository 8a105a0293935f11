package postgresqlk8s.pgbackrest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import postgresqlk8s.workload.Command;
import postgresqlk8s.workload.ExecResult;
import postgresqlk8s.workload.WorkloadExec;
import postgresqlk8s.workload.WorkloadLayout;
import postgresqlk8s.workload.WorkloadUnreachableException;

/**
 * pgBackRest in the workload container, run as the database owner with an argv (never a shell string)
 * and a deadline. Results come back as they are; callers decide what a failure means.
 */
public final class PgBackRest {

    public static final Duration SHORT = Duration.ofMinutes(5);
    public static final Duration BACKUP = Duration.ofHours(6);
    static final int PING_IO_TIMEOUT_SECONDS = 5;
    /** pgBackRest's exit code when another process holds the lock a command needs (its error 050). */
    public static final int LOCK_ACQUIRE_ERROR = 50;
    /**
     * The I/O timeout of the commands a user or a hook waits on ({@code info}, {@code stanza-create},
     * {@code check}); backups, restores and WAL archiving keep pgBackRest's 60 s. pgBackRest retries a
     * repository read that fails until this timeout, and a repository that does not answer costs each
     * of the (up to four) info files it reads one timeout: measured with 2.45, {@code info} gives up after
     * 4 x 60 = 241 s by default and after 12.4 s at 3 s, whether the port refuses connections or the
     * server accepts them and never answers.
     */
    static final int INTERACTIVE_IO_TIMEOUT_SECONDS = 3;
    /** Queries of stanza-create and check (pgBackRest's default is 30 minutes); below the protocol timeout. */
    static final int INTERACTIVE_DB_TIMEOUT_SECONDS = 15;
    /** Waiting on a pgBackRest process (a peer's TLS server in check); must exceed the db timeout. */
    static final int INTERACTIVE_PROTOCOL_TIMEOUT_SECONDS = 20;
    /** Commands that touch only this pod's files (lock and stop files), not the repository. */
    static final Duration LOCAL = Duration.ofSeconds(20);
    /** info ends within 4 io timeouts; the deadline only backs that up. */
    static final Duration INFO = Duration.ofSeconds(30);

    private final WorkloadExec exec;
    private final WorkloadLayout layout;
    private final StanzaName stanza;

    public PgBackRest(WorkloadExec exec, WorkloadLayout layout, StanzaName stanza) {
        this.exec = exec;
        this.layout = layout;
        this.stanza = stanza;
    }

    public StanzaName stanza() {
        return stanza;
    }

    public ExecResult stanzaCreate() throws WorkloadUnreachableException {
        return run(SHORT, "--stanza=" + stanza, ioTimeout(), dbTimeout(), protocolTimeout(), "stanza-create");
    }

    /**
     * Proves WAL archiving to the repository works (pushes a segment and waits for it). A repository that
     * does not answer fails it within the I/O timeout's bound; the wait for the segment is pgBackRest's
     * archive-timeout (60 s), which measures the archiver, not S3's answer, and stays.
     */
    public ExecResult check() throws WorkloadUnreachableException {
        return run(SHORT, "--stanza=" + stanza, ioTimeout(), dbTimeout(), protocolTimeout(), "check");
    }

    /**
     * {@link #check()} inside a hook, which must end well inside Juju's patience: the wait for the
     * segment is bounded too. A slow archiver then fails the check; the caller's retry, and update-status
     * re-checking a block, give it more chances.
     */
    public ExecResult check(Duration archiveTimeout) throws WorkloadUnreachableException {
        return run(SHORT, "--stanza=" + stanza, ioTimeout(), dbTimeout(), protocolTimeout(),
                "--archive-timeout=" + archiveTimeout.toSeconds(), "check");
    }

    /**
     * @param onPrimary the primary backs itself up ({@code --no-backup-standby}); a replica backs up from
     *                  the standby, which pgBackRest's {@code backup-standby=y} asks for
     */
    public ExecResult backup(BackupType type, boolean onPrimary) throws WorkloadUnreachableException {
        List<String> args = new ArrayList<>(List.of("--stanza=" + stanza, "--log-level-console=debug", "--type=" + type.pgbackrest()));
        if (onPrimary) {
            args.add("--no-backup-standby");
        }
        args.add("backup");
        return run(BACKUP, args.toArray(new String[0]));
    }

    /**
     * The stanza's backup lock file in this pod, where pgBackRest 2.45 writes a running backup's progress
     * (its percent complete, as files finish); a failed result when no backup holds it.
     */
    public ExecResult backupLock() throws WorkloadUnreachableException {
        String path = layout.pgBackRestLockPath() + "/" + stanza + "-backup.lock";
        return exec.run(new Command(List.of("cat", "--", path), layout.pgUser(), null, LOCAL, 4096));
    }

    /**
     * Sends TERM to the process group of the pgBackRest process {@code pid} (the backup's, from its lock
     * file): the exec's {@code timeout}, which leads that group, pgBackRest's main process and its local
     * workers; {@code timeout} then kills what is left after its 5 s. {@link #stopForce} ends only the main
     * process: on the local stack its workers, blocked on S3, lived on and wrote a bundle into the
     * backup's folder minutes later, after the next backup had resumed that label, which made it invalid.
     * Python is in the image for Patroni; the script is fixed and the pid goes as an argument.
     */
    public ExecResult terminateProcessGroupOf(long pid) throws WorkloadUnreachableException {
        return exec.run(new Command(List.of("python3", "-c",
                "import os, signal, sys; os.killpg(os.getpgid(int(sys.argv[1])), signal.SIGTERM)", Long.toString(pid)),
                Command.ROOT, null, LOCAL, Command.DEFAULT_CAPTURE));
    }

    /** Ends the stanza's running pgBackRest processes (TERM, by their lock files) and refuses new ones until {@link #start}. */
    public ExecResult stopForce() throws WorkloadUnreachableException {
        return run(LOCAL, "--stanza=" + stanza, "--force", "stop");
    }

    /** Allows the stanza's pgBackRest processes again after {@link #stopForce}; WAL archiving waits for it. */
    public ExecResult start() throws WorkloadUnreachableException {
        return run(LOCAL, "--stanza=" + stanza, "start");
    }

    public ExecResult info() throws WorkloadUnreachableException {
        return run(INFO, "info", "--output=json", ioTimeout());
    }

    private static String ioTimeout() {
        return "--io-timeout=" + INTERACTIVE_IO_TIMEOUT_SECONDS;
    }

    private static String dbTimeout() {
        return "--db-timeout=" + INTERACTIVE_DB_TIMEOUT_SECONDS;
    }

    private static String protocolTimeout() {
        return "--protocol-timeout=" + INTERACTIVE_PROTOCOL_TIMEOUT_SECONDS;
    }

    /**
     * Lists a folder of the repository, e.g. {@code archive/<stanza>}, as JSON ({@link ArchiveListing});
     * interactive, so bounded as {@code info} is.
     *
     * @param filter a regular expression the listed paths must match, or empty for all
     */
    public ExecResult repoLs(String path, boolean recurse, Optional<String> filter) throws WorkloadUnreachableException {
        List<String> args = new ArrayList<>(List.of("repo-ls", path, "--output=json", ioTimeout()));
        if (recurse) {
            args.add("--recurse");
        }
        filter.ifPresent(f -> args.add("--filter=" + f));
        return run(INFO, args.toArray(new String[0]));
    }

    /** A small file of the repository as text, e.g. a timeline's history file. */
    public ExecResult repoGet(String path) throws WorkloadUnreachableException {
        return run(INFO, "repo-get", path, ioTimeout());
    }

    /**
     * Pings the pgBackRest TLS server of another unit (no authentication: an aliveness check). The host
     * goes on the command line, which 2.45 takes over this unit's own {@code tls-server-address}; a server
     * that is down is retried until the I/O timeout (default 60 s), so the ping bounds it: measured, exit
     * 49 "unable to connect to '<host>:8432': [111] Connection refused" after about twice the timeout.
     */
    public ExecResult serverPing(String host, int port) throws WorkloadUnreachableException {
        List<String> args = new ArrayList<>(List.of("server-ping", "--io-timeout=" + PING_IO_TIMEOUT_SECONDS));
        if (port != TlsServer.DEFAULT_PORT) {
            args.add("--tls-server-port=" + port);
        }
        args.add(host);
        return run(Duration.ofSeconds(30), args.toArray(new String[0]));
    }

    /**
     * The command Patroni's pgbackrest bootstrap method runs to restore. Patroni splits it like a shell
     * would but runs no shell; every part here is validated ({@link BackupLabel}, {@link RestoreTarget}).
     */
    public String restoreCommand(RestoreTarget target) {
        StringBuilder cmd = new StringBuilder("pgbackrest");
        cmd.append(" --stanza=").append(stanza).append(" --pg1-path=").append(layout.dataDir());
        cmd.append(target.arguments());
        cmd.append(" restore");
        return cmd.toString();
    }

    private ExecResult run(Duration deadline, String... args) throws WorkloadUnreachableException {
        List<String> argv = new ArrayList<>();
        argv.add("pgbackrest");
        argv.addAll(List.of(args));
        return exec.run(new Command(argv, layout.pgUser(), null, deadline, Command.DEFAULT_CAPTURE));
    }
}
