package postgresqlk8s.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class IssuedCertificateTest {

    private static final Instant NOW = TestCa.NOW;
    private static final UnitKey KEY = UnitKeyTest.KEY;
    private static final String CSR = SigningRequest.create(KEY,
            SubjectNames.ofUnit("postgresql-k8s-0", "postgresql-k8s", "10.1.0.11")).pem();
    private static final TestCa CA = TestCa.root("self-signed-certificates-operator");

    private static IssuedCertificate issued(String cert, String ca, List<String> chain) {
        return new IssuedCertificate(CSR, cert, ca, chain);
    }

    private static String refusal(IssuedCertificate.Verdict verdict) {
        return assertInstanceOf(IssuedCertificate.Refused.class, verdict).reason();
    }

    @Test
    void signedForTheKey_validNow_chainToTheCa_isAccepted() {
        String cert = CA.sign(CSR);
        assertInstanceOf(IssuedCertificate.Accepted.class, issued(cert, CA.pem(), List.of(cert, CA.pem())).verify(KEY, NOW));
        assertInstanceOf(IssuedCertificate.Accepted.class, issued(cert, CA.pem(), List.of(CA.pem(), cert)).verify(KEY, NOW));
        assertInstanceOf(IssuedCertificate.Accepted.class, issued(cert, CA.pem(), List.of()).verify(KEY, NOW));
    }

    @Test
    void throughAnIntermediate_inAnyOrder_isAccepted() {
        TestCa intermediate = CA.intermediate("intermediate");
        String cert = intermediate.sign(CSR);
        assertInstanceOf(IssuedCertificate.Accepted.class,
                issued(cert, CA.pem(), List.of(CA.pem(), intermediate.pem(), cert)).verify(KEY, NOW));
        assertInstanceOf(IssuedCertificate.Accepted.class,
                issued(cert, CA.pem(), List.of(cert, intermediate.pem())).verify(KEY, NOW));
    }

    @Test
    void anIntermediateMissing_chainDoesNotVerify() {
        String cert = CA.intermediate("intermediate").sign(CSR);
        assertEquals(IssuedCertificate.CHAIN, refusal(issued(cert, CA.pem(), List.of(cert, CA.pem())).verify(KEY, NOW)));
    }

    @Test
    void forAnotherKey_isRefused() {
        String cert = CA.issue(UnitKey.generate().publicKey());
        assertEquals(IssuedCertificate.OTHER_KEY, refusal(issued(cert, CA.pem(), List.of()).verify(KEY, NOW)));
    }

    @Test
    void expired_isRefused_sayingWhen() {
        String cert = CA.sign(CSR, NOW.minus(Duration.ofDays(100)), NOW.minus(Duration.ofDays(10)));
        assertEquals("it expired at " + NOW.minus(Duration.ofDays(10)),
                refusal(issued(cert, CA.pem(), List.of()).verify(KEY, NOW)));
    }

    @Test
    void notYetValid_isRefused_sayingFromWhen() {
        String cert = CA.sign(CSR, NOW.plus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90)));
        assertEquals("it is not valid before " + NOW.plus(Duration.ofDays(1)),
                refusal(issued(cert, CA.pem(), List.of()).verify(KEY, NOW)));
    }

    @Test
    void signedByAnotherCa_chainDoesNotVerify() {
        TestCa other = TestCa.root("self-signed-certificates-operator");
        String cert = other.sign(CSR);
        assertEquals(IssuedCertificate.CHAIN, refusal(issued(cert, CA.pem(), List.of(cert, CA.pem())).verify(KEY, NOW)));
    }

    @Test
    void unreadablePem_isRefused() {
        String cert = CA.sign(CSR);
        assertEquals(IssuedCertificate.UNREADABLE, refusal(issued("not a certificate", CA.pem(), List.of()).verify(KEY, NOW)));
        assertEquals(IssuedCertificate.UNREADABLE, refusal(issued(cert, "-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----",
                List.of()).verify(KEY, NOW)));
        assertEquals(IssuedCertificate.UNREADABLE, refusal(issued(cert, CA.pem(), List.of("garbage")).verify(KEY, NOW)));
    }
}
