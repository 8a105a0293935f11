package e2e;

import static e2e.Faults.expect;
import static e2e.FaultRunner.Healing.YES;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import e2e.FaultRunner.Fault;
import e2e.FaultRunner.Healing;
import e2e.FaultRunner.Outcome;
import fakejuju.Unit;

/**
 * Two create-backup actions at once: on one unit, which Juju runs one after the other (the uniter's
 * machine lock; the stand-in agent takes a lock per unit the same way), and on two replicas of a TLS
 * cluster, whose backups of the one stanza into the one repository must not both run. Runs after
 * {@link FaultsInterrupted}, on its primary and replica; the second fault adds a second replica.
 */
final class FaultsConcurrent {

    /** A backup of the bench's database, big tables and all, with room for a Patroni wait on each side. */
    private static final long ACTION_SECONDS = 300;
    private static final Pattern ACTION_LINE = Pattern.compile("Action id \\d+: (completed|failed)");

    private FaultsConcurrent() {
    }

    static List<Fault> all() {
        return List.of(onOneUnit(), onTwoReplicasFault());
    }

    static Fault onOneUnit() {
        return new Fault("two create-backup actions at once on one unit", YES, FaultsConcurrent::twoOnOneUnit);
    }

    /** Runs on whichever two units are replicas then (after a failover, units 0 and 2). */
    static Fault onTwoReplicasFault() {
        return new Fault("create-backup on two replicas at once", YES, FaultsConcurrent::onTwoReplicas);
    }

    /**
     * Two create-backup started on the replica at the same moment: the agent runs the second once the
     * first ended, so each finds no other backup running and each creates its own, one after the other;
     * at no moment do two pgBackRest backups run in the pod.
     */
    static Outcome twoOnOneUnit(FaultBench b) throws Exception {
        b.withReplica();
        Lifecycle life = b.life;
        Unit replica = life.unit(1);
        Set<String> before = new HashSet<>(b.listedBackups());
        long start = System.nanoTime();
        List<Running> both = List.of(Running.start(b, replica, "first"), Running.start(b, replica, "second"));
        int most = watch(b, both, List.of(b.stack.pod(1)));
        double took = (System.nanoTime() - start) / 1e9;
        for (Running r : both) {
            life.say(r.printed().strip().indent(2).stripTrailing());
        }
        for (Running r : both) {
            expect(r.created(), "create-backup (" + r.label + "): " + r.failure());
        }
        expect(most == 1, "pgBackRest backups running at once in " + b.stack.pod(1).name() + ": " + most);
        Set<String> made = new HashSet<>(b.listedBackups());
        made.removeAll(before);
        expect(made.size() == 2, "two new backups listed: " + made);
        expect(replica.status().kind().equals("active"), replica.name() + " after them: " + replica.status());
        return Outcome.of(String.format("both ran, one after the other (%.0f s for both): backup created, backup created;"
                + " 2 new backups listed, never two pgBackRest backups at once; %s active", took, replica.name()), Healing.YES);
    }

    /**
     * create-backup started on both replicas at the same moment. pgBackRest's locks let at most one backup
     * of the cluster run at a time, and two that start at once refuse each other; the charm then tries
     * once more after a pause that differs by unit, so one of them runs. The other either fails with
     * words that say another unit's backup runs, or (when its second try comes after the first backup
     * ended) creates its own after it. Either way at least one backup is created, every new one is listed
     * and verifies (the bench checks), neither replica is left refusing logins or in maintenance, and a
     * refused replica's next backup works.
     */
    static Outcome onTwoReplicas(FaultBench b) throws Exception {
        b.withReplicas(2);
        FaultsBackup.bigTable(b); // backups that take long enough to overlap whatever Patroni's cycles
        Lifecycle life = b.life;
        Set<String> before = new HashSet<>(b.listedBackups());
        String leader = b.stack.leaderPod().orElseThrow(() -> new IllegalStateException("no primary"));
        List<Integer> replicaUnits = java.util.stream.IntStream.range(0, 3)
                .filter(n -> !b.stack.pod(n).name().equals(leader)).boxed().toList();
        List<Unit> replicas = replicaUnits.stream().map(life::unit).toList();
        List<Running> both = List.of(Running.start(b, replicas.get(0), "unit " + replicaUnits.get(0)),
                Running.start(b, replicas.get(1), "unit " + replicaUnits.get(1)));
        int most = watch(b, both, replicaUnits.stream().map(b.stack::pod).toList());
        for (Running r : both) {
            life.say(r.printed().strip().indent(2).stripTrailing());
        }
        life.say("== pgBackRest backups running at once, at most: " + most);
        List<Running> created = both.stream().filter(Running::created).toList();
        List<Running> refused = both.stream().filter(r -> !r.created()).toList();
        // the charm's action log says when a backup met the other at its start and tried once more
        String outcomes = both.stream().map(r -> r.unit + ": " + (r.created() ? "backup created" : "failed: " + r.failure())
                        + (r.printed().contains("trying once more") ? " (on its second try)" : ""))
                .collect(java.util.stream.Collectors.joining("; "));
        expect(!created.isEmpty(), "at least one backup created: " + outcomes);
        for (Running r : refused) {
            expect(r.failure().contains("another unit"), "the refusal says another unit backs up: " + r.failure());
        }
        Set<String> made = new HashSet<>(b.listedBackups());
        made.removeAll(before);
        expect(made.size() == created.size(), created.size() + " new backup(s) listed: " + made);
        for (int n : replicaUnits) {
            LoginProbe logins = new LoginProbe(b.stack.pod(n).ip(), life.superuserPassword());
            expect(Processes.await(30, () -> logins.login() == LoginProbe.Outcome.ACCEPTED),
                    b.stack.pod(n).name() + " accepts logins after: " + logins.others());
            expect(life.unit(n).status().kind().equals("active"), life.unit(n) + " after: " + life.unit(n).status());
        }
        String next = "";
        for (Running r : refused) {
            life.action(r.unit, "create-backup");
            next = r.unit.lastAction().at("/results/backup-status").asText("");
            expect(next.equals("backup created"), "the next backup on " + r.unit + ": " + r.unit.lastAction().path("failed").asText(""));
            next = "; the next backup on " + r.unit + ": " + next;
        }
        return Outcome.of(outcomes + next, Healing.YES);
    }

    /**
     * Waits for every action to end, sampling the pods' pgBackRest backups meanwhile; the most that ran at
     * one moment. The actions' processes do not outlive the scenario.
     */
    private static int watch(FaultBench b, List<Running> actions, List<Pod> pods) throws InterruptedException {
        int most = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ACTION_SECONDS);
        try {
            while (actions.stream().anyMatch(r -> r.process.isAlive()) && System.nanoTime() < deadline) {
                int now = 0;
                for (Pod pod : pods) {
                    now += backups(pod);
                }
                most = Math.max(most, now);
                Thread.sleep(200);
            }
            expect(actions.stream().noneMatch(r -> r.process.isAlive()), "the actions ended within " + ACTION_SECONDS + " s");
        } finally {
            for (Running r : actions) {
                Processes.stopTree(r.process);
            }
        }
        return most;
    }

    /**
     * pgBackRest backups running in the pod: their main processes, the executable itself (not the exec's
     * {@code timeout} and {@code runuser} around it, whose command lines end the same, nor its workers).
     */
    private static int backups(Pod pod) {
        return (int) pod.backupsRunning().stream()
                .filter(pid -> ProcessHandle.of(pid).flatMap(h -> h.info().command()).map(c -> c.endsWith("/pgbackrest")).orElse(false))
                .count();
    }

    /** One create-backup as the agent started it, and what {@code juju run} printed for it. */
    private record Running(Unit unit, String label, Process process, Path log) {

        static Running start(FaultBench b, Unit unit, String label) {
            Path log = b.stack.dir.resolve("concurrent-" + unit.name().replace('/', '-') + "-" + label.replace(' ', '-') + ".out");
            b.life.say("$ juju run " + unit.name() + " create-backup   (" + label + ", at once with the other)");
            return new Running(unit, label, unit.startAction(log, "create-backup"), log);
        }

        String printed() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "(" + e + ")";
            }
        }

        boolean created() {
            Matcher m = ACTION_LINE.matcher(printed());
            return m.find() && m.group(1).equals("completed") && printed().contains("backup-status: backup created");
        }

        /** The action's failure as {@code juju run} printed it, after "ERROR ". */
        String failure() {
            List<String> errors = new ArrayList<>();
            printed().lines().filter(l -> l.startsWith("ERROR ")).forEach(l -> errors.add(l.substring(6)));
            return errors.isEmpty() ? "(no failure printed: " + printed().strip() + ")" : String.join("; ", errors);
        }
    }
}
