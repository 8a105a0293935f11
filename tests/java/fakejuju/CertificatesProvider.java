package fakejuju;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A stand-in for the {@code self-signed-certificates} application on a {@code certificates} relation
 * (interface {@code tls-certificates}): a test CA made per run, which signs the CSRs the requirer units
 * list in their unit databags ({@code certificate_signing_requests}: {@code [{"certificate_signing_request":
 * PEM, "ca": false}]}) and answers in its application databag ({@code certificates}: {@code
 * [{"certificate_signing_request", "certificate", "ca", "chain": [certificate, ca]}]}), queueing
 * {@code certificates-relation-changed} on every unit, as the real provider does from its own
 * relation-changed hook. {@link FakeJuju#settle} lets it react whenever the units have settled.
 *
 * <p>Each CSR is answered once, as {@link #answerWith} says at the time; {@link #reissue} answers every
 * current CSR again. A CSR no unit lists any more loses its entry.
 */
public final class CertificatesProvider implements FakeJuju.RemoteApplication {

    /** The application's name, as {@code juju deploy self-signed-certificates} names it. */
    public static final String APP = "self-signed-certificates";
    static final Duration VALIDITY = Duration.ofDays(365);
    /** For reading CSRs' keys by OID (the JDK's providers know EC keys only by name); not installed globally. */
    private static final Provider BC = new BouncyCastleProvider();

    /** How the provider answers a CSR. */
    public enum Answer {
        /** A certificate for the CSR's key, subject and SANs, valid for a year, signed by the test CA. */
        SIGNED,
        /** The CSR's subject and SANs, but a public key that is not the CSR's. */
        WRONG_KEY,
        /** Signed by the test CA, but its validity ended yesterday. */
        EXPIRED,
        /** Signed by another CA, while {@code ca} and {@code chain} name the test CA: the chain does not verify. */
        OTHER_CA,
        /** The whole {@code certificates} value is not JSON. */
        NOT_JSON,
        /** An entry for the CSR whose certificate, CA and chain are not PEM. */
        NOT_PEM
    }

    private final FakeJuju juju;
    private final String relationId;
    private final Authority ca = Authority.create("CN=self-signed-certificates-operator");
    private final Map<String, Map<String, Object>> answered = new LinkedHashMap<>();
    private final AtomicLong serial = new AtomicLong(1);
    private Answer answer = Answer.SIGNED;
    private boolean garbage;

    CertificatesProvider(FakeJuju juju, String relationId) {
        this.juju = juju;
        this.relationId = relationId;
    }

    public String relationId() {
        return relationId;
    }

    /** The test CA's certificate. */
    public X509Certificate ca() {
        return ca.certificate;
    }

    public String caPem() {
        return pem(ca.certificate);
    }

    /** How CSRs answered from now on are answered. */
    public void answerWith(Answer next) {
        this.answer = next;
    }

    /** Answers every CSR the units list again, as {@link #answerWith} now says, and queues relation-changed. */
    public void reissue() {
        answered.clear();
        react();
    }

    /**
     * Signs the CSRs no entry answers yet and drops the entries of CSRs no unit lists; when that changes
     * its databag, writes it and queues certificates-relation-changed on every unit.
     *
     * @return whether it wrote anything
     */
    @Override
    public boolean react() {
        JsonNode relation = juju.modelState().path("relations").path(relationId);
        if (relation.isMissingNode() || relation.path("broken-for").size() > 0) {
            return false;
        }
        Set<String> requested = requested(relation.path("local-units"));
        boolean changed = answered.keySet().retainAll(requested);
        for (String csr : requested) {
            if (!answered.containsKey(csr) && readable(csr)) {
                answered.put(csr, entry(csr));
                garbage = answer == Answer.NOT_JSON;
                changed = true;
            }
        }
        if (changed) {
            String value = garbage ? "{\"certificates\": [not json" : FakeJuju.write(new ArrayList<>(answered.values()));
            juju.setRemoteAppData(relationId, Map.of("certificates", answered.isEmpty() ? "" : value), true);
        }
        return changed;
    }

    /** The CSRs the units list, in unit order; a bag that is not a JSON list of entries lists none. */
    private static Set<String> requested(JsonNode units) {
        Set<String> out = new LinkedHashSet<>();
        units.forEach(bag -> {
            JsonNode list;
            try {
                list = FakeJuju.JSON.readTree(bag.path("certificate_signing_requests").asText("[]"));
            } catch (IOException e) {
                return;
            }
            list.forEach(item -> {
                String csr = item.path("certificate_signing_request").asText("");
                if (!csr.isBlank() && !item.path("ca").asBoolean(false)) {
                    out.add(csr);
                }
            });
        });
        return out;
    }

    /** A CSR that is not PEM, or whose signature does not verify, gets no answer (the real one logs it). */
    private static boolean readable(String csrPem) {
        try {
            parse(csrPem);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private Map<String, Object> entry(String csrPem) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("certificate_signing_request", csrPem);
        if (answer == Answer.NOT_PEM) {
            e.put("certificate", "not a certificate");
            e.put("ca", "not a CA either");
            e.put("chain", List.of("not a certificate", "not a CA either"));
            return e;
        }
        PKCS10CertificationRequest csr = parse(csrPem);
        String certificate = pem(sign(csr));
        e.put("certificate", certificate);
        e.put("ca", caPem());
        e.put("chain", List.of(certificate, caPem()));
        return e;
    }

    private X509Certificate sign(PKCS10CertificationRequest csr) {
        try {
            PublicKey key = answer == Answer.WRONG_KEY ? Authority.keyPair().getPublic()
                    : new JcaPKCS10CertificationRequest(csr).setProvider(BC).getPublicKey();
            Instant now = Instant.now();
            Instant from = answer == Answer.EXPIRED ? now.minus(VALIDITY).minus(Duration.ofDays(1)) : now.minus(Duration.ofMinutes(1));
            Instant until = answer == Answer.EXPIRED ? now.minus(Duration.ofDays(1)) : now.plus(VALIDITY);
            Authority issuer = answer == Answer.OTHER_CA ? Authority.create("CN=another CA") : ca;
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer.certificate,
                    BigInteger.valueOf(serial.incrementAndGet()), Date.from(from), Date.from(until), csr.getSubject(), key);
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(key));
            b.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuer.certificate));
            GeneralNames sans = sans(csr);
            if (sans != null) {
                b.addExtension(Extension.subjectAlternativeName, false, sans);
            }
            return issuer.sign(b);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot sign the CSR", e);
        }
    }

    /** The SANs the CSR asks for (its extension request), or null. */
    static GeneralNames sans(PKCS10CertificationRequest csr) {
        for (var attribute : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            for (ASN1Encodable value : attribute.getAttrValues()) {
                GeneralNames names = GeneralNames.fromExtensions(Extensions.getInstance(value), Extension.subjectAlternativeName);
                if (names != null) {
                    return names;
                }
            }
        }
        return null;
    }

    /** The CSR, its signature checked: a real provider refuses one that does not verify. */
    static PKCS10CertificationRequest parse(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            if (!(parser.readObject() instanceof PKCS10CertificationRequest csr)) {
                throw new IllegalArgumentException("not a PEM CSR");
            }
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(BC).build(csr.getSubjectPublicKeyInfo()))) {
                throw new IllegalArgumentException("the CSR's signature does not verify");
            }
            return csr;
        } catch (IOException | OperatorCreationException | PKCSException e) {
            throw new IllegalArgumentException("cannot read the CSR: " + e.getMessage(), e);
        }
    }

    static String pem(Object value) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A CA: an RSA key and its self-signed certificate, valid for a year. */
    private record Authority(PrivateKey key, X509Certificate certificate) {

        static Authority create(String subject) {
            try {
                KeyPair pair = keyPair();
                X500Name name = new X500Name(subject);
                Instant now = Instant.now();
                X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                        Date.from(now.minus(Duration.ofMinutes(1))), Date.from(now.plus(VALIDITY)), name, pair.getPublic());
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                b.addExtension(Extension.subjectKeyIdentifier, false,
                        new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
                PrivateKey key = pair.getPrivate();
                return new Authority(key, new Authority(key, null).sign(b));
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot make a test CA", e);
            }
        }

        static KeyPair keyPair() throws GeneralSecurityException {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        }

        X509Certificate sign(X509v3CertificateBuilder builder) throws GeneralSecurityException {
            try {
                return new JcaX509CertificateConverter().getCertificate(
                        builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(key)));
            } catch (OperatorCreationException e) {
                throw new GeneralSecurityException(e);
            }
        }
    }
}
