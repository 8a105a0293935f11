package k8sapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kubernetes.client.openapi.apis.CoreV1Api;
import postgresqlk8s.kubernetes.KubernetesClients;
import postgresqlk8s.kubernetes.KubernetesWorkloadExec;
import postgresqlk8s.workload.Command;

/** The stand-in over HTTPS, as Patroni in a pod reaches it: a certificate for 127.0.0.1 that its CA file verifies. */
class LocalKubernetesApiTlsTest {

    private static final String NAMESPACE = "ns";
    private static final String POD = "pg-0";

    @TempDir
    static Path dir;
    private static LocalKubernetesApi api;

    @BeforeAll
    static void start() throws Exception {
        api = LocalKubernetesApi.startTls(NAMESPACE, POD);
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    @Test
    void clientJava_withTheHttpsKubeconfig_readsAPod_andExecs() throws Exception {
        Path kubeconfig = api.writeKubeconfig(dir);
        KubernetesClients clients = KubernetesClients.fromKubeconfig(kubeconfig);

        String name = new CoreV1Api(clients.apiClient()).readNamespacedPod(POD, NAMESPACE).execute()
                .getMetadata().getName();
        int exit = new KubernetesWorkloadExec(clients, NAMESPACE, POD, KubernetesWorkloadExec.CONTAINER)
                .run(Command.asRoot(Duration.ofSeconds(5), "sh", "-c", "exit 4")).exitCode();

        assertEquals(POD, name);
        assertEquals(4, exit);
        assertTrue(Files.readString(kubeconfig).contains("server: https://127.0.0.1:" + api.port()));
        assertTrue(Files.readString(kubeconfig).contains("certificate-authority: /"));
    }

    @Test
    void certificate_holds127001InItsSan_andTheCaPemAloneVerifiesIt() throws Exception {
        X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(api.caPem().getBytes(StandardCharsets.US_ASCII)));

        RestCalls.Answer pods = new RestCalls(api, trusting(ca)).get("pods");

        assertEquals(200, pods.code());
        assertTrue(ca.getSubjectAlternativeNames().contains(List.of(7, "127.0.0.1")), ca.toString());
    }

    @Test
    void clientNotTrustingTheCa_isRefused() {
        HttpClient strict = HttpClient.newHttpClient();

        assertThrows(SSLHandshakeException.class, () -> strict.send(
                HttpRequest.newBuilder(URI.create(api.url() + "/api/v1/namespaces/ns/pods")).build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void listensOnlyOn127001() {
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.2", api.port()).close());
        assertFalse(api.url().contains("0.0.0.0"));
    }

    private static SSLContext trusting(X509Certificate ca) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
