package postgresqlk8s.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** TLS trust limited to the relation's CA chain ({@code tls-ca-chain}): no JDK default CA is added. */
final class PemTrust {

    private PemTrust() {}

    /**
     * Trust managers that trust exactly the certificates in {@code pems}; each entry may hold several
     * PEM blocks.
     *
     * @throws IllegalArgumentException when an entry holds no certificate or cannot be read
     */
    static TrustManager[] trustManagers(List<String> pems) {
        try {
            return trustManagerFactory(certificates(pems)).getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot use tls-ca-chain (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * Every certificate in {@code pems}, in order.
     *
     * @throws IllegalArgumentException naming the entry, never echoing it
     */
    static List<Certificate> certificates(List<String> pems) {
        List<Certificate> out = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
        for (int i = 0; i < pems.size(); i++) {
            Collection<? extends Certificate> certs;
            try {
                certs = factory.generateCertificates(
                        new ByteArrayInputStream(pems.get(i).strip().getBytes(StandardCharsets.US_ASCII)));
            } catch (CertificateException e) {
                throw new IllegalArgumentException("tls-ca-chain entry " + (i + 1) + " is not a PEM certificate");
            }
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("tls-ca-chain entry " + (i + 1) + " holds no certificate");
            }
            out.addAll(certs);
        }
        return out;
    }

    private static TrustManagerFactory trustManagerFactory(List<Certificate> certs)
            throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        for (int i = 0; i < certs.size(); i++) {
            store.setCertificateEntry("ca-" + i, certs.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return tmf;
    }
}
