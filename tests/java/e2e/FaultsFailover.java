package e2e;

import static e2e.Faults.expect;
import static e2e.FaultRunner.Healing.YES;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import e2e.FaultRunner.Fault;
import e2e.FaultRunner.Healing;
import e2e.FaultRunner.Outcome;
import fakejuju.FakeJuju;
import fakejuju.Unit;

/**
 * The primary lost while a replica backs up: Kubernetes kills every process of the primary's workload
 * container at once (Patroni, PostgreSQL, pgBackRest's TLS server) and starts it again empty. It runs
 * after every other group because it moves the primary to unit 1 for good: unit 0 comes back a replica.
 */
final class FaultsFailover {

    /**
     * Patroni's leader lock lives {@code ttl} (30 s, see the charm's {@code PatroniYaml}) after the dead
     * primary's last renewal, and the replica looks at it every {@code loop_wait} (10 s): promoted within
     * 40 s of the kill, and 60 s more for a slow machine.
     */
    private static final int PROMOTION_BOUND_SECONDS = 100;
    /**
     * The replica's action after the kill: pgBackRest notices its dead connection to the primary, then the
     * action allows connections again (up to 25 s for Patroni) and uploads the log; the rest is margin.
     */
    private static final int ACTION_BOUND_SECONDS = 180;
    /** The old primary rejoining: Patroni starts it, rewinds it if it ran ahead, and it streams. */
    private static final int REJOIN_BOUND_SECONDS = 180;
    private static final int HEAL_ROUNDS = 3;

    private FaultsFailover() {
    }

    static List<Fault> all() {
        return List.of(new Fault("the primary killed (its pod's processes) during a replica's backup", YES,
                FaultsFailover::primaryKilledDuringReplicaBackup));
    }

    /**
     * The replica's create-backup runs in the background; once pgBackRest copies (it logged that the
     * standby replayed up to the backup's start), the primary's container is killed. The order then is
     * the one of a primary whose container does not come back before its leader lock expires (a crash
     * loop's back-off, a node going away): Patroni promotes unit 1 first, then Kubernetes starts the
     * container again and Juju runs pebble-ready on unit 0. The action must end within its bound with a
     * result or a reason; unit 1 serves as the primary, open to logins, and archives WAL; unit 0 streams
     * from it, and its backup, on the replica now, is created.
     */
    static Outcome primaryKilledDuringReplicaBackup(FaultBench b) throws Exception {
        b.withReplica();
        Lifecycle life = b.life;
        Unit replica = life.unit(1);
        Unit old = life.unit(0);
        Pod pod0 = b.stack.pod(0);
        Pod pod1 = b.stack.pod(1);
        expect((LocalStack.APP + "-0").equals(b.stack.leaderPod().orElse("")), "unit 0 is the primary before: "
                + b.stack.leaderPod());
        LoginProbe logins = new LoginProbe(pod1.ip(), life.superuserPassword());
        expect(logins.login() == LoginProbe.Outcome.ACCEPTED, "logins to the replica before: " + logins.others());
        String stanza = b.stack.model() + ".patroni-" + LocalStack.APP;
        String backupLog = "/var/log/pgbackrest/" + stanza + "-backup.log";
        long copiesBefore = copying(pod1, backupLog);

        Path log = b.stack.dir.resolve("failover-create-backup.out");
        life.say("$ juju run " + replica.name() + " create-backup   (the primary's pod is killed while it copies)");
        Process agent = replica.startAction(log, "create-backup");
        long killedAt;
        String promoted;
        try {
            expect(Processes.await(90, () -> copying(pod1, backupLog) > copiesBefore || !agent.isAlive()),
                    "pgBackRest copies in " + pod1.name() + ": " + Processes.readQuietly(log));
            expect(agent.isAlive(), "the action still ran at the kill: " + Processes.readQuietly(log));
            expect(logins.login() == LoginProbe.Outcome.REJECTED_BY_HBA, "logins refused mid-backup: " + logins.others());
            List<Long> running = pod1.backupsRunning();
            b.stack.restartContainer(0);
            killedAt = System.nanoTime();
            life.say("== every process of " + pod0.name() + " killed, its container started again empty (pgBackRest backup pids in "
                    + pod1.name() + ": " + running + ")");
            boolean promotedInTime = Processes.await(PROMOTION_BOUND_SECONDS, () -> pod1.name().equals(b.stack.leaderPod().orElse(""))
                    && "f".equals(pod1.sql("select pg_is_in_recovery()").output().strip()));
            promoted = String.format("unit 1 promoted %.0f s after the kill", seconds(killedAt));
            life.say("== " + (promotedInTime ? promoted : "no promotion in " + PROMOTION_BOUND_SECONDS + " s") + "; leader lock: "
                    + b.stack.leaderPod().orElse("none"));
            expect(promotedInTime, "Patroni promotes unit 1 within " + PROMOTION_BOUND_SECONDS + " s: leader " + b.stack.leaderPod());
            life.say("== Kubernetes started the workload container of " + old.name() + " again; Juju runs pebble-ready there");
            FakeJuju.Run ready = old.hook("postgresql-pebble-ready");
            life.say("$ (juju) " + old.name() + " hook postgresql-pebble-ready -> exit " + ready.exitCode() + ", " + Lifecycle.shown(old));
            expect(ready.exitCode() == 0, "pebble-ready on the old primary exited " + ready.exitCode() + ": " + ready.stderr());
            expect(agent.waitFor(Math.max(1, ACTION_BOUND_SECONDS - (long) seconds(killedAt)), TimeUnit.SECONDS),
                    "the action ended within " + ACTION_BOUND_SECONDS + " s of the kill: " + Processes.readQuietly(log));
        } finally {
            Processes.stopTree(agent);
        }
        String took = String.format("%.0f s", seconds(killedAt));
        life.say(Processes.readQuietly(log).strip().indent(2).stripTrailing());
        String failure = replica.lastAction().path("failed").asText("");
        String result = replica.lastAction().at("/results/backup-status").asText("");
        expect(result.equals("backup created") || failure.startsWith("Failed to backup PostgreSQL with error: ")
                && failure.length() > "Failed to backup PostgreSQL with error: ".length(), "the action's end: " + replica.lastAction());
        String action = result.isEmpty() ? "action failed after " + took + ": " + failure : "action ended after " + took + ": " + result;

        int hooks = loginsAcceptedAgain(life, replica, logins);
        String archived = archivesWal(b, pod1, stanza);
        expect(Processes.await(REJOIN_BOUND_SECONDS, () -> "replica".equals(b.stack.roleLabel(pod0.name()))
                && "1".equals(pod1.sql("select count(*) from pg_stat_replication where state = 'streaming'").output().strip())),
                "unit 0 streams from unit 1 again: role " + b.stack.roleLabel(pod0.name()));
        // the replicas' backups reach the primary's TLS server, and the primary's check reaches the replica's
        expect(Processes.await(60, () -> life.tlsServersListening().size() >= 2),
                "both pods' pgBackRest TLS servers listen again: " + life.tlsServersListening());
        String check = pgbackrestCheck(pod1, stanza);
        for (Unit u : life.juju.units()) {
            FakeJuju.Run run = u.hook("update-status");
            expect(run.exitCode() == 0, u.name() + " update-status exited " + run.exitCode() + ": " + run.stderr());
            expect(u.status().kind().equals("active"), u.name() + " after it: " + Lifecycle.shown(u));
        }
        life.showStatus();
        life.action(old, "create-backup");
        String next = old.lastAction().at("/results/backup-status").asText("");
        expect(next.equals("backup created"), "the next backup, on unit 0 the replica: " + old.lastAction().path("failed").asText(""));
        return Outcome.of(action + "; " + promoted + ", logins accepted after " + hooks + " update-status, " + archived + ", "
                + check + "; unit 0 back as a replica, its backup: " + next, Healing.YES);
    }

    /** Logins to unit 1 accepted, at once or after at most {@link #HEAL_ROUNDS} update-status; how many it took. */
    private static int loginsAcceptedAgain(Lifecycle life, Unit unit, LoginProbe logins) {
        int hooks = 0;
        boolean open = Processes.await(25, () -> logins.login() == LoginProbe.Outcome.ACCEPTED);
        while (!open && hooks < HEAL_ROUNDS) {
            hooks++;
            FakeJuju.Run run = unit.hook("update-status");
            expect(run.exitCode() == 0, "update-status exited " + run.exitCode() + ": " + run.stderr());
            life.say("$ (juju) " + unit.name() + " hook update-status #" + hooks + " -> " + Lifecycle.shown(unit));
            open = Processes.await(25, () -> logins.login() == LoginProbe.Outcome.ACCEPTED);
        }
        expect(open, "logins to unit 1 after " + hooks + " update-status: " + logins.others());
        return hooks;
    }

    /**
     * The new primary archives: a row written, the WAL segment switched, and pg_stat_archiver shows that
     * segment archived with no new failure.
     */
    private static String archivesWal(FaultBench b, Pod primary, String stanza) {
        String failedBefore = primary.sql("select failed_count from pg_stat_archiver").check("archiver").output().strip();
        primary.sql("insert into orders select coalesce(max(id), 0) + 1 from orders").check("a row on the new primary");
        String segment = primary.sql("select pg_walfile_name(pg_switch_wal())").check("switch wal").output().strip();
        b.life.say("== on the new primary: select pg_switch_wal() closed " + segment);
        boolean archived = Processes.await(60, () -> {
            String last = primary.sql("select last_archived_wal from pg_stat_archiver").output().strip();
            return last.length() >= 24 && last.substring(0, 24).compareTo(segment) >= 0;
        });
        String failedAfter = primary.sql("select failed_count from pg_stat_archiver").check("archiver").output().strip();
        expect(archived, segment + " archived by the new primary: last " + primary.sql("select last_archived_wal, last_failed_wal"
                + " from pg_stat_archiver").output().strip());
        expect(failedAfter.equals(failedBefore), "archive failures on the new primary: " + failedBefore + " -> " + failedAfter
                + " " + primary.sql("select last_failed_wal from pg_stat_archiver").output().strip());
        return "the new primary archived " + segment + " (failures " + failedAfter + ")";
    }

    /** pgBackRest's own check in the new primary's pod: it switches a segment and waits for it in the repository. */
    private static String pgbackrestCheck(Pod primary, String stanza) {
        Processes.Result r = primary.run(120, "runuser", "-u", "postgres", "--", "pgbackrest", "--stanza=" + stanza,
                "--log-level-console=warn", "check");
        expect(r.exitCode() == 0, "pgbackrest check on the new primary exited " + r.exitCode() + ": " + r.output().strip() + "; its log: "
                + primary.run(10, "tail", "-n", "4", "/var/log/pgbackrest/" + stanza + "-check.log").output().strip());
        return "pgbackrest check passes there";
    }

    /** How often the replica's backup log says the standby replayed up to a backup's start: copying begins then. */
    private static long copying(Pod pod, String backupLog) {
        Processes.Result r = pod.run(10, "cat", backupLog);
        return r.exitCode() != 0 ? 0 : r.output().lines().filter(l -> l.contains("replay on the standby reached")).count();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

}
