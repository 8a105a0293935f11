package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static postgresqlk8s.backups.BackupWorld.withStanza;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jujuops.testing.RelationState;
import jujuops.testing.Result;
import jujuops.testing.State;
import jujuops.testing.TestEvent;
import postgresqlk8s.cluster.PeerKeys;

/**
 * certificates-relation-changed/-broken: the S3-credentials flowchart from "Is TLS disabled or single
 * unit cluster" on, only once backups are set up (a stanza and complete S3 settings).
 */
class TlsServerFlowTest {

    private static final RelationState CERTIFICATES = RelationState.of("certificates", 5, "self-signed-certificates");
    private static final List<String> STOP_SERVER = List.of("/charm/bin/pebble", "stop", "pgbackrest-server");
    private static final List<String> RESTART_SERVER = List.of("/charm/bin/pebble", "restart", "pgbackrest-server");

    private final BackupWorld world = new BackupWorld();

    private static State withCertificates(State s) {
        return s.withRelation(CERTIFICATES);
    }

    private static State tlsCluster() {
        return withCertificates(BackupWorld.withPeerData(withStanza(),
                Map.of(PeerKeys.CLUSTER_INITIALISED, "True", PeerKeys.STANZA, BackupWorld.STANZA),
                Map.of(PeerKeys.TLS, "enabled")).withPlannedUnits(3));
    }

    private Result changed(State in) {
        return world.run(TestEvent.relation("changed", CERTIFICATES), in);
    }

    private List<List<String>> argvs() {
        return world.exec.commands().stream().map(c -> c.argv()).toList();
    }

    @Test
    void noStanzaYet_doesNothing() {
        Result r = changed(withCertificates(BackupWorld.initialised()));
        assertEquals(List.of(), world.exec.commands());
        assertEquals(0, world.seamsBuilt);
        assertEquals(0, r.exitCode());
    }

    @Test
    void noS3Relation_doesNothing() {
        Result r = changed(withCertificates(withStanza().withoutRelation("s3-parameters:3")));
        assertEquals(List.of(), world.exec.commands());
        assertEquals(0, r.exitCode());
    }

    @Test
    void s3SettingsIncomplete_doesNothing() {
        State in = withCertificates(withStanza().withRelation(BackupWorld.s3Relation(BackupWorld.dataWith("secret-key", ""))));
        changed(in);
        assertEquals(List.of(), world.exec.commands());
    }

    @Test
    void isTlsDisabledOrSingleUnitCluster_yes_tlsDisabled_stopsTheServer() {
        changed(withCertificates(withStanza().withPlannedUnits(3)));
        assertEquals(List.of(STOP_SERVER), argvs());
    }

    @Test
    void isTlsDisabledOrSingleUnitCluster_yes_singleUnit_stopsTheServer() {
        changed(tlsCluster().withPlannedUnits(1));
        assertEquals(List.of(STOP_SERVER), argvs());
        assertEquals(List.of(), world.patroni.requests);
    }

    @Test
    void isReplicaAndTlsServerNotRunningOnPrimary_no_primary_restartsTheServer() {
        changed(tlsCluster());
        assertEquals(List.of(RESTART_SERVER), argvs());
    }

    @Test
    void isReplicaAndTlsServerNotRunningOnPrimary_no_primaryAnswersThePing_restartsTheServer() {
        world.patroni.member = FakePatroni.replica();
        changed(tlsCluster());
        assertEquals(List.of(List.of("pgbackrest", "server-ping", "--tls-server-address=postgresql-k8s-0.postgresql-k8s-endpoints"),
                RESTART_SERVER), argvs());
    }

    @Test
    void isReplicaAndTlsServerNotRunningOnPrimary_yes_pingFails_leavesTheServerAlone() {
        world.patroni.member = FakePatroni.replica();
        world.exec.fail("server-ping", 1, "ERROR: [103]: unable to find a valid TLS server\n");
        Result r = changed(tlsCluster());
        assertTrue(world.exec.verbs().contains("server-ping"));
        assertFalse(world.exec.verbs().contains("pebble restart"));
        assertFalse(world.exec.verbs().contains("pebble stop"));
        assertEquals(List.of(), r.state().deferred());
    }

    @Test
    void isReplicaAndTlsServerNotRunningOnPrimary_yes_noPrimaryKnown_leavesTheServerAlone() {
        world.patroni.member = FakePatroni.replica();
        world.patroni.primaryHost = null;
        changed(tlsCluster());
        assertEquals(List.of(), world.exec.commands());
    }

    @Test
    void certificatesRelationBroken_runsTheSameStep() {
        State in = withCertificates(withStanza());
        Result r = world.run(TestEvent.relation("broken", CERTIFICATES), in);
        assertEquals(List.of(STOP_SERVER), argvs());
        assertEquals(0, r.exitCode());
    }

    @Test
    void workloadUnreachable_defers() {
        world.exec.unreachable();
        Result r = changed(tlsCluster());
        assertEquals(1, r.state().deferred().size());
        assertEquals("BackupFlows.onCertificates", r.state().deferred().get(0).observer());
    }

    @Test
    void pebbleRefuses_logsAndGivesUp_withoutDeferring() {
        world.exec.fail("pebble restart", 1, "error: service \"pgbackrest-server\" not found\n");
        Result r = changed(tlsCluster());
        assertEquals(0, r.exitCode());
        assertEquals(List.of(), r.state().deferred());
        assertTrue(r.logs().stream().anyMatch(l -> l.contains("pgbackrest-server")), r.logs().toString());
    }
}
