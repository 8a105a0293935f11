package fakejuju;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SignatureException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import fakejuju.CertificatesProvider.Answer;
import fakejuju.FakeJuju.Dispatched;
import fakejuju.FakeJuju.Event;

/** The stand-in self-signed-certificates application, answering a unit's CSR on settle, well or badly. */
class CertificatesProviderTest {

    private static final String CERTS = "certificates:6";
    private static final String CHANGED = "certificates-relation-changed";
    private static final GeneralNames SANS = new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.dNSName, "pg-0.pg-endpoints"), new GeneralName(GeneralName.iPAddress, "127.0.0.11")});

    @TempDir
    Path tmp;

    /** Two units of a charm that does nothing, related to the provider, start-up settled. */
    private FakeJuju model() throws IOException {
        Path charm = Files.createDirectories(tmp.resolve("charm"));
        Path dispatch = Files.writeString(charm.resolve("dispatch"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(dispatch, PosixFilePermissions.fromString("rwxr-xr-x"));
        FakeJuju juju = FakeJuju.model(tmp.resolve("model"), "pg", "m1", Map.of());
        juju.addUnit(charm, true);
        juju.addUnit(charm, false);
        return juju;
    }

    /** A CSR for a new P-256 key, CN=pg-0 with {@link #SANS}, in PEM. */
    private static String csr(KeyPair key) throws IOException, OperatorCreationException {
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.subjectAlternativeName, false, SANS);
        return CertificatesProvider.pem(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=pg-0"), key.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    }

    private static KeyPair ecKey() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    /** What a requirer writes in its unit bag. */
    private static void request(Unit unit, String... csrs) {
        List<Map<String, Object>> list = java.util.Arrays.stream(csrs)
                .map(c -> Map.<String, Object>of("certificate_signing_request", c, "ca", false)).toList();
        unit.edit(v -> ((ObjectNode) v.at("/relations/" + CERTS + "/local-unit"))
                .put("certificate_signing_requests", FakeJuju.write(list)));
    }

    private static String answer(FakeJuju juju) {
        return juju.modelState().at("/relations/" + CERTS + "/remote-app-data/certificates").asText();
    }

    private static X509Certificate x509(String pem) throws GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    /** The provider answering pg/0's CSR as told; returns the only entry of its databag. */
    private JsonNode answered(Answer how, KeyPair key, String csr) throws IOException {
        FakeJuju juju = model();
        CertificatesProvider provider = juju.relateCertificates(CERTS);
        provider.answerWith(how);
        assertTrue(juju.settle().settled());
        request(juju.unit("pg/0"), csr);
        assertTrue(juju.settle().settled());
        JsonNode entries = FakeJuju.read(answer(juju));
        assertEquals(1, entries.size(), entries.toString());
        assertEquals(csr, entries.get(0).path("certificate_signing_request").asText());
        return entries.get(0);
    }

    @Test
    void relateCertificates_queuesCreatedJoinedChanged_onEveryUnit_andNoAnswerBeforeACsr() throws IOException {
        FakeJuju juju = model();
        juju.settle();
        juju.relateCertificates(CERTS);
        String remote = CertificatesProvider.APP + "/0";
        assertEquals(List.of(new Event("certificates-relation-created", CERTS, null, null),
                new Event("certificates-relation-joined", CERTS, remote, null), new Event(CHANGED, CERTS, remote, null)),
                juju.unit("pg/1").pending());
        assertEquals(6, juju.settle().dispatched().size());
        assertTrue(juju.modelState().at("/relations/" + CERTS + "/remote-app-data").isEmpty());
    }

    @Test
    void aUnitsCsr_isSignedOnSettle_byTheTestCa_forItsKeySubjectAndSans_andChangedQueuedOnEveryUnit() throws Exception {
        FakeJuju juju = model();
        CertificatesProvider provider = juju.relateCertificates(CERTS);
        juju.settle();
        KeyPair key = ecKey();
        String csr = csr(key);
        request(juju.unit("pg/0"), csr);

        List<Dispatched> dispatched = juju.settle().dispatched();
        assertEquals(List.of("pg/0", "pg/1"), dispatched.stream().map(Dispatched::unit).toList());
        assertEquals(List.of(CHANGED, CHANGED), dispatched.stream().map(d -> d.event().hook()).toList());

        JsonNode entry = FakeJuju.read(answer(juju)).get(0);
        X509Certificate cert = x509(entry.path("certificate").asText());
        cert.verify(provider.ca().getPublicKey());
        cert.checkValidity();
        assertEquals(key.getPublic(), cert.getPublicKey());
        assertEquals("CN=pg-0", cert.getSubjectX500Principal().getName());
        assertEquals(List.of(List.of(GeneralName.dNSName, "pg-0.pg-endpoints"), List.of(GeneralName.iPAddress, "127.0.0.11")),
                cert.getSubjectAlternativeNames().stream().toList());
        long days = Duration.between(Instant.now(), cert.getNotAfter().toInstant()).toDays();
        assertTrue(days >= 364 && days <= 365, Long.toString(days));
        assertEquals(provider.caPem(), entry.path("ca").asText());
        assertEquals(List.of(entry.path("certificate").asText(), provider.caPem()),
                List.of(entry.path("chain").get(0).asText(), entry.path("chain").get(1).asText()));
        assertEquals(-1, cert.getBasicConstraints(), "not a CA");

        assertTrue(juju.settle().dispatched().isEmpty(), "answered once");
    }

    @Test
    void aNewCsr_replacesTheOldOnesEntry() throws Exception {
        FakeJuju juju = model();
        juju.relateCertificates(CERTS);
        String first = csr(ecKey());
        request(juju.unit("pg/0"), first);
        juju.settle();
        String second = csr(ecKey());
        request(juju.unit("pg/0"), second);
        juju.settle();
        JsonNode entries = FakeJuju.read(answer(juju));
        assertEquals(1, entries.size());
        assertEquals(second, entries.get(0).path("certificate_signing_request").asText());
    }

    @Test
    void wrongKey_isSignedByTheCa_forAnotherKey() throws Exception {
        KeyPair key = ecKey();
        X509Certificate cert = x509(answered(Answer.WRONG_KEY, key, csr(key)).path("certificate").asText());
        assertNotEquals(key.getPublic(), cert.getPublicKey());
        assertEquals("CN=pg-0", cert.getSubjectX500Principal().getName());
    }

    @Test
    void expired_endedYesterday() throws Exception {
        KeyPair key = ecKey();
        X509Certificate cert = x509(answered(Answer.EXPIRED, key, csr(key)).path("certificate").asText());
        assertEquals(key.getPublic(), cert.getPublicKey());
        assertThrows(CertificateExpiredException.class, cert::checkValidity);
    }

    @Test
    void otherCa_namesTheTestCa_butDoesNotVerifyAgainstIt() throws Exception {
        KeyPair key = ecKey();
        JsonNode entry = answered(Answer.OTHER_CA, key, csr(key));
        X509Certificate cert = x509(entry.path("certificate").asText());
        X509Certificate named = x509(entry.path("ca").asText());
        assertEquals("CN=self-signed-certificates-operator", named.getSubjectX500Principal().getName());
        assertThrows(SignatureException.class, () -> cert.verify(named.getPublicKey()));
    }

    @Test
    void notPem_answersTheCsr_withTextThatIsNoCertificate() throws Exception {
        KeyPair key = ecKey();
        JsonNode entry = answered(Answer.NOT_PEM, key, csr(key));
        assertFalse(entry.path("certificate").asText().contains("BEGIN"));
        assertFalse(entry.path("ca").asText().contains("BEGIN"));
        assertEquals(2, entry.path("chain").size());
    }

    @Test
    void notJson_writesAValueThatDoesNotParse() throws Exception {
        FakeJuju juju = model();
        juju.relateCertificates(CERTS).answerWith(Answer.NOT_JSON);
        request(juju.unit("pg/1"), csr(ecKey()));
        juju.settle();
        String value = answer(juju);
        assertFalse(value.isEmpty());
        assertThrows(IOException.class, () -> FakeJuju.JSON.readTree(value));
    }

    @Test
    void reissue_answersTheSameCsrAgain_asNowTold() throws Exception {
        FakeJuju juju = model();
        CertificatesProvider provider = juju.relateCertificates(CERTS);
        KeyPair key = ecKey();
        request(juju.unit("pg/0"), csr(key));
        juju.settle();
        provider.answerWith(Answer.EXPIRED);
        provider.reissue();
        assertEquals(List.of(new Event(CHANGED, CERTS, null, null)), juju.unit("pg/0").pending());
        juju.settle();
        X509Certificate cert = x509(FakeJuju.read(answer(juju)).get(0).path("certificate").asText());
        assertThrows(CertificateExpiredException.class, cert::checkValidity);
    }

    @Test
    void garbageCsr_getsNoAnswer_andRemoveRelation_stopsTheProvider() throws Exception {
        FakeJuju juju = model();
        juju.relateCertificates(CERTS);
        request(juju.unit("pg/0"), "-----BEGIN CERTIFICATE REQUEST-----\nnope\n-----END CERTIFICATE REQUEST-----\n");
        assertTrue(juju.settle().settled());
        assertEquals("", answer(juju));

        request(juju.unit("pg/0"), csr(ecKey()));
        juju.removeRelation(CERTS);
        assertTrue(juju.settle().settled());
        assertFalse(juju.modelState().path("relations").has(CERTS));
    }
}
