package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import jujuops.json.Json;
import jujuops.model.Secret;
import jujuops.model.Status;
import jujuops.testing.Context;
import jujuops.testing.RelationState;
import jujuops.testing.Result;
import jujuops.testing.SecretState;
import jujuops.testing.State;
import jujuops.testing.TestEvent;
import postgresqlk8s.cluster.PeerKeys;
import postgresqlk8s.cluster.UnitStatuses;
import postgresqlk8s.tls.SigningRequest;
import postgresqlk8s.tls.SubjectNames;
import postgresqlk8s.tls.TestCa;
import postgresqlk8s.tls.TlsFlow;
import postgresqlk8s.tls.UnitKey;

/**
 * The certificates relation (postgresqlk8s.tls), with the backup flows' scripted fakes and registered
 * as the charm registers it: the TLS flow first, then the backup flows, whose TLS server flow must see
 * the files and the record the TLS flow left.
 */
class TlsFlowTest {

    static final UnitKey KEY = UnitKey.generate();
    static final String KEY_FILE = "/var/lib/postgresql/data/peer_key.pem";
    static final String CERT_FILE = "/var/lib/postgresql/data/peer_cert.pem";
    static final String CA_FILE = "/var/lib/postgresql/data/peer_ca.pem";
    static final RelationState CERTIFICATES = RelationState.of("certificates", 5, "self-signed-certificates");
    static final SecretState KEY_SECRET = SecretState.owned("secret:tlskey0", Secret.Owner.UNIT, "tls-private-key",
            Map.of("private-key", KEY.pem()));
    private static final List<String> STOP_SERVER = List.of("/charm/bin/pebble", "stop", "pgbackrest-server");
    private static final List<String> RESTART_SERVER = List.of("/charm/bin/pebble", "restart", "pgbackrest-server");
    private static final TestCa CA = TestCa.root("self-signed-certificates-operator");

    private final BackupWorld world = new BackupWorld();

    /** The charm's order (PostgresqlCharm.setUp) on the scripted fakes. */
    static Context context(BackupWorld world) {
        return new Context(fw -> {
            TlsFlow.register(fw, world::seams);
            BackupFlows.register(fw, world::seams).observeOnceTheDatabaseStarted();
            UnitStatuses.register(fw);
        }, BackupWorld.CHARM_DIR, BackupWorld.UNIT, BackupWorld.MODEL);
    }

    /** A three-unit cluster with backups set up, this unit the primary, TLS off, the key in its secret. */
    static State cluster(Map<String, String> unitData) {
        return BackupWorld.withThreeUnits(BackupWorld.withPeerData(BackupWorld.withStanza(),
                Map.of(PeerKeys.CLUSTER_INITIALISED, "True", PeerKeys.STANZA, BackupWorld.STANZA), unitData), Map.of())
                .withRelation(CERTIFICATES).withSecret(KEY_SECRET);
    }

    private Result changed(State in) {
        return context(world).run(TestEvent.relation("changed", in.relationOn("certificates")), in);
    }

    /** The CSR this unit wrote to its databag. */
    static String csrOf(State state) {
        Object list = Json.parse(state.relationOn("certificates").localUnitData().get("certificate_signing_requests"));
        return (String) ((Map<?, ?>) ((List<?>) list).get(0)).get("certificate_signing_request");
    }

    /** The provider's answer to this CSR, in its application databag's shape. */
    static State answered(State asked, String cert, String ca, List<String> chain) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("certificate_signing_request", csrOf(asked));
        entry.put("certificate", cert);
        entry.put("ca", ca);
        entry.put("chain", chain);
        Map<String, Object> other = new LinkedHashMap<>(entry);
        other.put("certificate_signing_request", "-----BEGIN CERTIFICATE REQUEST-----\nb3RoZXI=\n-----END CERTIFICATE REQUEST-----");
        return withProviderData(asked, Json.write(List.of(other, entry)));
    }

    static State withProviderData(State asked, String certificates) {
        return asked.withRelation(asked.relationOn("certificates").withRemoteAppData(Map.of("certificates", certificates)));
    }

    /** The first hook: the unit asks. */
    private State asked(State in) {
        return changed(in).state();
    }

    private static Optional<String> tls(Result r) {
        return Optional.ofNullable(r.state().relationOn(PeerKeys.ENDPOINT).localUnitData().get(PeerKeys.TLS));
    }

    private List<String> argv0s() {
        return world.exec.commands().stream().map(c -> c.argv().get(0)).toList();
    }

    @Test
    void providerNotAnsweredYet_writesTheCsrInTheInterfacesShape_logs_andChangesNoStatus() throws Exception {
        Result r = changed(cluster(Map.of()));

        String written = r.state().relationOn("certificates").localUnitData().get("certificate_signing_requests");
        String csr = csrOf(r.state());
        assertEquals("[{\"certificate_signing_request\":" + Json.write(csr) + ",\"ca\":false}]", written);
        SigningRequest request = SigningRequest.parse(csr);
        assertTrue(request.isFor(KEY));
        assertEquals(new SubjectNames("postgresql-k8s-0.postgresql-k8s-endpoints",
                List.of("postgresql-k8s-0.postgresql-k8s-endpoints", "postgresql-k8s-endpoints"), List.of("10.1.0.11")),
                request.names());
        assertEquals(Status.active(), r.unitStatus());
        assertFalse(r.state().stored().containsKey("status.tls"));
        assertEquals(Optional.empty(), tls(r));
        assertTrue(r.logs().stream().anyMatch(l -> l.contains("has not answered yet")), r.logs().toString());
        assertFalse(argv0s().contains("install"), world.exec.commands().toString());
    }

    @Test
    void firstRequest_makesTheKey_andKeepsItInASecretOwnedByTheUnit() throws Exception {
        State in = cluster(Map.of()).withoutSecret(KEY_SECRET.id());
        Result r = changed(in);

        SecretState secret = r.state().secretLabelled("tls-private-key");
        assertEquals(Optional.of(Secret.Owner.UNIT), secret.owner());
        UnitKey made = UnitKey.fromPem(secret.latestContent().get("private-key"));
        assertTrue(SigningRequest.parse(csrOf(r.state())).isFor(made));
    }

    @Test
    void aCsrThatStillFits_isNotWrittenAgain() {
        State asked = asked(cluster(Map.of()));
        Result again = changed(asked);
        assertEquals(csrOf(asked), csrOf(again.state()));
    }

    @Test
    void thePodsAddressChanged_asksAgainWithTheNewOne() {
        State asked = asked(cluster(Map.of()));
        world.pod.address = "10.1.0.99";
        Result r = changed(asked);
        assertEquals(List.of("10.1.0.99"), SigningRequest.parse(csrOf(r.state())).names().ipAddresses());
    }

    @Test
    void podAddressUnknown_defers_andAsksNothing() {
        world.pod.refusal = "pods is forbidden";
        Result r = changed(cluster(Map.of()));
        assertEquals(1, r.state().deferred().size());
        assertNull(r.state().relationOn("certificates").localUnitData().get("certificate_signing_requests"));
    }

    @Test
    void aSignedCertificate_installsCaCertAndKey_0600Postgres_thenRecordsTls_thenTheTlsServerRestarts() {
        State asked = asked(cluster(Map.of()));
        world.exec.commands().clear(); // the first hook stopped the TLS server: TLS was off
        String cert = CA.sign(csrOf(asked));

        Result r = changed(answered(asked, cert, CA.pem(), List.of(CA.pem(), cert)));

        assertEquals(KEY.pem(), world.exec.file(KEY_FILE));
        assertEquals(cert.strip() + "\n", world.exec.file(CERT_FILE));
        assertEquals(CA.pem().strip() + "\n", world.exec.file(CA_FILE));
        for (String file : List.of(KEY_FILE, CERT_FILE, CA_FILE)) {
            assertEquals("0600", world.exec.mode(file));
        }
        assertTrue(world.exec.commands().stream().filter(c -> c.argv().get(0).equals("install"))
                .allMatch(c -> c.argv().containsAll(List.of("-o", "postgres", "-g", "postgres"))));
        assertEquals(Optional.of("enabled"), tls(r));
        assertEquals("active:", r.state().stored().get("status.tls"));
        List<List<String>> argvs = world.exec.commands().stream().map(c -> c.argv()).toList();
        int lastMove = argvs.lastIndexOf(List.of("mv", "-f", CA_FILE + ".tmp", CA_FILE));
        assertTrue(lastMove >= 0 && argvs.indexOf(RESTART_SERVER) > lastMove, argvs.toString());
        assertFalse(argvs.contains(STOP_SERVER), argvs.toString());
    }

    @Test
    void theSameCertificateAgain_writesNothing() {
        State asked = asked(cluster(Map.of()));
        String cert = CA.sign(csrOf(asked));
        State installed = changed(answered(asked, cert, CA.pem(), List.of(cert, CA.pem()))).state();
        int before = world.exec.commands().size();

        changed(installed);

        assertFalse(world.exec.commands().subList(before, world.exec.commands().size()).stream()
                .anyMatch(c -> c.argv().get(0).equals("install")));
    }

    @Test
    void aFreshPod_withoutTheKeyFile_usesTheKeyFromTheSecret() throws Exception {
        State asked = asked(cluster(Map.of()).withoutSecret(KEY_SECRET.id()));
        String keyInSecret = asked.secretLabelled("tls-private-key").latestContent().get("private-key");
        BackupWorld freshPod = new BackupWorld();
        String cert = CA.sign(csrOf(asked));

        State in = answered(asked, cert, CA.pem(), List.of(cert, CA.pem()));
        Result r = context(freshPod).run(TestEvent.relation("changed", in.relationOn("certificates")), in);

        assertEquals(keyInSecret, freshPod.exec.file(KEY_FILE));
        assertEquals(Optional.of("enabled"), tls(r));
        assertEquals(1, r.state().secrets().size());
    }

    // Bad input: refused with the reason, nothing written, nothing recorded, the previous files kept.

    private void assertRefused(State in, String status) {
        Result r = changed(in);
        assertEquals(Status.blocked(status), r.unitStatus());
        assertFalse(argv0s().contains("install") || argv0s().contains("mv") || argv0s().contains("rm"), argv0s().toString());
        assertEquals(in.relationOn(PeerKeys.ENDPOINT).localUnitData().get(PeerKeys.TLS), tls(r).orElse(null));
        assertTrue(r.logs().stream().anyMatch(l -> l.contains(status)), r.logs().toString());
    }

    @Test
    void aCertificateForAnotherKey_isRefused() {
        State asked = asked(cluster(Map.of()));
        String cert = CA.issue(UnitKey.generate().publicKey());
        assertRefused(answered(asked, cert, CA.pem(), List.of(cert)), "TLS certificate refused: it is not for this unit's key");
    }

    @Test
    void anExpiredCertificate_isRefused() {
        State asked = asked(cluster(Map.of()));
        String cert = CA.sign(csrOf(asked), TestCa.NOW.minus(Duration.ofDays(91)), TestCa.NOW.minus(Duration.ofDays(1)));
        assertRefused(answered(asked, cert, CA.pem(), List.of(cert)),
                "TLS certificate refused: it expired at " + TestCa.NOW.minus(Duration.ofDays(1)));
    }

    @Test
    void aNotYetValidCertificate_isRefused() {
        State asked = asked(cluster(Map.of()));
        String cert = CA.sign(csrOf(asked), TestCa.NOW.plus(Duration.ofHours(1)), TestCa.NOW.plus(Duration.ofDays(90)));
        assertRefused(answered(asked, cert, CA.pem(), List.of(cert)),
                "TLS certificate refused: it is not valid before " + TestCa.NOW.plus(Duration.ofHours(1)));
    }

    @Test
    void aChainThatDoesNotVerify_isRefused() {
        State asked = asked(cluster(Map.of()));
        String cert = TestCa.root("impostor").sign(csrOf(asked));
        assertRefused(answered(asked, cert, CA.pem(), List.of(cert, CA.pem())),
                "TLS certificate refused: its chain does not verify up to the CA");
    }

    @Test
    void unparseablePem_isRefused() {
        State asked = asked(cluster(Map.of()));
        assertRefused(answered(asked, "-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----", CA.pem(), List.of()),
                "TLS certificate refused: its certificate, CA or chain is not a PEM X.509 certificate");
    }

    @Test
    void garbageJson_isRefused() {
        State asked = asked(cluster(Map.of()));
        assertRefused(withProviderData(asked, "[{\"certificate\": "), "TLS certificates unreadable: the provider's certificates are not JSON");
    }

    @Test
    void anEntryWithoutItsCertificate_isRefused() {
        State asked = asked(cluster(Map.of()));
        String entry = "[{\"certificate_signing_request\":" + Json.write(csrOf(asked)) + ",\"ca\":\"x\"}]";
        assertRefused(withProviderData(asked, entry), "TLS certificates unreadable: the provider's entry for this unit lacks its certificate or CA");
    }

    @Test
    void aBadCertificate_whileTlsIsOn_keepsTheRecordAndTheFiles() {
        State asked = asked(cluster(Map.of()));
        String cert = CA.sign(csrOf(asked));
        State on = changed(answered(asked, cert, CA.pem(), List.of(cert))).state();
        String certFile = world.exec.file(CERT_FILE);
        world.exec.commands().clear();

        String expired = CA.sign(csrOf(asked), TestCa.NOW.minus(Duration.ofDays(91)), TestCa.NOW.minus(Duration.ofDays(1)));
        Result r = changed(answered(on, expired, CA.pem(), List.of(expired)));

        assertEquals(Optional.of("enabled"), tls(r));
        assertEquals(certFile, world.exec.file(CERT_FILE));
        assertFalse(argv0s().contains("install"), argv0s().toString());
        assertTrue(r.unitStatus().is(Status.Kind.BLOCKED), r.unitStatus().toString());
    }

    @Test
    void aGoodCertificateAfterABadOne_clearsTheBlock() {
        State asked = asked(cluster(Map.of()));
        String expired = CA.sign(csrOf(asked), TestCa.NOW.minus(Duration.ofDays(91)), TestCa.NOW.minus(Duration.ofDays(1)));
        State blocked = changed(answered(asked, expired, CA.pem(), List.of())).state();
        String cert = CA.sign(csrOf(asked));

        Result r = changed(answered(blocked, cert, CA.pem(), List.of()));

        assertEquals(Status.active(), r.unitStatus());
        assertEquals(Optional.of("enabled"), tls(r));
    }

    @Test
    void theFilesCannotBeWritten_blocksTls_andRecordsNothing() {
        State asked = asked(cluster(Map.of()));
        String cert = CA.sign(csrOf(asked));
        world.exec.answer("dd", FakeWorkloadExec.OK, BackupWorld.failed(1, "dd: No space left on device"));

        Result r = changed(answered(asked, cert, CA.pem(), List.of()));

        assertEquals(Status.blocked("could not install the TLS files: could not fill " + CERT_FILE + ".tmp: exit 1 dd: No space left on device"),
                r.unitStatus());
        assertEquals(Optional.empty(), tls(r));
        assertNull(world.exec.file(KEY_FILE));
        assertNull(world.exec.file(KEY_FILE + ".tmp"));
    }

    @Test
    void workloadUnreachable_defers_andRecordsNothing() {
        State asked = asked(cluster(Map.of()));
        String cert = CA.sign(csrOf(asked));
        world.exec.unreachable();

        Result r = changed(answered(asked, cert, CA.pem(), List.of()));

        assertEquals(Optional.empty(), tls(r));
        assertTrue(r.state().deferred().stream().anyMatch(d -> d.observer().equals("TlsFlow.onCertificatesChanged")),
                r.state().deferred().toString());
    }

    @Test
    void relationBroken_removesTheRecordAndTheFiles_keepsTheKeySecret_andTheTlsServerStops() {
        State asked = asked(cluster(Map.of()));
        String cert = CA.sign(csrOf(asked));
        State on = changed(answered(asked, cert, CA.pem(), List.of())).state();
        world.exec.commands().clear();

        Result r = context(world).run(TestEvent.relation("broken", on.relationOn("certificates")), on);

        assertEquals(Optional.empty(), tls(r));
        for (String file : List.of(KEY_FILE, CERT_FILE, CA_FILE)) {
            assertNull(world.exec.file(file), file);
        }
        List<List<String>> argvs = world.exec.commands().stream().map(c -> c.argv()).toList();
        assertEquals(List.of("rm", "-f", "--", CA_FILE, CERT_FILE, KEY_FILE), argvs.get(0));
        assertTrue(argvs.indexOf(STOP_SERVER) > 0, argvs.toString());
        assertFalse(r.state().stored().containsKey("status.tls"));
        assertEquals(KEY.pem(), r.state().secretLabelled("tls-private-key").latestContent().get("private-key"));
    }

    @Test
    void relationBroken_afterARefusal_liftsTheBlock() {
        State asked = asked(cluster(Map.of()));
        State blocked = changed(withProviderData(asked, "garbage")).state();
        assertInstanceOf(String.class, blocked.stored().get("status.tls"));

        Result r = context(world).run(TestEvent.relation("broken", blocked.relationOn("certificates")), blocked);

        assertEquals(Status.active(), r.unitStatus());
    }
}
