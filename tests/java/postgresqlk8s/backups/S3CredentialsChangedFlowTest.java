package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static postgresqlk8s.backups.BackupWorld.failed;
import static postgresqlk8s.backups.BackupWorld.initialised;
import static postgresqlk8s.backups.BackupWorld.s3Changed;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import jujuops.model.Status;
import jujuops.testing.Result;
import jujuops.testing.State;
import jujuops.testing.TestEvent;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.cluster.UnitStatuses;
import postgresqlk8s.pgbackrest.StanzaName;

/** One test per edge of the s3-credentials-changed flowchart, named after its decision. */
class S3CredentialsChangedFlowTest {

    private final BackupWorld world = new BackupWorld();

    private static String stanza(Result r) {
        return r.state().relationOn(PeerKeys.ENDPOINT).localAppData().getOrDefault(PeerKeys.STANZA, "");
    }

    @Test
    void hasClusterInitialised_no_defersTheEvent_andTouchesNothing() {
        State in = BackupWorld.withPeerData(initialised(), Map.of(), Map.of());
        Result r = world.run(s3Changed(in), in);
        assertEquals(0, r.exitCode());
        assertEquals(1, r.state().deferred().size());
        assertEquals("s3-credentials-changed", r.state().deferred().get(0).eventName());
        assertEquals("BackupFlows.onS3CredentialsChanged", r.state().deferred().get(0).observer());
        assertEquals(List.of(), world.exec.commands());
    }

    @Test
    void hasClusterInitialised_yes_onTheNextDispatch_theDeferredEventGoesOn() {
        State waiting = BackupWorld.withPeerData(initialised(), Map.of(), Map.of());
        Result first = world.run(s3Changed(waiting), waiting);
        State ready = BackupWorld.withPeerData(first.state(), Map.of(PeerKeys.CLUSTER_INITIALISED, "True"), Map.of());
        Result second = world.run(jujuops.testing.TestEvent.hook("update-status"), ready);
        assertEquals(List.of(), second.state().deferred());
        assertEquals(Status.active(), second.unitStatus());
        assertEquals(BackupWorld.STANZA, stanza(second));
    }

    @Test
    void areAllRequiredSettingsProvided_no_returnsWithoutConfiguring() {
        State in = initialised().withRelation(BackupWorld.s3Relation(BackupWorld.dataWith("bucket", "")));
        // s3-integrator gives credentials before the bucket: the event fires, settings are incomplete.
        Result r = world.run(s3Changed(in), in);
        assertEquals(0, r.exitCode());
        assertEquals(List.of(), world.exec.commands());
        assertEquals(Status.active(), r.unitStatus());
        assertEquals(List.of(), r.state().deferred());
    }

    @Test
    void areAllRequiredSettingsProvided_yes_butAnHttpEndpoint_blocksSayingWhy_beforeWritingAnything() {
        State in = initialised().withRelation(BackupWorld.s3Relation(BackupWorld.dataWith("endpoint", "http://minio.example:9000")));
        Result r = world.run(s3Changed(in), in);
        assertEquals(Status.blocked("failed to initialize stanza, check your S3 settings: "
                + "endpoint must be an https URL: pgBackRest speaks S3 over TLS only"), r.unitStatus());
        assertEquals(List.of(), world.exec.commands());
        assertEquals(List.of(), r.state().deferred());
        assertEquals("", stanza(r));
    }

    @Test
    void areAllRequiredSettingsProvided_yes_butAnotherUnusableValue_blocksNamingTheKey() {
        State in = initialised().withRelation(BackupWorld.s3Relation(BackupWorld.dataWith("s3-uri-style", "virtual")));
        Result r = world.run(s3Changed(in), in);
        assertEquals(Status.blocked("failed to initialize stanza, check your S3 settings: s3-uri-style must be 'host' or 'path'"),
                r.unitStatus());
        assertEquals(List.of(), world.exec.commands());
    }

    @Test
    void anUnusableEndpoint_blocksANonLeaderToo_andOnTheLeaderFixedSettingsClearIt() {
        State in = initialised().withLeader(false)
                .withRelation(BackupWorld.s3Relation(BackupWorld.dataWith("endpoint", "https://minio.example/s3")));
        Result r = world.run(s3Changed(in), in);
        assertEquals(Status.blocked("failed to initialize stanza, check your S3 settings: "
                + "endpoint must be a host and port only: pgBackRest takes no path"), r.unitStatus());

        State fixed = r.state().withLeader(true).withRelation(BackupWorld.s3Relation(BackupWorld.dataWith("endpoint", "https://minio.example")));
        Result again = world.run(s3Changed(fixed), fixed);
        assertTrue(world.exec.file("/etc/pgbackrest.conf").contains("repo1-s3-endpoint=minio.example\n"));
        assertEquals(Status.active(), again.unitStatus());
    }

    @Test
    void areAllRequiredSettingsProvided_yes_rendersTheConfig_privateToPostgres() {
        Result r = world.run(s3Changed(initialised()), initialised());
        String conf = world.exec.file("/etc/pgbackrest.conf");
        assertEquals("0600", world.exec.mode("/etc/pgbackrest.conf"));
        assertTrue(world.exec.commands().stream().anyMatch(c -> c.argv().get(0).equals("install")
                && c.argv().containsAll(List.of("-o", "postgres", "-g", "postgres", "/etc/pgbackrest.conf.tmp"))));
        assertTrue(conf.contains("repo1-s3-key=" + BackupWorld.ACCESS_KEY + "\n"), conf);
        assertTrue(conf.contains("repo1-s3-key-secret=" + BackupWorld.SECRET_KEY + "\n"), conf);
        assertTrue(conf.contains("repo1-s3-endpoint=s3.eu-west-1.amazonaws.com\n"), conf);
        assertTrue(conf.contains("repo1-path=/postgresql\n"), conf);
        assertTrue(conf.contains("[" + BackupWorld.STANZA + "]\npg1-path=/var/lib/postgresql/data/pgdata\n"), conf);
        assertEquals(0, r.exitCode());
    }

    @Test
    void updateBackupSettings_makesTheSpoolOnTheDataVolume_andBoundsTheArchiveQueueByItsSize() {
        world.exec.answer("df", BackupWorld.ok("   1B-blocks\n4294967296\n"));
        world.run(s3Changed(initialised()), initialised());
        // after the CPU allowance's one read (grep), the spool, then the volume's size
        List<List<String>> argvs = world.exec.commands().stream().map(c -> c.argv())
                .filter(a -> !a.get(0).equals("grep")).toList();
        assertEquals(List.of("install", "-d", "-m", "0700", "-o", "postgres", "-g", "postgres",
                "/var/lib/postgresql/data/pgbackrest-spool"), argvs.get(0));
        assertEquals(List.of("df", "-B1", "--output=size", "/var/lib/postgresql/data"), argvs.get(1));
        String conf = world.exec.file("/etc/pgbackrest.conf");
        assertTrue(conf.contains("\narchive-async=y\narchive-push-queue-max=1073741824\n"), conf);
    }

    @Test
    void updateBackupSettings_theVolumesSizeUnreadable_boundsTheQueueAtOneGib() {
        world.exec.fail("df", 1, "df: /var/lib/postgresql/data: No such file or directory");
        Result r = world.run(s3Changed(initialised()), initialised());
        assertTrue(world.exec.file("/etc/pgbackrest.conf").contains("\narchive-push-queue-max=1073741824\n"));
        assertEquals(Status.active(), r.unitStatus());
    }

    @Test
    void updateBackupSettings_theSpoolCannotBeMade_blocksSayingWhy() {
        world.exec.answer("install", new postgresqlk8s.workload.ExecResult(1, "", "install: cannot create directory: Read-only file system", false));
        Result r = world.run(s3Changed(initialised()), initialised());
        assertTrue(r.unitStatus().message().startsWith(Messages.STANZA_FAILED
                + ": could not create /var/lib/postgresql/data/pgbackrest-spool: exit 1 install: cannot create directory"),
                r.unitStatus().toString());
        assertTrue(r.unitStatus().is(Status.Kind.BLOCKED));
        assertEquals(null, world.exec.file("/etc/pgbackrest.conf"), "nothing written");
    }

    @Test
    void isLeader_no_configuresButCreatesNoStanza() {
        State in = initialised().withLeader(false);
        Result r = world.run(s3Changed(in), in);
        assertTrue(world.exec.file("/etc/pgbackrest.conf") != null);
        assertFalse(world.exec.verbs().contains("stanza-create"));
        assertEquals(Status.active(), r.unitStatus());
    }

    @Test
    void isLeader_no_aUnitBlockedByEarlierSettings_isActiveOnceGoodOnesAreConfigured() {
        State in = initialised().withLeader(false)
                .withUnitStatus(Status.blocked("failed to initialize stanza, check your S3 settings: endpoint must be an https URL")).withStored(BackupWorld.said(UnitStatuses.Concern.S3, Status.blocked("failed to initialize stanza, check your S3 settings: endpoint must be an https URL")));
        Result r = world.run(s3Changed(in), in);
        assertEquals(Status.active(), r.unitStatus());
        assertFalse(world.exec.verbs().contains("stanza-create"));
    }

    @Test
    void isLeader_no_aUnitBlockedForAnotherReason_staysBlocked() {
        State in = initialised().withLeader(false).withUnitStatus(Status.blocked("fix the storage")).withStored(BackupWorld.said(UnitStatuses.Concern.DATABASE, Status.blocked("fix the storage")));
        Result r = world.run(s3Changed(in), in);
        assertEquals(Status.blocked("fix the storage"), r.unitStatus());
    }

    @Test
    void isUnitBlocked_yes_byAnotherReason_returnsWithoutStanza() {
        State in = initialised().withUnitStatus(Status.blocked("fix the storage")).withStored(BackupWorld.said(UnitStatuses.Concern.DATABASE, Status.blocked("fix the storage")));
        Result r = world.run(s3Changed(in), in);
        assertFalse(world.exec.verbs().contains("stanza-create"));
        assertEquals(Status.blocked("fix the storage"), r.unitStatus());
    }

    @Test
    void isUnitBlocked_byTheS3Settings_newSettingsAreTried_andClearIt() {
        State in = initialised().withUnitStatus(Status.blocked(Messages.STANZA_FAILED + ": ERROR: [039]: HTTP 403")).withStored(BackupWorld.said(UnitStatuses.Concern.S3, Status.blocked(Messages.STANZA_FAILED + ": ERROR: [039]: HTTP 403")));
        Result r = world.run(s3Changed(in), in);
        assertTrue(world.exec.verbs().contains("stanza-create"));
        assertEquals(Status.active(), r.unitStatus());
    }

    @Test
    void couldInitialiseStanza_no_bucketUnusable_blocksWithTheReferenceWordsAlone_andLogsTheReason() {
        world.s3.bucketFails = true;
        Result r = world.run(s3Changed(initialised()), initialised());
        assertEquals(Status.blocked("failed to access/create the bucket, check your S3 settings"), r.unitStatus());
        assertTrue(r.logs().stream().anyMatch(l -> l.contains("HeadBucket pg-backups: 403 Forbidden")), r.logs().toString());
        assertFalse(world.exec.verbs().contains("stanza-create"));
        assertEquals("", stanza(r));
    }

    @Test
    void couldInitialiseStanza_no_repositoryOwnedByAnotherCluster_blocks() {
        world.s3.objects.put("postgresql/model-uuid.txt", "11111111-2222-4333-8444-555555555555");
        Result r = world.run(s3Changed(initialised()), initialised());
        assertEquals(Status.blocked(Messages.ANOTHER_CLUSTER), r.unitStatus());
        assertFalse(world.exec.verbs().contains("stanza-create"));
    }

    @Test
    void couldInitialiseStanza_no_stanzaCreateFails_blocksWithTheHint() {
        world.exec.fail("stanza-create", 39, "P00  ERROR: [039]: HTTP request failed with 403 (Forbidden) for key "
                + BackupWorld.ACCESS_KEY + "\n");
        Result r = world.run(s3Changed(initialised()), initialised());
        assertEquals(Status.blocked(Messages.STANZA_FAILED
                + ": ERROR: [039]: HTTP request failed with 403 (Forbidden) for key ***"), r.unitStatus());
        assertEquals("", stanza(r));
        assertTrue(world.patroniConfig.applied.isEmpty(), "archiving never switched on");
    }

    @Test
    void couldInitialiseStanza_yes_recordsTheStanza_marksTheRepository_andArchivesWithPgBackRest() {
        Result r = world.run(s3Changed(initialised()), initialised());
        assertEquals(BackupWorld.STANZA, stanza(r));
        assertEquals("00000000-0000-4000-8000-000000000000", world.s3.objects.get("postgresql/model-uuid.txt"));
        assertEquals(Optional.of(new StanzaName(BackupWorld.STANZA)), world.patroniConfig.applied.get(0).archiveStanza());
        assertEquals(List.of(Status.maintenance(Messages.INITIALISING_STANZA), Status.maintenance(Messages.CHECKING_STANZA),
                Status.active()), r.statusHistory());
    }

    @Test
    void isWalArchivingToS3Working_no_afterRetries_blocks_andForgetsTheStanza() {
        world.exec.fail("check", 82, "ERROR: [082]: WAL segment 000000010000000000000001 was not archived before the 60000ms timeout");
        Result r = world.run(s3Changed(initialised()), initialised());
        assertEquals(Status.Kind.BLOCKED, r.unitStatus().kind());
        assertTrue(r.unitStatus().message().startsWith(Messages.STANZA_FAILED + ": ERROR: [082]: WAL segment"), r.unitStatus().message());
        assertTrue(r.unitStatus().message().length() <= Messages.STANZA_FAILED.length() + 2 + 120);
        assertEquals(3, world.exec.verbs().stream().filter("check"::equals).count());
        assertEquals(2, world.pauses.size());
        assertTrue(world.exec.commands().stream().filter(c -> c.argv().contains("check"))
                        .allMatch(c -> c.argv().contains("--archive-timeout=10")),
                "each check's wait for its segment is bounded: three of them stay inside a hook's minute");
        assertEquals("", stanza(r));
        assertEquals(Optional.empty(), world.patroniConfig.last().archiveStanza(), "archiving switched off again");
    }

    @Test
    void isWalArchivingToS3Working_no_theRepositoryDoesNotAnswer_failsOnceWithoutRetrying() {
        world.exec.fail("check", 42, "P00  ERROR: [042]: timeout after 3000ms waiting for read from '127.0.0.1:9000'");
        Result r = world.run(s3Changed(initialised()), initialised());
        assertEquals(Status.blocked(Messages.STANZA_FAILED + ": ERROR: [042]: timeout after 3000ms waiting for read from '127.0.0.1:9000'"),
                r.unitStatus());
        assertEquals(1, world.exec.verbs().stream().filter("check"::equals).count());
        assertEquals(0, world.pauses.size());
        assertEquals("", stanza(r));
    }

    @Test
    void isWalArchivingToS3Working_yes_afterPatroniAppliesArchiveCommand_isActive() {
        world.exec.answer("check", failed(68, "WARN: option 'backup-standby' is enabled but standby is not properly configured\n"
                + "ERROR: [068]: archive_command '/bin/true' must contain pgbackrest"), BackupWorld.ok(""));
        Result r = world.run(s3Changed(initialised()), initialised());
        assertEquals(Status.active(), r.unitStatus());
        assertEquals(2, world.exec.verbs().stream().filter("check"::equals).count());
    }

    @Test
    void isWalArchivingToS3Working_yes_onTheSecondTry_isActive() {
        world.exec.answer("check", failed(82, "ERROR: [082]: not yet"), BackupWorld.ok(""));
        Result r = world.run(s3Changed(initialised()), initialised());
        assertEquals(Status.active(), r.unitStatus());
        assertEquals(BackupWorld.STANZA, stanza(r));
    }

    @Test
    void isTlsDisabledOrSingleUnitCluster_yes_stopsTheTlsServer() {
        Result r = world.run(s3Changed(initialised()), initialised());
        assertTrue(world.exec.verbs().contains("pebble stop"), world.exec.verbs().toString());
        assertFalse(world.exec.verbs().contains("pebble restart"));
        assertEquals(Status.active(), r.unitStatus());
    }

    @Test
    void isReplicaAndTlsServerNotRunningOnPrimary_yes_doesNotStartIt() {
        State in = BackupWorld.withThreeUnits(BackupWorld.withPeerData(initialised(), Map.of(PeerKeys.CLUSTER_INITIALISED, "True"),
                Map.of(PeerKeys.TLS, "enabled")), Map.of(PeerKeys.TLS, "enabled"));
        world.patroni.member = FakePatroni.replica();
        world.exec.fail("server-ping", 1, "ERROR: [103]: unable to connect");
        Result r = world.run(s3Changed(in), in);
        assertTrue(world.exec.verbs().contains("server-ping"), world.exec.verbs() + " " + r.logs() + r.unitStatus());
        assertFalse(world.exec.verbs().contains("pebble restart"));
        assertFalse(world.exec.verbs().contains("pebble stop"));
    }

    @Test
    void isReplicaAndTlsServerNotRunningOnPrimary_no_startsIt() {
        State in = BackupWorld.withThreeUnits(BackupWorld.withPeerData(initialised(), Map.of(PeerKeys.CLUSTER_INITIALISED, "True"),
                Map.of(PeerKeys.TLS, "enabled")), Map.of(PeerKeys.TLS, "enabled"));
        world.run(s3Changed(in), in);
        assertTrue(world.exec.verbs().contains("pebble restart"), world.exec.verbs().toString());
        assertFalse(world.exec.verbs().contains("server-ping"), "the primary needs no ping");
    }

    @Test
    void updateBackupSettings_withTlsInAThreeUnitCluster_servesThePeers_andTheReplicaLeadersPrimaryServesTheOthers() {
        State in = BackupWorld.withThreeUnits(BackupWorld.withPeerData(initialised(), Map.of(PeerKeys.CLUSTER_INITIALISED, "True"),
                Map.of(PeerKeys.TLS, "enabled")), Map.of(PeerKeys.TLS, "enabled"));
        world.patroni.member = FakePatroni.replica();
        world.patroni.primaryName = "postgresql-k8s-1";
        world.patroni.primaryHost = BackupWorld.PEER_1;
        world.run(s3Changed(in), in);
        String own = world.exec.file("/etc/pgbackrest.conf");
        assertTrue(own.contains("\ntls-server-auth=" + BackupWorld.PEER_1 + "=" + BackupWorld.STANZA + "\n"
                + "tls-server-auth=" + BackupWorld.PEER_2 + "=" + BackupWorld.STANZA + "\n"), own);
        String primarys = world.otherPod("postgresql-k8s-1").exec.file("/etc/pgbackrest.conf");
        assertTrue(primarys.contains("\ntls-server-auth=postgresql-k8s-0.postgresql-k8s-endpoints=" + BackupWorld.STANZA + "\n"
                + "tls-server-auth=" + BackupWorld.PEER_2 + "=" + BackupWorld.STANZA + "\n"), primarys);
        assertTrue(world.exec.commands().stream().anyMatch(c -> c.argv().equals(
                List.of("pgbackrest", "server-ping", "--io-timeout=5", BackupWorld.PEER_1))), world.exec.verbs().toString());
    }

    @Test
    void updateBackupSettings_withoutTls_writesNoTlsSettings() {
        State in = BackupWorld.withThreeUnits(initialised(), Map.of(PeerKeys.TLS, "enabled"));
        world.run(s3Changed(in), in);
        assertFalse(world.exec.file("/etc/pgbackrest.conf").contains("tls-"));
    }

    @Test
    void workloadUnreachable_defersRatherThanLosingTheSettings() {
        world.exec.unreachable();
        Result r = world.run(s3Changed(initialised()), initialised());
        assertEquals(0, r.exitCode());
        assertEquals(1, r.state().deferred().size());
    }

    @Test
    void couldInitialiseStanza_onALeaderThatIsAReplica_makesAndChecksTheStanzaInThePrimarysPod() {
        world.patroni.member = FakePatroni.replica();
        world.patroni.primaryName = "postgresql-k8s-2";
        BackupWorld primary = world.otherPod("postgresql-k8s-2");
        Result r = world.run(s3Changed(initialised()), initialised());
        assertEquals(Status.active(), r.unitStatus());
        assertEquals(BackupWorld.STANZA, stanza(r));
        assertEquals(List.of("install", "df", "install", "dd", "mv", "info", "stanza-create", "check"), primary.exec.verbs(),
                "the primary's pgBackRest configured, the repository read, then the stanza made and checked there");
        assertTrue(primary.exec.file("/etc/pgbackrest.conf").contains("repo1-s3-key-secret="));
        assertFalse(world.exec.verbs().contains("stanza-create"), world.exec.verbs().toString());
        assertFalse(world.exec.verbs().contains("check"), world.exec.verbs().toString());
        assertEquals(Optional.of(new StanzaName(BackupWorld.STANZA)), primary.patroniConfig.last().archiveStanza());
        assertEquals(Optional.of(new StanzaName(BackupWorld.STANZA)), world.patroniConfig.last().archiveStanza());
    }

    @Test
    void couldInitialiseStanza_onALeaderThatIsThePrimary_staysInItsOwnPod() {
        Result r = world.run(s3Changed(initialised()), initialised());
        assertEquals(Status.active(), r.unitStatus());
        assertTrue(world.exec.verbs().containsAll(List.of("stanza-create", "check")), world.exec.verbs().toString());
        assertFalse(world.touchedOtherPods());
    }

    @Test
    void walArchivingWorking_no_onALeaderThatIsAReplica_switchesArchivingOffOnThePrimaryToo() {
        world.patroni.member = FakePatroni.replica();
        world.patroni.primaryName = "postgresql-k8s-1";
        BackupWorld primary = world.otherPod("postgresql-k8s-1");
        primary.exec.answer("check", failed(82, "ERROR: [082]: WAL segment was not archived"),
                failed(82, "ERROR: [082]: WAL segment was not archived"), failed(82, "ERROR: [082]: WAL segment was not archived"));
        Result r = world.run(s3Changed(initialised()), initialised());
        assertTrue(r.unitStatus().message().startsWith("failed to initialize stanza"), r.unitStatus().toString());
        assertEquals("", stanza(r));
        assertEquals(Optional.empty(), primary.patroniConfig.last().archiveStanza());
        assertEquals(Optional.empty(), world.patroniConfig.last().archiveStanza());
    }

    // ---- the workload container (re)started: pebble-ready -------------------------------------------------

    @Test
    void pebbleReady_withTheS3Settings_writesPgBackRestsConfigurationAgain_andAsksNothingOfS3() {
        jujuops.testing.Result r = world.run(TestEvent.pebbleReady("postgresql"), BackupWorld.withStanza());
        assertTrue(world.exec.file("/etc/pgbackrest.conf").contains("repo1-s3-bucket="), "the container's lost file is back");
        assertEquals("0600", world.exec.mode("/etc/pgbackrest.conf"));
        assertEquals(List.of(), world.s3.requests, "no S3 call: the database may not run yet");
        assertFalse(world.exec.verbs().contains("stanza-create"));
        assertFalse(world.exec.verbs().contains("check"));
        assertEquals(Status.active(), r.unitStatus());
    }

    @Test
    void pebbleReady_withoutTheS3Relation_writesNothing() {
        State in = BackupWorld.withStanza();
        in = in.withoutRelation(in.relationOn("s3-parameters").id());
        world.run(TestEvent.pebbleReady("postgresql"), in);
        assertEquals(null, world.exec.file("/etc/pgbackrest.conf"));
        assertEquals(List.of(), world.exec.commands());
    }

    @Test
    void pebbleReady_workloadUnreachable_defersTheConfiguration_andTheTlsServersStep() {
        world.exec.unreachable();
        jujuops.testing.Result r = world.run(TestEvent.pebbleReady("postgresql"), BackupWorld.withStanza());
        assertEquals(List.of("BackupFlows.onPebbleReady", "BackupFlows.onPebbleReadyTlsServer"),
                r.state().deferred().stream().map(d -> d.observer()).toList());
    }

    /** Backups set up in a three-unit cluster with TLS on every unit, as a container restarted there finds it. */
    private static State tlsClusterWithStanza() {
        return BackupWorld.withThreeUnits(BackupWorld.withPeerData(BackupWorld.withStanza(),
                Map.of(PeerKeys.CLUSTER_INITIALISED, "True", PeerKeys.STANZA, BackupWorld.STANZA),
                Map.of(PeerKeys.TLS, "enabled")), Map.of(PeerKeys.TLS, "enabled"));
    }

    @Test
    void pebbleReady_onThePrimaryOfATlsCluster_startsItsTlsServerAgain() {
        // the layer pebble-ready adds again has the server disabled: without this step it stays down
        jujuops.testing.Result r = world.run(TestEvent.pebbleReady("postgresql"), tlsClusterWithStanza());
        assertTrue(world.exec.file("/etc/pgbackrest.conf").contains("\ntls-server-address="), world.exec.file("/etc/pgbackrest.conf"));
        assertTrue(world.exec.verbs().contains("pebble restart"), world.exec.verbs().toString());
        assertEquals(List.of(), r.state().deferred());
        assertEquals(List.of(), world.s3.requests, "no S3 call");
    }

    @Test
    void pebbleReady_onAReplicaOfATlsCluster_startsItsTlsServerOnceThePrimarysAnswers() {
        world.patroni.member = FakePatroni.replica();
        world.patroni.primaryHost = BackupWorld.PEER_1;
        world.run(TestEvent.pebbleReady("postgresql"), tlsClusterWithStanza());
        assertTrue(world.exec.verbs().contains("server-ping"), world.exec.verbs().toString());
        assertTrue(world.exec.verbs().contains("pebble restart"), world.exec.verbs().toString());
    }

    @Test
    void pebbleReady_onAReplicaWhosePrimarysServerDoesNotAnswer_leavesItsOwnStopped() {
        world.patroni.member = FakePatroni.replica();
        world.patroni.primaryHost = BackupWorld.PEER_1;
        world.exec.fail("server-ping", 1, "ERROR: [103]: unable to connect");
        world.run(TestEvent.pebbleReady("postgresql"), tlsClusterWithStanza());
        assertFalse(world.exec.verbs().contains("pebble restart"), world.exec.verbs().toString());
    }
}
