package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static postgresqlk8s.backups.BackupWorld.ok;
import static postgresqlk8s.backups.BackupWorld.withStanza;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import jujuops.testing.Result;
import jujuops.testing.State;
import jujuops.testing.TestEvent;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.patroni.MemberStatus;
import postgresqlk8s.patroni.PatroniConfig;
import postgresqlk8s.pgbackrest.StanzaName;

/**
 * update-status after a replica's backup whose charm process was killed between "Block new connections"
 * and "Allow new connections": Patroni still runs the member with connections refused, and the hook
 * allows them again unless a backup still runs or a restore is in progress.
 */
class ConnectionsHealTest {

    private static final Optional<StanzaName> STANZA = Optional.of(new StanzaName(BackupWorld.STANZA));
    /** A replica Patroni runs with the configuration a backup writes: noloadbalance set. */
    private static final MemberStatus CLOSED_REPLICA = new MemberStatus("replica", "streaming", 1, true);

    private final BackupWorld world = new BackupWorld();

    private static State replicaOfATlsCluster() {
        return BackupWorld.withPeerData(withStanza(),
                Map.of(PeerKeys.CLUSTER_INITIALISED, "True", PeerKeys.STANZA, BackupWorld.STANZA),
                Map.of(PeerKeys.TLS, "enabled")).withPlannedUnits(3).withLeader(false);
    }

    private Result updateStatus(State in) {
        return world.run(TestEvent.hook("update-status"), in);
    }

    private static String infoWithBackupLock(boolean held) {
        return BackupWorld.info().replace("\"held\":false", "\"held\":" + held);
    }

    @Test
    void killedMidBackup_theNextUpdateStatus_allowsNewConnectionsAgain() {
        world.patroni.member = CLOSED_REPLICA;
        world.exec.answer("info", ok(infoWithBackupLock(false)));
        Result r = updateStatus(replicaOfATlsCluster());
        assertEquals(List.of(PatroniConfig.Settings.normal(STANZA)), world.patroniConfig.applied);
        assertTrue(world.patroniConfig.last().acceptConnections());
        assertEquals(List.of("info"), world.exec.verbs(), "asked pgBackRest whether a backup still runs");
        assertEquals(0, r.exitCode());
    }

    @Test
    void killedMidBackup_whileItsPgBackRestStillRuns_connectionsStayRefused() {
        world.patroni.member = CLOSED_REPLICA;
        world.exec.answer("info", ok(infoWithBackupLock(true)));
        updateStatus(replicaOfATlsCluster());
        assertEquals(List.of(), world.patroniConfig.applied);
    }

    @Test
    void killedMidBackup_repositoryUnreadable_allowsThemAgainAllTheSame() {
        world.patroni.member = CLOSED_REPLICA;
        world.exec.answer("info", ok(BackupWorld.infoRepoError("[invalid]", "[HostConnectError] unable to connect")));
        updateStatus(replicaOfATlsCluster());
        assertEquals(List.of(PatroniConfig.Settings.normal(STANZA)), world.patroniConfig.applied);
    }

    @Test
    void killedMidBackup_andTheFirstAllowFails_theNextUpdateStatusTriesAgain() {
        world.patroni.member = CLOSED_REPLICA;
        world.patroniConfig.failure = "pod not reachable";
        Result first = updateStatus(replicaOfATlsCluster());
        assertEquals(0, first.exitCode());
        world.patroniConfig.failure = null;
        updateStatus(first.state());
        assertEquals(List.of(PatroniConfig.Settings.normal(STANZA)), world.patroniConfig.applied);
    }

    @Test
    void noPeerRelationYet_patroniNotAsked() {
        world.patroni.member = CLOSED_REPLICA;
        updateStatus(State.empty().withUnitStatus(jujuops.model.Status.active()));
        assertEquals(List.of(), world.patroni.requests);
        assertEquals(List.of(), world.patroniConfig.applied);
    }

    @Test
    void connectionsAccepted_nothingToHeal_pgBackRestNotAsked() {
        world.patroni.member = FakePatroni.replica();
        updateStatus(replicaOfATlsCluster());
        assertEquals(List.of(), world.patroniConfig.applied);
        assertEquals(List.of(), world.exec.commands());
    }

    @Test
    void restoreInProgress_itsRefusedConnectionsAreTheRestores_untouched() {
        world.patroni.member = new MemberStatus("master", "running", 2, true);
        State restoring = BackupWorld.withPeerData(withStanza(), Map.of(PeerKeys.CLUSTER_INITIALISED, "True",
                PeerKeys.STANZA, BackupWorld.STANZA, PeerKeys.RESTORING_BACKUP, "20230101-090000F"), Map.of())
                .withLeader(false);
        updateStatus(restoring);
        assertEquals(List.of(), world.patroniConfig.applied);
    }

    @Test
    void patroniSilent_nothingToTell_nothingDone() {
        world.patroni.member = null;
        Result r = updateStatus(replicaOfATlsCluster());
        assertEquals(List.of(), world.patroniConfig.applied);
        assertEquals(0, r.exitCode());
    }
}
