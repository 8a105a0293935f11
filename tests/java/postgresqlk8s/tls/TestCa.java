package postgresqlk8s.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * A certificate authority for tests, as the self-signed-certificates provider is one: signs a unit's CSR
 * (its public key and SANs) for a validity window. EC P-256 keys, quick to make.
 */
public final class TestCa {

    /** The tests' "now" (BackupWorld's clock). */
    public static final Instant NOW = Instant.parse("2026-11-25T18:36:13Z");
    private static final AtomicLong SERIAL = new AtomicLong(1000);

    private final KeyPair keys;
    private final X509Certificate certificate;

    private TestCa(KeyPair keys, X509Certificate certificate) {
        this.keys = keys;
        this.certificate = certificate;
    }

    /** A self-signed root valid a year around {@link #NOW}. */
    public static TestCa root(String name) {
        KeyPair keys = ecKeys();
        X500Name subject = new X500Name("CN=" + name);
        return new TestCa(keys, build(new JcaX509v3CertificateBuilder(subject, serial(), Date.from(NOW.minus(Duration.ofDays(30))),
                Date.from(NOW.plus(Duration.ofDays(365))), subject, keys.getPublic()), true, keys));
    }

    /** An intermediate CA signed by this one. */
    public TestCa intermediate(String name) {
        KeyPair sub = ecKeys();
        return new TestCa(sub, build(new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(NOW.minus(Duration.ofDays(30))),
                Date.from(NOW.plus(Duration.ofDays(365))), new X500Name("CN=" + name), sub.getPublic()), true, keys));
    }

    public String pem() {
        return pem(certificate);
    }

    /** Signs the CSR (its key, subject and SANs), valid from a day before {@link #NOW} for 90 days. */
    public String sign(String csrPem) {
        return sign(csrPem, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90)));
    }

    public String sign(String csrPem, Instant notBefore, Instant notAfter) {
        try {
            PKCS10CertificationRequest csr = new PKCS10CertificationRequest(Base64.getMimeDecoder().decode(
                    csrPem.strip().replace("-----BEGIN CERTIFICATE REQUEST-----", "").replace("-----END CERTIFICATE REQUEST-----", "")));
            PublicKey key = new JcaPKCS10CertificationRequest(csr).getPublicKey();
            return issue(csr.getSubject(), key, csr, notBefore, notAfter);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A certificate for any public key (e.g. another unit's). */
    public String issue(PublicKey key) {
        return issue(new X500Name("CN=someone-else"), key, null, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90)));
    }

    private String issue(X500Name subject, PublicKey key, PKCS10CertificationRequest csr, Instant notBefore, Instant notAfter) {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(notBefore),
                Date.from(notAfter), subject, key);
        if (csr != null) {
            for (var attribute : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
                Extensions extensions = Extensions.getInstance(attribute.getAttrValues().getObjectAt(0));
                Extension sans = extensions.getExtension(Extension.subjectAlternativeName);
                if (sans != null) {
                    try {
                        builder.addExtension(sans);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return pem(build(builder, false, keys));
    }

    private static X509Certificate build(X509v3CertificateBuilder builder, boolean ca, KeyPair signer) {
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        } catch (IOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ecKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    static String pem(X509Certificate cert) {
        try {
            return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(cert.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
