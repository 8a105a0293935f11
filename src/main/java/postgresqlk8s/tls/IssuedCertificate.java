package postgresqlk8s.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * One entry of the provider's {@code certificates} list, as it came (PEM texts), and the checks that must
 * pass before the unit uses it: the certificate is for this unit's key, valid now, and its chain verifies
 * up to the CA the provider gives. Only the JDK's X.509 code is used.
 *
 * @param signingRequest the CSR the provider answers (PEM)
 * @param certificate the unit's certificate (PEM)
 * @param ca the CA certificate (PEM)
 * @param chain the chain, in the provider's order (PEM each; may hold the certificate and the CA)
 */
public record IssuedCertificate(String signingRequest, String certificate, String ca, List<String> chain) {

    public IssuedCertificate {
        chain = List.copyOf(chain);
    }

    /** What the checks say. */
    public sealed interface Verdict permits Accepted, Refused {}

    /** Every check passed: these are the files to use. */
    public record Accepted(IssuedCertificate certificate) implements Verdict {}

    /** A check failed; the reason is for an operator and quotes no key material. */
    public record Refused(String reason) implements Verdict {}

    static final String UNREADABLE = "its certificate, CA or chain is not a PEM X.509 certificate";
    static final String OTHER_KEY = "it is not for this unit's key";
    static final String CHAIN = "its chain does not verify up to the CA";

    /** The checks, in order: readable, for this key, valid at {@code now}, chain up to the CA. */
    public Verdict verify(UnitKey key, Instant now) {
        X509Certificate leaf;
        X509Certificate authority;
        List<X509Certificate> intermediates = new ArrayList<>();
        try {
            leaf = read(certificate);
            authority = read(ca);
            for (String pem : chain) {
                intermediates.add(read(pem));
            }
        } catch (CertificateException | RuntimeException e) {
            return new Refused(UNREADABLE);
        }
        if (!key.matches(leaf.getPublicKey())) {
            return new Refused(OTHER_KEY);
        }
        String validity = validityProblem(leaf, now);
        if (validity != null) {
            return new Refused(validity);
        }
        return chainsToAuthority(leaf, authority, intermediates, now) ? new Accepted(this) : new Refused(CHAIN);
    }

    private static String validityProblem(X509Certificate cert, Instant now) {
        try {
            cert.checkValidity(Date.from(now));
            return null;
        } catch (CertificateExpiredException e) {
            return "it expired at " + cert.getNotAfter().toInstant();
        } catch (CertificateNotYetValidException e) {
            return "it is not valid before " + cert.getNotBefore().toInstant();
        }
    }

    /**
     * Walks from the certificate up through the chain (in any order) to the CA: each step's issuer must be
     * the next one's subject and its signature verify with the next one's key, every certificate on the
     * way valid now. The chain cannot be longer than the certificates given, so the walk ends.
     */
    private static boolean chainsToAuthority(X509Certificate leaf, X509Certificate authority,
            List<X509Certificate> chain, Instant now) {
        X509Certificate current = leaf;
        for (int step = 0; step <= chain.size(); step++) {
            if (signedBy(current, authority)) {
                return validityProblem(authority, now) == null;
            }
            X509Certificate next = null;
            for (X509Certificate candidate : chain) {
                if (!candidate.equals(current) && !candidate.equals(leaf) && signedBy(current, candidate)) {
                    next = candidate;
                    break;
                }
            }
            if (next == null || validityProblem(next, now) != null) {
                return false;
            }
            current = next;
        }
        return false;
    }

    private static boolean signedBy(X509Certificate cert, X509Certificate issuer) {
        if (!cert.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        try {
            cert.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static X509Certificate read(String pem) throws CertificateException {
        if (pem == null || !pem.strip().startsWith("-----BEGIN CERTIFICATE-----")) {
            throw new CertificateException("not a PEM certificate");
        }
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.strip().getBytes(StandardCharsets.US_ASCII)));
    }

    /** True when this entry answers this CSR (PEM texts compared without surrounding white space). */
    boolean answers(String csrPem) {
        return signingRequest != null && signingRequest.strip().equals(csrPem.strip());
    }
}
