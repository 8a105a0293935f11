package k8sapi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A key pair made for one stand-in: keytool writes a self-signed certificate for {@code 127.0.0.1}
 * (SAN {@code IP:127.0.0.1}, {@code DNS:localhost}) into a PKCS12 store in a private temporary folder,
 * the password passed through a file (never argv); the store is loaded and the folder deleted. The
 * certificate is its own CA: {@link #caPem()} is what clients trust.
 */
public record SelfSignedTls(SSLContext context, String caPem) {

    private static final String ALIAS = "k8sapi";

    public static SelfSignedTls create() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("k8sapi-tls", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        try {
            char[] password = newPassword();
            Path passFile = Files.writeString(dir.resolve("store.pass"), new String(password) + "\n");
            Path store = dir.resolve("store.p12");
            keytool(dir, "-genkeypair", "-noprompt", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
                    "-validity", "7", "-dname", "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1,DNS:localhost",
                    "-keystore", store.toString(), "-storetype", "PKCS12",
                    "-storepass:file", passFile.toString(), "-keypass:file", passFile.toString());
            return load(store, password);
        } finally {
            deleteTree(dir);
        }
    }

    private static SelfSignedTls load(Path store, char[] password) throws IOException {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return new SelfSignedTls(context, pem(keys.getCertificate(ALIAS)));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load the key pair keytool made: " + e.getMessage(), e);
        }
    }

    private static String pem(Certificate certificate) throws GeneralSecurityException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(certificate.getEncoded());
        return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
    }

    private static void keytool(Path dir, String... args) throws IOException, InterruptedException {
        Path bundled = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> argv = Stream.concat(Stream.of(Files.isExecutable(bundled) ? bundled.toString() : "keytool"),
                Stream.of(args)).toList();
        Path log = dir.resolve("keytool.log");
        Process keytool = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (keytool.waitFor() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + Files.readString(log).strip());
        }
    }

    private static char[] newPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes).toCharArray();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public String toString() {
        return "SelfSignedTls[127.0.0.1]";
    }
}
