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
import postgresqlk8s.workload.Command;

/**
 * certificates-relation-changed/-broken and database-peers-relation-joined/-departed: once backups are
 * set up (a stanza and complete S3 settings), pgbackrest.conf is written again with the TLS server as it
 * now is, then the S3-credentials flowchart runs from "Is TLS disabled or single unit cluster" on.
 */
class TlsServerFlowTest {

    private static final RelationState CERTIFICATES = RelationState.of("certificates", 5, "self-signed-certificates");
    private static final List<String> STOP_SERVER = List.of("/charm/bin/pebble", "stop", "pgbackrest-server");
    private static final List<String> RESTART_SERVER = List.of("/charm/bin/pebble", "restart", "pgbackrest-server");
    private static final String CONF = "/etc/pgbackrest.conf";
    private static final Map<String, String> TLS_ON = Map.of(PeerKeys.TLS, "enabled");

    private final BackupWorld world = new BackupWorld();

    private static State withCertificates(State s) {
        return s.withRelation(CERTIFICATES);
    }

    private static State tlsPeerData(State s) {
        return BackupWorld.withPeerData(s, Map.of(PeerKeys.CLUSTER_INITIALISED, "True", PeerKeys.STANZA, BackupWorld.STANZA),
                TLS_ON);
    }

    /** Unit 0 of three, each with TLS on, backups set up. */
    private static State tlsCluster() {
        return withCertificates(BackupWorld.withThreeUnits(tlsPeerData(withStanza()), TLS_ON));
    }

    private Result changed(State in) {
        return world.run(TestEvent.relation("changed", CERTIFICATES), in);
    }

    /** The Pebble and pgBackRest commands, without the steps that write files, read the CPUs or size the archive queue. */
    private List<List<String>> argvs() {
        return world.exec.commands().stream().map(Command::argv)
                .filter(a -> !List.of("install", "dd", "mv", "grep", "df").contains(a.get(0))).toList();
    }

    private String conf() {
        return world.exec.file(CONF);
    }

    private void assertTlsFor(String... peers) {
        String conf = conf();
        for (String peer : peers) {
            assertTrue(conf.contains("\ntls-server-auth=" + peer + "=" + BackupWorld.STANZA + "\n"), conf);
        }
        assertEquals(peers.length, conf.split("tls-server-auth=", -1).length - 1, conf);
        assertEquals(peers.length, conf.split("-host-type=tls\n", -1).length - 1, conf);
        assertTrue(conf.contains("\ntls-server-address=*\n"), conf);
    }

    private void assertNoTls() {
        assertFalse(conf().contains("tls-server"), conf());
        assertFalse(conf().contains("pg2-"), conf());
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
    void isTlsDisabledOrSingleUnitCluster_yes_tlsDisabled_rewritesWithoutTls_andStopsTheServer() {
        changed(withCertificates(BackupWorld.withThreeUnits(withStanza(), TLS_ON)));
        assertNoTls();
        assertEquals(List.of(STOP_SERVER), argvs());
    }

    @Test
    void isTlsDisabledOrSingleUnitCluster_yes_singleUnit_rewritesWithoutTls_andStopsTheServer() {
        changed(withCertificates(tlsPeerData(withStanza())).withPlannedUnits(1));
        assertNoTls();
        assertEquals(List.of(STOP_SERVER), argvs());
        assertEquals(List.of(), world.patroni.requests);
    }

    @Test
    void isTlsDisabledOrSingleUnitCluster_yes_morePlannedButNoPeerJoinedYet_stopsTheServer() {
        changed(withCertificates(tlsPeerData(withStanza())).withPlannedUnits(3));
        assertNoTls();
        assertEquals(List.of(STOP_SERVER), argvs());
    }

    @Test
    void isReplicaAndTlsServerNotRunningOnPrimary_no_primary_writesTheTlsConfig_thenRestartsTheServer() {
        changed(tlsCluster());
        assertTlsFor(BackupWorld.PEER_1, BackupWorld.PEER_2);
        assertEquals("0600", world.exec.mode(CONF));
        assertEquals(List.of(RESTART_SERVER), argvs());
        List<String> verbs = world.exec.verbs();
        assertTrue(verbs.indexOf("mv") < verbs.indexOf("pebble restart"), verbs.toString());
    }

    @Test
    void isReplicaAndTlsServerNotRunningOnPrimary_no_primaryAnswersThePing_restartsTheServer() {
        world.patroni.member = FakePatroni.replica();
        changed(tlsCluster());
        assertEquals(List.of(List.of("pgbackrest", "server-ping", "--io-timeout=5", "postgresql-k8s-0.postgresql-k8s-endpoints"),
                RESTART_SERVER), argvs());
    }

    @Test
    void isReplicaAndTlsServerNotRunningOnPrimary_yes_pingFails_leavesTheServerAlone() {
        world.patroni.member = FakePatroni.replica();
        world.exec.fail("server-ping", 49, "ERROR: [049]: unable to connect to 'postgresql-k8s-0.postgresql-k8s-endpoints:8432'\n");
        Result r = changed(tlsCluster());
        assertTrue(world.exec.verbs().contains("server-ping"));
        assertFalse(world.exec.verbs().contains("pebble restart"));
        assertFalse(world.exec.verbs().contains("pebble stop"));
        assertTlsFor(BackupWorld.PEER_1, BackupWorld.PEER_2);
        assertEquals(List.of(), r.state().deferred());
    }

    @Test
    void isReplicaAndTlsServerNotRunningOnPrimary_yes_noPrimaryKnown_leavesTheServerAlone() {
        world.patroni.member = FakePatroni.replica();
        world.patroni.primaryHost = null;
        changed(tlsCluster());
        assertEquals(List.of(), argvs());
    }

    @Test
    void certificatesRelationBroken_tlsGoneFromThePeerData_rewritesWithoutTls_andStopsTheServer() {
        State in = withCertificates(BackupWorld.withThreeUnits(withStanza(), TLS_ON));
        Result r = world.run(TestEvent.relation("broken", CERTIFICATES), in);
        assertNoTls();
        assertEquals(List.of(STOP_SERVER), argvs());
        assertEquals(0, r.exitCode());
    }

    @Test
    void peerJoined_rewritesWithTheNewPeer_andRestartsTheServer() {
        State in = tlsCluster();
        Result r = world.run(TestEvent.relation("joined", in.relationOn(PeerKeys.ENDPOINT)), in);
        assertEquals(0, r.exitCode());
        assertTlsFor(BackupWorld.PEER_1, BackupWorld.PEER_2);
        assertEquals(List.of(RESTART_SERVER), argvs());
    }

    @Test
    void peerDeparted_downToOneUnit_rewritesWithoutTls_andStopsTheServer() {
        State in = tlsPeerData(withStanza()).withPlannedUnits(1);
        Result r = world.run(TestEvent.relation("departed", in.relationOn(PeerKeys.ENDPOINT)), in);
        assertEquals(0, r.exitCode());
        assertNoTls();
        assertEquals(List.of(STOP_SERVER), argvs());
    }

    @Test
    void peerDeparted_twoLeft_servesOnlyTheRemainingPeer() {
        State three = tlsCluster();
        State in = three.withRelation(three.relationOn(PeerKeys.ENDPOINT)
                .withRemoteUnitsData(Map.of("postgresql-k8s/2", TLS_ON))).withPlannedUnits(2);
        world.run(TestEvent.relation("departed", in.relationOn(PeerKeys.ENDPOINT)), in);
        assertTlsFor(BackupWorld.PEER_2);
        assertTrue(conf().contains("\npg2-host=" + BackupWorld.PEER_2 + "\n"), conf());
        assertEquals(List.of(RESTART_SERVER), argvs());
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
