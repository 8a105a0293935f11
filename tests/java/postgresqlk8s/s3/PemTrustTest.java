package postgresqlk8s.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.Test;

/** The relation's CA chain as the only TLS trust. */
class PemTrustTest {

    /** A CA ("Test Root CA") and a server certificate it signed ("s3.test"); valid 2000-2147. */
    static final String CA = """
            -----BEGIN CERTIFICATE-----
            MIIBWTCB/6ADAgECAgkAzBpnWQzA/BEwCgYIKoZIzj0EAwIwFzEVMBMGA1UEAxMM
            VGVzdCBSb290IENBMCAXDTAwMDEwMTIyMzc0NVoYDzIxNDcxMTA2MjIzNzQ1WjAX
            MRUwEwYDVQQDEwxUZXN0IFJvb3QgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC
            AAQXnDE8UWDNCFW2LcqLEob2EsDTtkJdMDjS/V+Ffi36nBqlxBSlTNZWrKTD66wZ
            SiWmRfpu8D+1I1zUZKjZ2kEpozIwMDAdBgNVHQ4EFgQUaLT5u3ne580xc8+ugQ1c
            m2bb1tMwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEA5918sQSV
            91ig6zoYgIlwqC/PJemiuDDaW87lv1FwgjkCIQDxEw2dlzsyBZr94FF0lV+j8yTW
            0HDRere5p0h7ssbOMA==
            -----END CERTIFICATE-----
            """;
    static final String LEAF = """
            -----BEGIN CERTIFICATE-----
            MIIBnDCCAUOgAwIBAgIJAN2MZRH/Dn8cMAoGCCqGSM49BAMCMBcxFTATBgNVBAMT
            DFRlc3QgUm9vdCBDQTAgFw0wMDAxMDEyMjM3NDZaGA8yMTQ3MTEwNjIyMzc0Nlow
            EjEQMA4GA1UEAxMHczMudGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKD3
            s/2mwbfuez+NUiZO+jt+3g5yipoSuw2cX/+VO7OxNVVF4VbpjV+BdiiaoyR40OO7
            jttPHh2Lv4+VSjgvPvGjezB5MB0GA1UdDgQWBBStp43lPTIOtqb/qsDt6jYnpV6W
            BTAOBgNVHQ8BAf8EBAMCB4AwEgYDVR0RBAswCYIHczMudGVzdDAfBgNVHSMEGDAW
            gBRotPm7ed7nzTFzz66BDVybZtvW0zATBgNVHSUEDDAKBggrBgEFBQcDATAKBggq
            hkjOPQQDAgNHADBEAiBzJun6EClSpePSGHNWBMmCpI5L6tlRbuRbQcD5AwZ7dgIg
            FChWsGkLOfTBolKItaGyFr75XIyBRslCMr7MBa0GEn4=
            -----END CERTIFICATE-----
            """;
    /** A self-signed CA that signed neither of the above. */
    static final String OTHER_CA = """
            -----BEGIN CERTIFICATE-----
            MIIBTzCB9qADAgECAghP6kLQVEeI/jAKBggqhkjOPQQDAjATMREwDwYDVQQDEwhP
            dGhlciBDQTAgFw0wMDAxMDEyMjM3NDdaGA8yMTQ3MTEwNjIyMzc0N1owEzERMA8G
            A1UEAxMIT3RoZXIgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAR8jsetceXT
            azT6MtoVUOv4HB74K9BAHYx/kuKVL2P+9a6+sLedHYz8zk5EHLA8Zv3K9QetxdA+
            tQCPQqH87v6lozIwMDAdBgNVHQ4EFgQUr5dT+ueY0Z32XMm0kvurdKPtL5swDwYD
            VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiAaRRaf0s7w4zqxkWivdXIH
            3q2FJdAZMU67ypoo29QfTQIhAPQejypQvkRhsSkQ4xZsDufpgvP+r4gwcVMB24Gx
            rabA
            -----END CERTIFICATE-----
            """;

    private static final String SECRET = "unit/test+secret/Key0123456789abcdefghij";

    @Test
    void certificates_oneEntryHoldingAChainOfTwo_givesBoth_inOrder() {
        List<java.security.cert.Certificate> certs = PemTrust.certificates(List.of(LEAF + CA));
        assertEquals(2, certs.size());
        assertEquals("CN=s3.test", ((X509Certificate) certs.get(0)).getSubjectX500Principal().getName());
        assertEquals("CN=Test Root CA", ((X509Certificate) certs.get(1)).getSubjectX500Principal().getName());
    }

    @Test
    void certificates_twoEntries_giveBoth() {
        assertEquals(2, PemTrust.certificates(List.of(CA, OTHER_CA)).size());
    }

    @Test
    void certificates_garbage_isRefused_withoutEchoingIt() {
        String junk = "-----BEGIN CERTIFICATE-----\nnot-base64-" + SECRET + "\n-----END CERTIFICATE-----\n";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PemTrust.certificates(List.of(CA, junk)));
        assertEquals("tls-ca-chain entry 2 is not a PEM certificate", e.getMessage());
    }

    @Test
    void trustManagers_trustExactlyTheGivenChain() throws Exception {
        X509TrustManager trust = x509(PemTrust.trustManagers(List.of(CA)));
        X509Certificate leaf = (X509Certificate) PemTrust.certificates(List.of(LEAF)).get(0);
        X509Certificate ca = (X509Certificate) PemTrust.certificates(List.of(CA)).get(0);
        X509Certificate other = (X509Certificate) PemTrust.certificates(List.of(OTHER_CA)).get(0);

        trust.checkServerTrusted(new X509Certificate[] {leaf, ca}, "ECDHE_ECDSA");
        trust.checkServerTrusted(new X509Certificate[] {leaf}, "ECDHE_ECDSA");
        assertThrows(CertificateException.class,
                () -> trust.checkServerTrusted(new X509Certificate[] {other}, "ECDHE_ECDSA"));
        assertEquals(1, trust.getAcceptedIssuers().length, "no JDK default CA is added");
    }

    private static X509TrustManager x509(TrustManager[] managers) {
        for (TrustManager m : managers) {
            if (m instanceof X509TrustManager) {
                return (X509TrustManager) m;
            }
        }
        throw new AssertionError("no X509TrustManager");
    }
}
