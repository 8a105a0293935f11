package e2e;

import static e2e.Faults.expect;
import static e2e.FaultRunner.Healing.YES;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import e2e.FaultRunner.Fault;
import e2e.FaultRunner.Healing;
import e2e.FaultRunner.Outcome;
import fakejuju.FakeJuju;
import fakejuju.Unit;

/**
 * Faults that interrupt the charm itself: its unit state file spoilt between hooks (on the bench's one
 * unit), then, on a replica ({@link FaultBench#withReplica()}: a second unit and TLS, which a replica's
 * backup needs), a create-backup whose charm process is killed, and one whose exec connection is cut,
 * both while pgBackRest's backup runs in the pod and the replica refuses new logins. Each ends when the
 * unit is Active, logins are accepted again and the next backup on that unit is created.
 */
final class FaultsInterrupted {

    /** Rounds of update-status to wait out a backup that runs on in the pod; each waits up to 25 s for Patroni. */
    private static final int HEAL_ROUNDS = 10;

    private FaultsInterrupted() {
    }

    static List<Fault> all() {
        return List.of(
                new Fault("the unit's state file truncated, then garbage, between hooks", YES, FaultsInterrupted::stateFileSpoilt),
                new Fault("the charm process killed (SIGKILL) mid-backup on a replica", YES, FaultsInterrupted::charmKilledMidBackup),
                new Fault("the exec connection cut mid-backup on a replica", YES, FaultsInterrupted::execCutMidBackup));
    }

    /**
     * The framework's state file (deferred events, stored state) cut to half its length, then overwritten
     * with bytes that are no JSON at all: each time update-status exits 0, the log says the file was
     * unreadable and where it was moved, and the unit goes on: Active, and a backup works after it.
     */
    static Outcome stateFileSpoilt(FaultBench b) throws IOException {
        Lifecycle life = b.life;
        Unit unit = life.unit(0);
        Path file = unit.charmDir().resolve(".unit-state.json");
        if (!Files.exists(file)) {
            life.hook("update-status"); // a unit that never saved state has nothing to spoil yet
        }
        expect(Files.exists(file), "the unit keeps its state in " + file);
        byte[] saved = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(saved, saved.length / 2));
        life.say("== " + file.getFileName() + " truncated to " + saved.length / 2 + " of " + saved.length + " bytes");
        String first = updateStatusOnSpoiltState(life, unit);
        Files.write(file, "\u0000\u00ffnot json {{{".getBytes(StandardCharsets.ISO_8859_1));
        life.say("== " + file.getFileName() + " overwritten with garbage");
        String second = updateStatusOnSpoiltState(life, unit);
        life.action(unit, "create-backup");
        String result = life.lastActionResult("backup-status");
        expect(result.equals("backup created"), "create-backup after the state was spoilt: " + life.lastActionFailure());
        return Outcome.of("update-status exit 0 (" + first + "; " + second + "), " + life.status().strip()
                + "; the next backup: " + result, Healing.YES);
    }

    /** update-status on a spoilt state file: exit 0, the error logged once, the file moved aside. */
    private static String updateStatusOnSpoiltState(Lifecycle life, Unit unit) throws IOException {
        long loggedBefore = unreadableStateLines(unit);
        FakeJuju.Run run = life.hook("update-status");
        expect(run.exitCode() == 0, "update-status on a spoilt state file exited " + run.exitCode() + ": "
                + run.stderr().lines().findFirst().orElse(""));
        expect(unreadableStateLines(unit) == loggedBefore + 1, "the log says the state was unreadable: " + unit.jujuLog());
        expect(life.status().equals("active "), "the unit after it: " + life.status());
        try (Stream<Path> files = Files.list(unit.charmDir())) {
            long aside = files.filter(f -> f.getFileName().toString().startsWith(".unit-state.json.corrupt-")).count();
            expect(aside > 0, "the spoilt file was kept aside");
        }
        String line = unit.jujuLog().stream().filter(l -> l.contains("unit state unreadable")).reduce((x, y) -> y).orElse("");
        life.say("== juju debug-log: " + line);
        return "logged: " + line.replaceAll(".*unit state unreadable \\(.*?\\.unit-state\\.json ", "unit state unreadable (")
                .replaceAll("; moved to .*", "; moved aside");
    }

    private static long unreadableStateLines(Unit unit) {
        return unit.jujuLog().stream().filter(l -> l.contains("unit state unreadable")).count();
    }

    /**
     * The replica's create-backup dispatch (the charm's JVM, by PID) killed while pgBackRest backs up in
     * its pod and Patroni refuses new logins: the killed action saved nothing, and only update-status can
     * open the replica again ({@code ConnectionsHeal}), once pgBackRest no longer holds its lock.
     */
    static Outcome charmKilledMidBackup(FaultBench b) throws Exception {
        b.withReplica();
        Lifecycle life = b.life;
        Unit replica = life.unit(1);
        LoginProbe logins = new LoginProbe(b.stack.pod(1).ip(), life.superuserPassword());
        expect(logins.login() == LoginProbe.Outcome.ACCEPTED, "logins to the replica before: " + logins.others());
        Path log = b.stack.dir.resolve("killed-create-backup.out");
        life.say("$ juju run " + replica.name() + " create-backup   (its charm process is killed mid-backup)");
        Process agent = replica.startAction(log, "create-backup");
        String pgbackrest;
        try {
            expect(Processes.await(20, () -> Processes.charmJvm(agent).isPresent() || !agent.isAlive()), "the charm's JVM started");
            ProcessHandle jvm = Processes.charmJvm(agent).orElseThrow(() -> new IllegalStateException("no charm JVM: " + Processes.readQuietly(log)));
            expect(Processes.await(40, () -> !b.stack.pod(1).backupsRunning().isEmpty() || !jvm.isAlive()),
                    "pgBackRest's backup runs in " + b.stack.pod(1).name() + ": " + Processes.readQuietly(log));
            expect(logins.login() == LoginProbe.Outcome.REJECTED_BY_HBA, "logins refused mid-backup: " + logins.others());
            expect(jvm.isAlive(), "the action still ran at the kill: " + Processes.readQuietly(log));
            life.say("== kill -9 " + jvm.pid() + " (the charm's JVM; pgBackRest backup pids " + b.stack.pod(1).backupsRunning() + ")");
            expect(jvm.destroyForcibly(), "SIGKILL sent to " + jvm.pid());
            expect(agent.waitFor(30, TimeUnit.SECONDS), "the stand-in agent saw the dispatch die");
        } finally {
            Processes.stopTree(agent);
        }
        pgbackrest = b.stack.pod(1).backupsRunning().isEmpty() ? "pgBackRest ended with it" : "pgBackRest ran on";
        life.say(Processes.readQuietly(log).strip().indent(2).stripTrailing());
        life.say("== right after the kill: " + Lifecycle.shown(replica) + ", " + pgbackrest + ", login: " + logins.login());
        return healedAndBacksUpAgain(b, logins, "action killed (" + pgbackrest + ")");
    }

    /**
     * The Kubernetes API stand-in cuts the exec connection that carries the replica's {@code pgbackrest
     * backup}, as a network failure or an API server restart would: the action fails at once with the lost
     * connection as its reason and allows logins again. pgBackRest in the pod may run on (closing the exec
     * stops no process) or end; either way the unit heals and the next backup runs, or is refused while
     * the old one still holds pgBackRest's lock and runs once it ended.
     */
    static Outcome execCutMidBackup(FaultBench b) throws Exception {
        b.withReplica();
        Lifecycle life = b.life;
        Unit replica = life.unit(1);
        LoginProbe logins = new LoginProbe(b.stack.pod(1).ip(), life.superuserPassword());
        expect(logins.login() == LoginProbe.Outcome.ACCEPTED, "logins to the replica before: " + logins.others());
        Path log = b.stack.dir.resolve("exec-cut-create-backup.out");
        life.say("$ juju run " + replica.name() + " create-backup   (its exec connection is cut mid-backup)");
        Process agent = replica.startAction(log, "create-backup");
        long cutAt;
        try {
            expect(Processes.await(60, () -> !b.stack.pod(1).backupsRunning().isEmpty() || !agent.isAlive()),
                    "pgBackRest's backup runs in " + b.stack.pod(1).name() + ": " + Processes.readQuietly(log));
            int cut = b.stack.api().cutExecs(argv -> argv.contains("pgbackrest") && argv.contains("backup"));
            cutAt = System.nanoTime();
            life.say("== the Kubernetes API cut " + cut + " exec connection(s) of pgbackrest backup");
            expect(cut == 1, "one exec of pgbackrest backup was open to cut, not " + cut);
            expect(agent.waitFor(60, TimeUnit.SECONDS), "the action ended within 60 s of the cut");
        } finally {
            Processes.stopTree(agent);
        }
        double tookSeconds = (System.nanoTime() - cutAt) / 1e9;
        life.say(Processes.readQuietly(log).strip().indent(2).stripTrailing());
        String failure = replica.lastAction().path("failed").asText("");
        expect(failure.startsWith("Failed to backup PostgreSQL with error: "), "the action's failure: " + failure);
        String pgbackrest = b.stack.pod(1).backupsRunning().isEmpty() ? "pgBackRest ended with it" : "pgBackRest ran on";
        life.say("== after the cut: " + Lifecycle.shown(replica) + ", " + pgbackrest + ", login: " + logins.login());
        return healedAndBacksUpAgain(b, logins, String.format("action failed after %.1f s: %s (%s)", tookSeconds, failure, pgbackrest));
    }

    /**
     * update-status on the replica until it is Active and logins are accepted again, bounded; then the
     * next create-backup there: refused while the interrupted pgBackRest still runs (its words must name
     * that), created once it ended. No stale lock may refuse it then.
     */
    private static Outcome healedAndBacksUpAgain(FaultBench b, LoginProbe logins, String during) {
        Lifecycle life = b.life;
        Unit replica = life.unit(1);
        boolean open = false;
        int hooks = 0;
        while (!open && hooks < HEAL_ROUNDS) {
            hooks++;
            FakeJuju.Run run = replica.hook("update-status");
            expect(run.exitCode() == 0, "update-status exited " + run.exitCode() + ": " + run.stderr());
            life.say("$ (juju) " + replica.name() + " hook update-status #" + hooks + " -> " + Lifecycle.shown(replica));
            open = replica.status().kind().equals("active")
                    && Processes.await(25, () -> logins.login() == LoginProbe.Outcome.ACCEPTED);
        }
        expect(open, "after " + hooks + " update-status: " + Lifecycle.shown(replica) + ", logins: " + logins.others());
        String refusal = "";
        life.action(replica, "create-backup");
        if (!replica.lastAction().path("failed").asText("").isEmpty()) {
            refusal = replica.lastAction().path("failed").asText("");
            expect(!b.stack.pod(1).backupsRunning().isEmpty() || refusal.contains("lock"),
                    "refused with no backup running: " + refusal);
            expect(Processes.await(300, () -> b.stack.pod(1).backupsRunning().isEmpty()), "the interrupted pgBackRest ended");
            life.action(replica, "create-backup");
        }
        String result = replica.lastAction().at("/results/backup-status").asText("");
        expect(result.equals("backup created"), "the next backup: " + replica.lastAction().path("failed").asText(""));
        expect(logins.login() == LoginProbe.Outcome.ACCEPTED, "logins after the next backup: " + logins.others());
        return Outcome.of(during + "; " + Lifecycle.shown(replica) + ", logins accepted after " + hooks + " update-status"
                + (refusal.isEmpty() ? "" : "; refused while it ran: " + refusal) + "; the next backup: " + result, Healing.YES);
    }

}
