package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jujuops.model.Status;
import jujuops.testing.Context;
import jujuops.testing.Result;
import jujuops.testing.State;
import jujuops.testing.TestEvent;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.cluster.UnitStatuses;
import postgresqlk8s.database.DatabaseFlows;
import postgresqlk8s.patroni.MemberStatus;

/**
 * The workload core (postgresqlk8s.database.DatabaseFlows) with the backup flows' scripted fakes: it
 * lives here to share them. The real thing runs in the end-to-end tests.
 */
class DatabaseFlowsTest {

    private final BackupWorld world = new BackupWorld();
    private final Context context = new Context(fw -> {
        BackupWorld.announceTlsChangeOnCertificatesHooks(fw);
        DatabaseFlows.register(fw, world::seams);
        UnitStatuses.register(fw);
    }, BackupWorld.CHARM_DIR,
            BackupWorld.UNIT, BackupWorld.MODEL);

    private static State withPeers(Map<String, String> appData) {
        return State.empty().withLeader(true).withRelation(BackupWorld.peers(appData, Map.of()));
    }

    private static Map<String, String> appData(Result r) {
        return r.state().relationOn(PeerKeys.ENDPOINT).localAppData();
    }

    @Test
    void pebbleReady_beforeThePeerRelation_defers_andTouchesNothing() {
        Result r = context.run(TestEvent.pebbleReady("postgresql"), State.empty().withLeader(true));
        assertEquals(1, r.state().deferred().size());
        assertEquals(List.of(), world.exec.commands());
    }

    @Test
    void pebbleReady_onTheLeader_generatesPasswords_rendersPatroni_addsTheLayer_startsTheDatabase_andRecordsTheCluster() {
        world.exec.answer("pebble services", BackupWorld.ok("Service  Startup  Current  Since\npostgresql  enabled  inactive  -\n"));
        Result r = context.run(TestEvent.pebbleReady("postgresql"), withPeers(Map.of()));
        Map<String, String> data = appData(r);
        assertEquals(24, data.get(PeerKeys.SUPERUSER_PASSWORD).length());
        assertFalse(data.get(PeerKeys.SUPERUSER_PASSWORD).equals(data.get(PeerKeys.REPLICATION_PASSWORD)));
        assertEquals(1, world.patroniConfig.applied.size());
        assertTrue(world.exec.verbs().containsAll(List.of("pebble add", "pebble start")), world.exec.verbs().toString());
        assertEquals("True", data.get(PeerKeys.CLUSTER_INITIALISED));
        assertEquals(Status.active(), r.unitStatus());
        for (String call : r.calls()) {
            assertFalse(call.contains(data.get(PeerKeys.SUPERUSER_PASSWORD)), "passwords never in argv: " + call);
        }
    }

    @Test
    void pebbleReady_onANonLeaderBeforeThePasswords_defers() {
        Result r = context.run(TestEvent.pebbleReady("postgresql"), withPeers(Map.of()).withLeader(false));
        assertEquals(1, r.state().deferred().size());
        assertTrue(world.patroniConfig.applied.isEmpty());
    }

    @Test
    void pebbleReady_whenPatroniNeverAnswers_waitsABoundedTime_andLeavesItToUpdateStatus() {
        world.patroni.member = null;
        world.pausesTakeTime = true;
        java.time.Instant start = world.now;
        Result r = context.run(TestEvent.pebbleReady("postgresql"), withPeers(Map.of()));
        assertEquals(java.time.Duration.ofSeconds(30), java.time.Duration.between(start, world.now), "30 s by the clock");
        assertEquals(30, world.pauses.size());
        assertEquals(Status.maintenance("waiting for the database to start"), r.unitStatus());
        assertFalse(appData(r).containsKey(PeerKeys.CLUSTER_INITIALISED));
        assertEquals(List.of(), r.state().deferred());
    }

    @Test
    void updateStatus_databaseRunning_isActive_andTheLeaderRecordsTheCluster() {
        Result r = context.run(TestEvent.hook("update-status"), withPeers(Map.of()).withUnitStatus(Status.waiting("x")).withStored(BackupWorld.said(UnitStatuses.Concern.DATABASE, Status.waiting("x"))));
        assertEquals(Status.active(), r.unitStatus());
        assertEquals("True", appData(r).get(PeerKeys.CLUSTER_INITIALISED));
    }

    @Test
    void updateStatus_replicaRunning_isActive_butRecordsNothing() {
        world.patroni.member = new MemberStatus("replica", "streaming", 1);
        Result r = context.run(TestEvent.hook("update-status"), withPeers(Map.of()));
        assertEquals(Status.active(), r.unitStatus());
        assertFalse(appData(r).containsKey(PeerKeys.CLUSTER_INITIALISED));
    }

    @Test
    void updateStatus_databaseDown_isWaiting() {
        world.patroni.member = null;
        Result r = context.run(TestEvent.hook("update-status"), withPeers(Map.of()).withUnitStatus(Status.active()).withStored(BackupWorld.said(UnitStatuses.Concern.DATABASE, Status.active())));
        assertEquals(Status.waiting("waiting for the database to start"), r.unitStatus());
    }

    @Test
    void updateStatus_aFailedOrRunningRestoreOutranksTheDatabasesSay() {
        world.patroni.member = null;
        Result blocked = context.run(TestEvent.hook("update-status"),
                withPeers(Map.of()).withUnitStatus(Status.blocked("Failed to restore backup"))
                        .withStored(BackupWorld.said(UnitStatuses.Concern.RESTORE, Status.blocked("Failed to restore backup"))));
        Result restoring = context.run(TestEvent.hook("update-status"),
                withPeers(Map.of(PeerKeys.RESTORING_BACKUP, "20230101-090000F")).withUnitStatus(Status.maintenance("restoring backup"))
                        .withStored(BackupWorld.said(UnitStatuses.Concern.RESTORE, Status.maintenance("restoring backup"))));

        assertEquals(Status.blocked("Failed to restore backup"), blocked.unitStatus());
        assertEquals(Status.maintenance("restoring backup"), restoring.unitStatus());
        assertEquals(List.of(), restoring.statusHistory(), "no status-set: Juju shows the restore already");
        assertEquals("waiting:waiting for the database to start", restoring.state().stored().get("status.database"),
                "the database's own say is kept true underneath");
    }

    @Test
    void updateStatus_anS3BlockOutlivesARunningDatabase_withoutTheDatabaseKnowingOfIt() {
        Status s3Block = Status.blocked(Messages.STANZA_FAILED);
        Result r = context.run(TestEvent.hook("update-status"),
                withPeers(Map.of()).withUnitStatus(s3Block).withStored(BackupWorld.said(UnitStatuses.Concern.S3, s3Block)));

        assertEquals(s3Block, r.unitStatus());
        assertEquals("active:", r.state().stored().get("status.database"));
    }

    @Test
    void updateStatus_aDatabaseThatFailedToStart_staysBlockedUntilItRuns() {
        world.patroni.member = null;
        Status failed = Status.blocked("failed to start the database: exit 1");
        Result down = context.run(TestEvent.hook("update-status"),
                withPeers(Map.of()).withUnitStatus(failed).withStored(BackupWorld.said(UnitStatuses.Concern.DATABASE, failed)));

        assertEquals(failed, down.unitStatus());
    }

    @Test
    void updateStatus_withoutPeers_asksNothingOfTheWorkload() {
        Result r = context.run(TestEvent.hook("update-status"), State.empty());
        assertEquals(0, world.seamsBuilt);
        assertEquals(List.of("relation-ids database-peers"), r.calls());
    }

    @Test
    void pebbleReady_onANonLeaderBeforeTheLeaderInitialised_waits_andStartsNothing() {
        Result r = context.run(TestEvent.pebbleReady("postgresql"),
                withPeers(Map.of(PeerKeys.SUPERUSER_PASSWORD, "s", PeerKeys.REPLICATION_PASSWORD, "r",
                        PeerKeys.REWIND_PASSWORD, "w")).withLeader(false));
        assertEquals(1, r.state().deferred().size());
        assertEquals(Status.waiting("waiting for the leader to initialise the cluster"), r.unitStatus());
        assertEquals(List.of(), world.exec.commands());
        assertTrue(world.pod.labelled.isEmpty());
    }

    @Test
    void pebbleReady_onANonLeaderOnceInitialised_joinsAsAReplica_andRecordsNothing() {
        world.patroni.member = new MemberStatus("replica", "streaming", 1);
        world.exec.answer("pebble services", BackupWorld.ok("Service  Startup  Current  Since\npostgresql  enabled  inactive  -\n"));
        Result r = context.run(TestEvent.pebbleReady("postgresql"),
                withPeers(Map.of(PeerKeys.SUPERUSER_PASSWORD, "s", PeerKeys.REPLICATION_PASSWORD, "r",
                        PeerKeys.REWIND_PASSWORD, "w", PeerKeys.CLUSTER_INITIALISED, "True")).withLeader(false));
        assertEquals(Status.active(), r.unitStatus());
        assertTrue(world.exec.verbs().contains("pebble start"), world.exec.verbs().toString());
        assertEquals(Map.of(PeerKeys.SUPERUSER_PASSWORD, "s", PeerKeys.REPLICATION_PASSWORD, "r",
                PeerKeys.REWIND_PASSWORD, "w", PeerKeys.CLUSTER_INITIALISED, "True"), appData(r));
    }

    @Test
    void pebbleReady_givesTheVolumeToPostgres_andLabelsThePod_beforePatroniIsConfigured() {
        world.exec.answer("pebble services", BackupWorld.ok("Service  Startup  Current  Since\npostgresql  enabled  inactive  -\n"));
        world.patroniConfig.onApply = () -> assertEquals(1, world.pod.labelled.size(), "labelled before configured");
        context.run(TestEvent.pebbleReady("postgresql"), withPeers(Map.of()));
        assertEquals(List.of(Map.of("application", "patroni", "cluster-name", "patroni-postgresql-k8s")), world.pod.labelled);
        List<List<String>> argv = world.exec.commands().stream().map(c -> c.argv()).toList();
        assertEquals(List.of("chown", "postgres:postgres", "/var/lib/postgresql/data"), argv.get(0));
        assertEquals(List.of("install", "-d", "-o", "postgres", "-g", "postgres", "-m", "0700",
                "/var/lib/postgresql/data/pgdata"), argv.get(1));
    }

    @Test
    void pebbleReady_whenThePodCannotBeLabelled_defers_andStartsNothing() {
        world.pod.refusal = "labelling pod postgresql-k8s-0 in namespace dev failed: HTTP 403: forbidden";
        Result r = context.run(TestEvent.pebbleReady("postgresql"), withPeers(Map.of()));
        assertEquals(1, r.state().deferred().size());
        assertTrue(world.patroniConfig.applied.isEmpty());
        assertFalse(world.exec.verbs().contains("pebble start"));
        assertTrue(r.logs().stream().anyMatch(l -> l.contains("HTTP 403")), r.logs().toString());
    }

    @Test
    void peersChanged_withANewStanza_archivesIntoIt_once() {
        State state = withPeers(Map.of(PeerKeys.STANZA, BackupWorld.STANZA)).withLeader(false)
                .withStored(Map.of("rendered-stanza", ""));
        Result r = context.run(TestEvent.relation("changed", BackupWorld.peers(Map.of(PeerKeys.STANZA, BackupWorld.STANZA), Map.of())), state);
        assertEquals(1, world.patroniConfig.applied.size());
        assertEquals(BackupWorld.STANZA, world.patroniConfig.last().archiveStanza().orElseThrow().value());
        assertEquals(BackupWorld.STANZA, r.state().stored().get("rendered-stanza"));
        context.run(TestEvent.relation("changed", BackupWorld.peers(Map.of(PeerKeys.STANZA, BackupWorld.STANZA), Map.of())), r.state());
        assertEquals(1, world.patroniConfig.applied.size(), "the same stanza again changes nothing");
    }

    @Test
    void peersChanged_beforeTheDatabaseWasStarted_changesNothing() {
        context.run(TestEvent.relation("changed", BackupWorld.peers(Map.of(PeerKeys.STANZA, BackupWorld.STANZA), Map.of())),
                withPeers(Map.of(PeerKeys.STANZA, BackupWorld.STANZA)).withLeader(false));
        assertTrue(world.patroniConfig.applied.isEmpty());
    }

    private static final jujuops.testing.RelationState CERTIFICATES =
            jujuops.testing.RelationState.of("certificates", 5, "self-signed-certificates");

    @Test
    void certificatesChanged_onceTheDatabaseWasConfigured_rewritesPatronisConfiguration_keepingTheStanza() {
        State state = withPeers(Map.of(PeerKeys.STANZA, BackupWorld.STANZA)).withLeader(false)
                .withStored(Map.of("rendered-stanza", BackupWorld.STANZA)).withRelation(CERTIFICATES);
        Result r = context.run(TestEvent.relation("changed", CERTIFICATES), state);
        assertEquals(0, r.exitCode());
        assertEquals(1, world.patroniConfig.applied.size());
        assertEquals(BackupWorld.STANZA, world.patroniConfig.last().archiveStanza().orElseThrow().value());
        assertTrue(world.patroniConfig.last().acceptConnections());
    }

    @Test
    void certificatesBroken_rewritesPatronisConfiguration_too() {
        State state = withPeers(Map.of()).withStored(Map.of("rendered-stanza", "")).withRelation(CERTIFICATES);
        context.run(TestEvent.relation("broken", CERTIFICATES), state);
        assertEquals(1, world.patroniConfig.applied.size());
        assertTrue(world.patroniConfig.last().archiveStanza().isEmpty());
    }

    @Test
    void certificatesChanged_beforeTheDatabaseWasConfigured_changesNothing() {
        context.run(TestEvent.relation("changed", CERTIFICATES), withPeers(Map.of()).withRelation(CERTIFICATES));
        assertTrue(world.patroniConfig.applied.isEmpty());
    }

    @Test
    void certificatesChanged_duringARestore_leavesTheRestoreConfigurationAlone() {
        State state = withPeers(Map.of(PeerKeys.RESTORING_BACKUP, "20230101-090000F"))
                .withStored(Map.of("rendered-stanza", "")).withRelation(CERTIFICATES);
        context.run(TestEvent.relation("changed", CERTIFICATES), state);
        assertTrue(world.patroniConfig.applied.isEmpty());
    }

    @Test
    void certificatesChanged_patroniConfigurationNotWritten_defers() {
        world.patroniConfig.failure = "could not write /var/lib/postgresql/data/patroni.yml: pod gone";
        State state = withPeers(Map.of()).withStored(Map.of("rendered-stanza", "")).withRelation(CERTIFICATES);
        Result r = context.run(TestEvent.relation("changed", CERTIFICATES), state);
        assertEquals(1, r.state().deferred().size());
        assertEquals("DatabaseFlows.onCertificates", r.state().deferred().get(0).observer());
    }

    @Test
    void pebbleReady_onANonLeader_whosePeerDataLacksTheReplicationPassword_waits_withoutStartingAnything() {
        Result r = context.run(TestEvent.pebbleReady("postgresql"),
                withPeers(Map.of(PeerKeys.SUPERUSER_PASSWORD, "s", PeerKeys.REWIND_PASSWORD, "w",
                        PeerKeys.CLUSTER_INITIALISED, "True")).withLeader(false));
        assertEquals(0, r.exitCode());
        assertEquals(1, r.state().deferred().size());
        assertEquals(Status.waiting("waiting for the leader to generate the database passwords"), r.unitStatus());
        assertEquals(List.of(), world.exec.commands());
        assertTrue(world.patroniConfig.applied.isEmpty());
    }

    @Test
    void pebbleReady_onTheLeader_whosePeerDataLacksOnePassword_addsOnlyThatOne() {
        world.exec.answer("pebble services", BackupWorld.ok("Service  Startup  Current  Since\npostgresql  enabled  inactive  -\n"));
        Result r = context.run(TestEvent.pebbleReady("postgresql"),
                withPeers(Map.of(PeerKeys.SUPERUSER_PASSWORD, "kept-superuser", PeerKeys.REWIND_PASSWORD, "kept-rewind")));
        Map<String, String> data = appData(r);
        assertEquals("kept-superuser", data.get(PeerKeys.SUPERUSER_PASSWORD));
        assertEquals("kept-rewind", data.get(PeerKeys.REWIND_PASSWORD));
        assertEquals(24, data.get(PeerKeys.REPLICATION_PASSWORD).length());
        assertEquals(1, world.patroniConfig.applied.size());
    }

    // ---- pebble-ready while a restore is in progress (the container started again) -----------------------

    private static final String RESTORE_COMMAND = "pgbackrest --stanza=" + BackupWorld.STANZA
            + " --pg1-path=/var/lib/postgresql/data/pgdata --set=20230101-090000F --type=immediate restore";

    private static State restoring() {
        return withPeers(Map.of(PeerKeys.CLUSTER_INITIALISED, "True", PeerKeys.STANZA, BackupWorld.STANZA,
                PeerKeys.RESTORING_BACKUP, "20230101-090000F", PeerKeys.RESTORE_COMMAND, RESTORE_COMMAND,
                PeerKeys.SUPERUSER_PASSWORD, "s", PeerKeys.REPLICATION_PASSWORD, "r", PeerKeys.REWIND_PASSWORD, "w"))
                .withStored(BackupWorld.said(UnitStatuses.Concern.RESTORE, Status.maintenance("restoring backup")));
    }

    private static final String INACTIVE = "Service  Startup  Current  Since\npostgresql  enabled  inactive  -\n";

    @Test
    void pebbleReady_duringARestoreCutShort_noControlFile_startsTheSameRestoreAgain() {
        world.exec.answer("pebble services", BackupWorld.ok(INACTIVE));
        world.exec.fail("pg_controldata", 1, "pg_controldata: error: could not open file \"/var/lib/postgresql/data/pgdata/global/pg_control\"");
        Result r = context.run(TestEvent.pebbleReady("postgresql"), restoring());
        assertEquals(List.of(new postgresqlk8s.patroni.PatroniConfig.Settings(
                java.util.Optional.of(new postgresqlk8s.pgbackrest.StanzaName(BackupWorld.STANZA)), java.util.Optional.of(RESTORE_COMMAND), true)),
                world.patroniConfig.applied, "the restore stays Patroni's bootstrap");
        assertEquals(1, world.clusterState.deletions, "the cut-short bootstrap's state in Kubernetes goes");
        List<String> verbs = world.exec.verbs();
        assertTrue(verbs.indexOf("pebble start") > verbs.lastIndexOf("rm"), "the data directory is emptied before the start: " + verbs);
        assertEquals(Status.maintenance("restoring backup"), r.unitStatus());
        assertEquals(List.of(), world.pauses, "no wait for a primary: the restore takes its time");
        assertEquals(List.of(), r.state().deferred());
    }

    @Test
    void pebbleReady_duringARestoreStillInRecovery_startsItAgain() {
        world.exec.answer("pebble services", BackupWorld.ok(INACTIVE));
        world.exec.answer("pg_controldata", BackupWorld.ok("Database system identifier:           7301234567890123456\n"
                + "Database cluster state:               in archive recovery\n"));
        context.run(TestEvent.pebbleReady("postgresql"), restoring());
        assertEquals(1, world.clusterState.deletions);
    }

    @Test
    void pebbleReady_duringARestoreWithItsRecoverySignalLeft_startsItAgain() {
        world.exec.answer("pebble services", BackupWorld.ok(INACTIVE));
        world.exec.answer("pg_controldata", BackupWorld.ok("Database cluster state:               in production\n"));
        world.exec.answer("find", BackupWorld.ok("/var/lib/postgresql/data/pgdata/recovery.signal\n"));
        context.run(TestEvent.pebbleReady("postgresql"), restoring());
        assertEquals(1, world.clusterState.deletions);
    }

    @Test
    void pebbleReady_afterTheRestoredDatabaseWasPromoted_startsItAsUsual_keepingItsWrites() {
        world.exec.answer("pebble services", BackupWorld.ok(INACTIVE));
        world.exec.answer("pg_controldata", BackupWorld.ok("Database cluster state:               in production\n"));
        world.patroni.member = FakePatroni.primary(2);
        Result r = context.run(TestEvent.pebbleReady("postgresql"), restoring());
        assertEquals(0, world.clusterState.deletions, "nothing deleted: the restored database took writes since");
        assertFalse(world.exec.verbs().contains("rm"), world.exec.verbs().toString());
        assertEquals(java.util.Optional.empty(), world.patroniConfig.last().restoreCommand());
        assertTrue(world.exec.verbs().contains("pebble start"));
        assertTrue(appData(r).containsKey(PeerKeys.RESTORING_BACKUP), "update-status still ends the restore");
    }

    @Test
    void pebbleReady_onANonLeader_duringARestore_startsAsUsual() {
        world.exec.answer("pebble services", BackupWorld.ok(INACTIVE));
        context.run(TestEvent.pebbleReady("postgresql"), restoring().withLeader(false));
        assertEquals(0, world.clusterState.deletions);
        assertFalse(world.exec.verbs().contains("pg_controldata"));
        assertTrue(world.exec.verbs().contains("pebble start"), "got as far as starting: " + world.exec.verbs());
    }
}
