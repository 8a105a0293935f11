package postgresqlk8s.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;

import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

class SigningRequestTest {

    private static final UnitKey KEY = UnitKeyTest.KEY;
    private static final SubjectNames NAMES = SubjectNames.ofUnit("postgresql-k8s-0", "postgresql-k8s", "10.1.0.11");

    @Test
    void ofUnit_namesThePodInTheHeadlessService_theServiceItself_andThePodAddress() {
        assertEquals("postgresql-k8s-0.postgresql-k8s-endpoints", NAMES.commonName());
        assertEquals(List.of("postgresql-k8s-0.postgresql-k8s-endpoints", "postgresql-k8s-endpoints"), NAMES.dnsNames());
        assertEquals(List.of("10.1.0.11"), NAMES.ipAddresses());
    }

    @Test
    void ofUnit_aHostTooLongForACommonName_usesThePodName() {
        String app = "a".repeat(40);
        SubjectNames long_ = SubjectNames.ofUnit(app + "-0", app, "10.1.0.11");
        assertEquals(app + "-0", long_.commonName());
        assertEquals(app + "-0." + app + "-endpoints", long_.dnsNames().get(0));
    }

    @Test
    void create_asksForTheNames_withTheKeysPublicHalf_signedByTheKey() throws Exception {
        SigningRequest csr = SigningRequest.create(KEY, NAMES);

        assertTrue(csr.pem().startsWith("-----BEGIN CERTIFICATE REQUEST-----\n"), csr.pem());
        SigningRequest back = SigningRequest.parse(csr.pem());
        assertEquals(NAMES, back.names());
        assertTrue(back.isFor(KEY));
        assertTrue(back.isFor(NAMES));
        assertFalse(back.isFor(SubjectNames.ofUnit("postgresql-k8s-0", "postgresql-k8s", "10.1.0.12")));
        PKCS10CertificationRequest raw = new PKCS10CertificationRequest(Base64.getMimeDecoder().decode(
                csr.pem().replace("-----BEGIN CERTIFICATE REQUEST-----", "").replace("-----END CERTIFICATE REQUEST-----", "")));
        assertTrue(raw.isSignatureValid(new JcaContentVerifierProviderBuilder().build(KEY.publicKey())));
        assertEquals("CN=postgresql-k8s-0.postgresql-k8s-endpoints", raw.getSubject().toString());
    }

    @Test
    void create_holdsNoPrivateKey() {
        String csr = SigningRequest.create(KEY, NAMES).pem();
        for (String line : KEY.pem().split("\n")) {
            if (!line.startsWith("-----")) {
                assertFalse(csr.contains(line), "a line of the private key is in the CSR");
            }
        }
    }

    @Test
    void isFor_anotherKey_no() {
        assertFalse(SigningRequest.create(KEY, NAMES).isFor(UnitKey.generate()));
    }

    @Test
    void parse_garbage_isRefused_withoutQuotingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SigningRequest.parse("-----BEGIN CERTIFICATE REQUEST-----\nR0FSQkFHRQ==\n-----END CERTIFICATE REQUEST-----"));
        assertEquals("not a PEM certificate signing request", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SigningRequest.parse("hello"));
    }
}
