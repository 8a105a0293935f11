package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static postgresqlk8s.backups.BackupWorld.peerAppData;
import static postgresqlk8s.backups.BackupWorld.withStanza;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import jujuops.model.Status;
import jujuops.testing.Result;
import jujuops.testing.State;
import jujuops.testing.TestEvent;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.cluster.UnitStatuses;
import postgresqlk8s.patroni.PatroniConfig;

/** s3-parameters-relation-broken: archiving stops, the stanza is forgotten, S3-caused blocks lift. */
class S3CredentialsGoneFlowTest {

    private final BackupWorld world = new BackupWorld();

    private Result broken(State in) {
        return world.run(TestEvent.relation("broken", in.relationOn("s3-parameters")), in);
    }

    @Test
    void leaderWithAStanza_forgetsIt_andStopsArchiving() {
        Result r = broken(withStanza());
        assertFalse(peerAppData(r).containsKey(PeerKeys.STANZA));
        assertEquals("True", peerAppData(r).get(PeerKeys.CLUSTER_INITIALISED), "other shared facts kept");
        assertEquals(List.of(PatroniConfig.Settings.normal(Optional.empty())), world.patroniConfig.applied);
        assertEquals(Status.active(), r.unitStatus());
        assertEquals(List.of(), r.statusHistory());
        assertEquals(0, r.exitCode());
    }

    @Test
    void leaderWithoutAStanza_changesNothing() {
        Result r = broken(BackupWorld.initialised());
        assertEquals(List.of(), world.patroniConfig.applied);
        assertEquals(List.of(), r.statusHistory());
        assertEquals(List.of(), world.exec.commands());
    }

    @Test
    void notTheLeader_writesNoSharedData() {
        Result r = broken(withStanza().withLeader(false));
        assertEquals(0, r.exitCode());
        assertEquals(BackupWorld.STANZA, peerAppData(r).get(PeerKeys.STANZA));
        assertEquals(List.of(), world.patroniConfig.applied);
        r.calls().forEach(c -> assertFalse(c.startsWith("relation-set") && c.contains("--app"), c));
    }

    @Test
    void blockedByTheStanzaCheck_becomesActive() {
        Result r = broken(withStanza().withUnitStatus(Status.blocked(Messages.STANZA_FAILED + ": ERROR: [039]: HTTP 403")).withStored(BackupWorld.said(UnitStatuses.Concern.S3, Status.blocked(Messages.STANZA_FAILED + ": ERROR: [039]: HTTP 403"))));
        assertEquals(Status.active(), r.unitStatus());
    }

    @Test
    void blockedByTheBucket_becomesActive() {
        Result r = broken(withStanza().withUnitStatus(Status.blocked(Messages.BUCKET_FAILED)).withStored(BackupWorld.said(UnitStatuses.Concern.S3, Status.blocked(Messages.BUCKET_FAILED))));
        assertEquals(Status.active(), r.unitStatus());
    }

    @Test
    void blockedByAnotherClustersRepository_becomesActive_evenOnANonLeader() {
        Result r = broken(withStanza().withLeader(false).withUnitStatus(Status.blocked(Messages.ANOTHER_CLUSTER)).withStored(BackupWorld.said(UnitStatuses.Concern.S3, Status.blocked(Messages.ANOTHER_CLUSTER))));
        assertEquals(Status.active(), r.unitStatus());
    }

    @Test
    void blockedForAnotherReason_staysBlocked() {
        Result r = broken(withStanza().withUnitStatus(Status.blocked("Failed to restore backup")).withStored(BackupWorld.said(UnitStatuses.Concern.RESTORE, Status.blocked("Failed to restore backup"))));
        assertEquals(Status.blocked("Failed to restore backup"), r.unitStatus());
        assertEquals(List.of(), r.statusHistory());
    }

    @Test
    void patroniConfigFails_theStanzaIsStillForgotten() {
        world.patroniConfig.failure = "patroni.yml: permission denied";
        Result r = broken(withStanza());
        assertEquals(0, r.exitCode());
        assertFalse(peerAppData(r).containsKey(PeerKeys.STANZA));
        assertEquals(List.of(), r.state().deferred());
    }
}
