package e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import fakejuju.FakeJuju;
import fakejuju.Unit;

/**
 * The README's main job as a test: three units in three pods with the production layout, Patroni on its
 * Kubernetes DCS, the backup flows' cluster decisions, leadership and the primary apart, scale-down and
 * a restore, all through each unit's {@code dispatch}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterLifecycleIT {

    private static final Path CHARM_DIR = Path.of(System.getProperty("charm.dir", "target/charm")).toAbsolutePath();
    private static final String SCOPE = LocalStack.SCOPE;

    private LocalStack stack;
    private Lifecycle life;
    private final ByteArrayOutputStream transcript = new ByteArrayOutputStream();
    private String firstBackup;
    /** The replica's backup with TLS on: 120 rows. */
    private String tlsBackup;

    @BeforeAll
    void start() throws IOException {
        stack = LocalStack.start(3);
        life = new Lifecycle(stack, stack.dir.resolve("model"), CHARM_DIR, new PrintStream(transcript, true, StandardCharsets.UTF_8));
    }

    @AfterAll
    void stop() throws IOException {
        System.out.println(transcript.toString(StandardCharsets.UTF_8));
        List<String> pods = stack.pods().stream().map(Pod::ip).toList();
        stack.close();
        String listening = Processes.run(30, "ss", "-ltnH").output();
        for (String ip : pods) {
            assertFalse(listening.contains(ip + ":"), "nothing listens on " + ip + " after the run:\n" + listening);
        }
        assertFalse(Processes.run(30, "findmnt", "-rn", "-o", "TARGET", "/charm").output().contains("/charm"));
    }

    private Unit unit(int n) {
        return life.unit(n);
    }

    private String failure(Unit u) {
        return u.lastAction().path("failed").asText("");
    }

    private String result(Unit u, String key) {
        return u.lastAction().at("/results/" + key).asText("");
    }

    private Optional<String> role(int pod) {
        String role = stack.roleLabel(LocalStack.APP + "-" + pod);
        return role.isEmpty() ? Optional.empty() : Optional.of(role);
    }

    private static String annotation(Map<String, Object> object, String key) {
        Object annotations = ((Map<?, ?>) object.get("metadata")).get("annotations");
        return annotations instanceof Map ? String.valueOf(((Map<?, ?>) annotations).get(key)) : "null";
    }

    private int rows() {
        return Integer.parseInt(stack.sql("select count(*) from orders").check("count").output().strip());
    }

    @Test
    @Order(1)
    void deploy_threeUnits_oneLeaderInitialises_theOthersJoinAsStreamingReplicas() throws IOException {
        life.deploy(3);
        life.showStatus();
        for (Unit u : life.juju.units()) {
            assertEquals("active", u.status().kind(), u.name() + ": " + u.status());
        }
        assertEquals(Optional.of("master"), role(0));
        assertEquals(Optional.of("replica"), role(1));
        assertEquals(Optional.of("replica"), role(2));
        assertTrue(Processes.await(60, () -> "2".equals(stack.pod(0).sql(
                "select count(*) from pg_stat_replication where state = 'streaming'").output().strip())),
                "both replicas stream from the primary");
    }

    @Test
    @Order(2)
    void patronisLeaderAndConfig_liveInTheEndpointsTheApiServes() {
        Map<String, Object> leader = stack.api().object("endpoints", SCOPE).orElseThrow();
        assertEquals("postgresql-k8s-0", annotation(leader, "leader"));
        Map<String, Object> config = stack.api().object("endpoints", SCOPE + "-config").orElseThrow();
        assertTrue(annotation(config, "config").contains("\"loop_wait\""), annotation(config, "config"));
        assertEquals(Optional.of("postgresql-k8s-0"), stack.leaderPod());
    }

    @Test
    @Order(3)
    void relateS3_everyUnitRendersItsOwnConfig_andOnlyTheLeaderMakesTheStanza() throws IOException {
        life.relateS3();
        for (Unit u : life.juju.units()) {
            assertEquals("active", u.status().kind(), u.name() + ": " + u.status());
        }
        for (Pod pod : stack.pods()) {
            String owner = pod.run(10, "stat", "-c", "%U %a", "/etc/pgbackrest.conf").check("stat").output().strip();
            assertEquals("postgres 600", owner, pod.name());
        }
        assertEquals(1, stack.kubernetesExecs().stream().filter(argv -> argv.contains("stanza-create")).count());
        assertEquals(LocalStack.MODEL + ".patroni-" + LocalStack.APP, life.juju.appData(Lifecycle.PEERS).get("stanza"));
    }

    @Test
    @Order(4)
    void listBackups_onAReplica_works_createBackup_onAReplica_isRefused_onThePrimary_works() {
        stack.sql("create table orders(id int primary key, item text)").check("create");
        stack.sql("insert into orders select g, 'first' from generate_series(1, 100) g").check("insert");
        life.action(unit(1), "list-backups");
        assertEquals("", failure(unit(1)));
        assertTrue(result(unit(1), "backups").startsWith("Storage bucket name: " + Lifecycle.BUCKET), result(unit(1), "backups"));
        life.action(unit(1), "create-backup");
        assertEquals("Unit cannot perform backups as TLS is not enabled", failure(unit(1)));
        life.action(unit(0), "create-backup");
        assertEquals("backup created", result(unit(0), "backup-status"), failure(unit(0)));
        life.action(unit(2), "list-backups");
        List<String> rows = new ArrayList<>(BackupIds.fromList(unit(2).lastAction()).values());
        assertEquals(List.of("full backup | finished"), rows);
        firstBackup = BackupIds.fromList(unit(2).lastAction()).keySet().iterator().next();
    }

    @Test
    @Order(5)
    void restore_onThreeUnits_isRefused_andNothingStops() {
        life.action(unit(0), "restore", "backup-id=" + firstBackup);
        assertEquals("Unit cannot restore backup as there are more than one unit in the cluster", failure(unit(0)));
        assertEquals(100, rows());
    }

    @Test
    @Order(6)
    void theProductionArgv_isWhatRan_noConfigFileNamed() {
        List<List<String>> pgbackrest = stack.kubernetesExecs().stream().filter(argv -> argv.contains("pgbackrest")).toList();
        assertFalse(pgbackrest.isEmpty());
        for (List<String> argv : stack.kubernetesExecs()) {
            assertTrue(argv.stream().noneMatch(a -> a.startsWith("--config")), "production argv: " + argv);
        }
    }

    @Test
    @Order(7)
    void relateCertificates_everyUnitInstallsItsCertificate_andEachPodsTlsServerListensOnItsAddress() {
        life.relateCertificates();
        life.showStatus();
        for (Unit u : life.juju.units()) {
            assertEquals("active", u.status().kind(), u.name() + ": " + u.status());
        }
        for (Pod pod : stack.pods()) {
            String files = pod.run(10, "stat", "-c", "%n %U %a", "/var/lib/postgresql/data/peer_ca.pem",
                    "/var/lib/postgresql/data/peer_cert.pem", "/var/lib/postgresql/data/peer_key.pem").check("stat").output();
            assertEquals(3, files.lines().filter(l -> l.endsWith(" postgres 600")).count(), pod.name() + ":\n" + files);
            String conf = pod.run(10, "cat", "/etc/pgbackrest.conf").check("cat").output();
            assertTrue(conf.contains("tls-server-address=" + pod.ip()), pod.name() + ":\n" + LocalStack.withoutKeys(conf));
        }
        assertTrue(Processes.await(60, () -> life.tlsServersListening().containsAll(
                stack.pods().stream().map(p -> p.ip() + ":8432").toList())),
                "each pod's pgBackRest TLS server listens on its address: " + life.tlsServersListening());
        life.say("== pgBackRest TLS servers listening: " + life.tlsServersListening());
        // A server that answers: a replica's pgBackRest pings the primary's over TLS with its own certificate.
        Processes.Result ping = stack.pod(1).run(30, "runuser", "-u", "postgres", "--", "pgbackrest", "server-ping",
                "--io-timeout=5", stack.pod(0).name() + "." + LocalStack.APP + "-endpoints");
        life.say("== postgresql-k8s-1: pgbackrest server-ping postgresql-k8s-0 -> exit " + ping.exitCode());
        assertEquals(0, ping.exitCode(), ping.output());
    }

    @Test
    @Order(8)
    void createBackup_onThePrimaryOfATlsCluster_isRefused() {
        life.action(unit(0), "create-backup");
        assertEquals("Unit cannot perform backups as it is the cluster primary", failure(unit(0)));
    }

    @Test
    @Order(9)
    void createBackup_onAReplica_backsUpFromTheStandby_refusingNewLoginsOnlyWhileItRuns() {
        stack.sql("insert into orders select g, 'tls' from generate_series(1001, 1020) g").check("insert");
        LoginProbe replica = new LoginProbe(stack.pod(1).ip(), life.superuserPassword());
        assertEquals(LoginProbe.Outcome.ACCEPTED, replica.login(), "before the backup: " + replica.others());
        try (LoginProbe during = replica.start()) {
            life.action(unit(1), "create-backup");
        }
        assertEquals("backup created", result(unit(1), "backup-status"), failure(unit(1)));
        List<LoginProbe.Outcome> seen = replica.seen();
        life.say("== logins to postgresql-k8s-1 during its backup: " + replica.summary());
        assertTrue(seen.contains(LoginProbe.Outcome.REJECTED_BY_HBA), "a login was refused during the backup: " + seen + replica.others());
        // Accepted until Patroni applied the block, then refused throughout, then accepted once allowed again.
        int firstRefused = seen.indexOf(LoginProbe.Outcome.REJECTED_BY_HBA);
        int lastRefused = seen.lastIndexOf(LoginProbe.Outcome.REJECTED_BY_HBA);
        assertTrue(seen.subList(firstRefused, lastRefused + 1).stream().allMatch(o -> o == LoginProbe.Outcome.REJECTED_BY_HBA),
                "no login got through while the replica was closed: " + replica.summary());
        assertEquals(LoginProbe.Outcome.ACCEPTED, replica.login(), "after the backup: " + replica.others());
        life.say("== login to postgresql-k8s-1 after its backup: ACCEPTED");
        LoginProbe primary = new LoginProbe(stack.pod(0).ip(), life.superuserPassword());
        assertEquals(LoginProbe.Outcome.ACCEPTED, primary.login(), "the primary served all along: " + primary.others());
        String log = stack.pod(1).run(10, "sh", "-c", "cat /var/log/pgbackrest/*-backup.log").check("backup log").output();
        assertTrue(log.contains("backup-standby"), log);
        assertTrue(log.contains("replay on the standby"), "pgBackRest backed up from the standby:\n" + log);
        assertFalse(stack.pod(0).run(10, "sh", "-c", "cat /var/log/pgbackrest/*-backup.log 2>/dev/null").output()
                .contains("replay on the standby"), "the primary's pod ran no standby backup");
        life.say("== " + log.lines().filter(l -> l.contains("replay on the standby")).findFirst().orElse("").strip());
    }

    @Test
    @Order(10)
    void createBackup_onAReplica_killedMidBackup_staysClosed_untilItsNextUpdateStatusOpensIt_andTheNextBackupWorks()
            throws Exception {
        LoginProbe replica = new LoginProbe(stack.pod(1).ip(), life.superuserPassword());
        LoginProbe otherReplica = new LoginProbe(stack.pod(2).ip(), life.superuserPassword());
        assertEquals(LoginProbe.Outcome.ACCEPTED, replica.login(), "before the backup: " + replica.others());
        long healsBefore = heals(unit(1));
        Path log = stack.dir.resolve("killed-create-backup.out");
        long started = System.nanoTime();
        life.say("$ juju run " + unit(1).name() + " create-backup   (its charm process is killed mid-backup)");
        Process agent = unit(1).startAction(log, "create-backup");
        try {
            // The dispatch process execs the charm's JVM: the stand-in's only child, once it is java.
            assertTrue(Processes.await(20, () -> Processes.charmJvm(agent).isPresent() || !agent.isAlive()), "the charm's JVM started");
            ProcessHandle jvm = Processes.charmJvm(agent).orElseThrow(() -> new AssertionError("no charm JVM under the stand-in: " + Processes.readQuietly(log)));
            // Mid-backup: Patroni refuses new logins, and pgBackRest's backup runs in the replica's pod.
            assertTrue(Processes.await(40, () -> replica.login() == LoginProbe.Outcome.REJECTED_BY_HBA || !jvm.isAlive()),
                    "logins refused while the backup runs: " + replica.others());
            assertTrue(Processes.await(20, () -> !stack.pod(1).backupsRunning().isEmpty() || !jvm.isAlive()),
                    "pgBackRest's backup runs in " + stack.pod(1).name());
            assertTrue(jvm.isAlive(), "the action was still running when it was killed: " + Processes.readQuietly(log));
            List<Long> pgbackrest = stack.pod(1).backupsRunning();
            assertFalse(pgbackrest.isEmpty(), "pgBackRest's backup ran at the kill");
            life.say("== kill -9 " + jvm.pid() + " (the charm's JVM; pgBackRest backup running in " + stack.pod(1).name()
                    + ": pids " + pgbackrest + ")");
            assertTrue(jvm.destroyForcibly(), "SIGKILL sent to " + jvm.pid());
            assertTrue(agent.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the stand-in noticed the dispatch died");
        } finally {
            // On a failed assertion before the kill, the charm's JVM (the stand-in's child) must not outlive
            // the test: stop every process this action started, by PID, children first.
            Processes.stopTree(agent);
        }
        // Either is fine: what the heal must undo is Patroni's configuration, not pgBackRest's fate.
        Processes.await(3, () -> stack.pod(1).backupsRunning().isEmpty());
        List<Long> after = stack.pod(1).backupsRunning();
        life.say("== pgBackRest backup in " + stack.pod(1).name() + " after the kill: "
                + (after.isEmpty() ? "gone" : "still running, pids " + after));
        String printed = Processes.readQuietly(log);
        life.say(printed.strip().indent(2).stripTrailing());
        assertTrue(printed.contains(": failed"), "the killed action did not complete:\n" + printed);
        assertEquals("", result(unit(1), "backup-status"), "no result from the killed action");

        // The harm: the replica still refuses new logins, with no charm process left to allow them again.
        assertEquals(LoginProbe.Outcome.REJECTED_BY_HBA, replica.login(), "right after the kill: " + replica.others());
        assertEquals(LoginProbe.Outcome.ACCEPTED, otherReplica.login(), "the other replica was never closed: " + otherReplica.others());
        life.say("== login to postgresql-k8s-1 right after the kill: REJECTED_BY_HBA; to postgresql-k8s-2: ACCEPTED");

        // The next update-status on that unit heals it; while pgBackRest's backup still holds its lock, it waits.
        boolean open = false;
        for (int hook = 1; hook <= 8 && !open; hook++) {
            FakeJuju.Run run = unit(1).hook("update-status");
            assertEquals(0, run.exitCode(), run.stderr());
            boolean healed = heals(unit(1)) > healsBefore;
            life.say("$ (juju) " + unit(1).name() + " hook update-status #" + hook + " -> "
                    + (healed ? "connections allowed again" : "a backup still holds pgBackRest's lock: waits"));
            open = healed && Processes.await(25, () -> replica.login() == LoginProbe.Outcome.ACCEPTED);
            if (!healed) {
                Processes.await(3, () -> false);
            }
        }
        assertTrue(open, "logins to " + stack.pod(1).name() + " accepted again after update-status: " + replica.others());
        assertEquals(healsBefore + 1, heals(unit(1)), "the heal ran once, on " + unit(1).name() + ": " + unit(1).jujuLog());
        life.say("== login to postgresql-k8s-1 after its update-status: ACCEPTED");

        // No stale lock: the next backup on that replica works.
        life.action(unit(1), "create-backup");
        assertEquals("backup created", result(unit(1), "backup-status"), failure(unit(1)));
        assertEquals(LoginProbe.Outcome.ACCEPTED, replica.login(), "after the next backup: " + replica.others());
        life.say(String.format("== killed backup healed and backed up again in %.1f s", (System.nanoTime() - started) / 1e9));
    }

    /** How many times ConnectionsHeal allowed this unit's connections again, as its juju-log says. */
    private static long heals(Unit u) {
        return u.jujuLog().stream().filter(l -> l.contains("ended without its action; allowed again")).count();
    }

    @Test
    @Order(11)
    void listBackups_fromTheOtherReplica_showsTheReplicasBackup() {
        life.action(unit(2), "list-backups");
        Map<String, String> backups = BackupIds.fromList(unit(2).lastAction());
        // The primary's, the replica's, and the one after the kill; the killed one too if its pgBackRest went on to the end.
        assertTrue(backups.size() == 3 || backups.size() == 4, backups.toString());
        assertTrue(backups.values().stream().allMatch("full backup | finished"::equals), backups.toString());
        tlsBackup = new ArrayList<>(backups.keySet()).get(1);
        assertEquals("full backup | finished", backups.get(tlsBackup));
    }

    @Test
    @Order(12)
    void removeCertificates_stopsTheTlsServers_dropsTheTlsKeys_andAReplicaCannotBackUp() {
        life.removeCertificates();
        assertTrue(Processes.await(60, () -> life.tlsServersListening().isEmpty()), "no TLS server left: " + life.tlsServersListening());
        for (Pod pod : stack.pods()) {
            String conf = pod.run(10, "cat", "/etc/pgbackrest.conf").check("cat").output();
            assertFalse(conf.contains("tls-server") || conf.contains("pg2-host"), pod.name() + ":\n" + LocalStack.withoutKeys(conf));
        }
        life.action(unit(1), "create-backup");
        assertEquals("Unit cannot perform backups as TLS is not enabled", failure(unit(1)));
    }

    @Test
    @Order(13)
    void leaderAndPrimaryApart_theLeaderMakesTheStanzaInThePrimarysPod_andBackupsFollowThePrimary() throws IOException {
        stack.sql("insert into orders select g, 'second' from generate_series(101, 150) g").check("insert");
        stack.switchover(LocalStack.APP + "-1");
        life.juju.setRemoteAppData(Lifecycle.S3_RELATION, Map.of("storage-class", "STANDARD"), true);
        life.settle();
        for (Unit u : life.juju.units()) {
            assertEquals("active", u.status().kind(), u.name() + ": " + u.status());
        }
        assertTrue(unit(0).isLeader());
        life.action(unit(0), "create-backup");
        assertEquals("Unit cannot perform backups as TLS is not enabled", failure(unit(0)));
        life.action(unit(1), "create-backup");
        assertEquals("backup created", result(unit(1), "backup-status"), failure(unit(1)));
        String archive = stack.pod(1).sql("show archive_command").check("show").output().strip();
        assertTrue(archive.contains("archive-push"), "the new primary archives WAL: " + archive);
    }

    @Test
    @Order(14)
    void aUnitWhosePodDied_saysSo_inItsStatusAndActions_withoutAStackTrace() throws IOException {
        stack.removePod(LocalStack.APP + "-2");
        fakejuju.FakeJuju.Run hook = unit(2).hook("update-status");
        assertEquals(0, hook.exitCode(), hook.stderr());
        assertEquals("waiting", unit(2).status().kind(), unit(2).status().toString());
        fakejuju.FakeJuju.Run list = life.action(unit(2), "list-backups");
        assertTrue(failure(unit(2)).startsWith("Failed to list PostgreSQL backups with error: "), failure(unit(2)));
        assertTrue(failure(unit(2)).contains("postgresql-k8s-2") && failure(unit(2)).contains("not found"), failure(unit(2)));
        assertFalse((list.stdout() + list.stderr()).contains("\tat "), "no stack trace: " + list.stderr());
        assertEquals(170, rows(), "the database still serves on the other units");
    }

    @Test
    @Order(15)
    void scaleDown_toOneUnit_theRemainingUnitServes_theOthersPodsAreGone() throws IOException {
        stack.sql("insert into orders select g, 'third' from generate_series(151, 175) g").check("insert");
        life.juju.setLeader(unit(2));
        life.settle();
        life.scaleDown(1);
        assertEquals(List.of(LocalStack.APP + "/0"), life.juju.units().stream().map(Unit::name).toList());
        assertTrue(stack.api().object("pods", LocalStack.APP + "-1").isEmpty());
        assertTrue(Processes.await(60, () -> Optional.of(LocalStack.APP + "-0").equals(stack.leaderPod())));
        assertTrue(Processes.await(60, () -> stack.pod(0).sql("select pg_is_in_recovery()").output().strip().equals("f")));
        assertEquals(195, rows());
    }

    @Test
    @Order(16)
    void restore_beforeLeadershipMoves_isRefused_thenRestores_andTheRowsAreTheBackups() {
        life.action(unit(0), "restore", "backup-id=" + tlsBackup);
        assertEquals("Unit cannot restore backup as it was not elected the leader unit yet", failure(unit(0)));
        String leaderUid = String.valueOf(((Map<?, ?>) stack.api().object("endpoints", SCOPE).orElseThrow().get("metadata")).get("uid"));
        life.juju.electLeader();
        life.settle();
        life.action(unit(0), "restore", "backup-id=" + tlsBackup);
        assertEquals("restore started", result(unit(0), "restore-status"), failure(unit(0)));
        assertEquals("active ", life.awaitRestore(60));
        assertEquals(120, rows(), "the rows of the replica's backup");
        assertTrue(stack.api().restCalls().containsAll(List.of(
                "DELETE /api/v1/namespaces/" + LocalStack.MODEL + "/endpoints/" + SCOPE,
                "DELETE /api/v1/namespaces/" + LocalStack.MODEL + "/endpoints/" + SCOPE + "-config")), "the restore deleted Patroni's Endpoints");
        String newUid = String.valueOf(((Map<?, ?>) stack.api().object("endpoints", SCOPE).orElseThrow().get("metadata")).get("uid"));
        assertFalse(leaderUid.equals(newUid), "Patroni made its leader Endpoints anew for the restored cluster");
    }

    @Test
    @Order(17)
    void scaleUp_afterTheRestore_toThreeUnits_theNewReplicasFollowTheRestoredTimeline() throws IOException {
        life.addUnit(1);
        life.addUnit(2);
        life.settle();
        life.showStatus();
        String primaryTimeline = stack.pod(0).sql("select timeline_id from pg_control_checkpoint()").check("tl").output().strip();
        assertTrue(Processes.await(90, () -> "2".equals(stack.pod(0).sql(
                "select count(*) from pg_stat_replication where state = 'streaming'").output().strip())));
        for (int n = 1; n <= 2; n++) {
            int pod = n;
            assertEquals("active", unit(n).status().kind(), unit(n).status().toString());
            assertEquals(Optional.of("replica"), role(n));
            assertTrue(Processes.await(60, () -> primaryTimeline.equals(
                    stack.pod(pod).sql("select received_tli from pg_stat_wal_receiver").output().strip())), "replica " + n);
            assertEquals("120", stack.pod(n).sql("select count(*) from orders").check("replica rows").output().strip());
        }
    }
}
