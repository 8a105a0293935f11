package postgresqlk8s.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The s3-integrator's application databag as the real provider writes it, and the ways it goes wrong. */
class S3SettingsTest {

    private static final String ACCESS_KEY = IntegratorData.ACCESS_KEY;
    private static final String SECRET_KEY = IntegratorData.SECRET_KEY;
    private static final String PEM_A = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUAAAA\n-----END CERTIFICATE-----";
    private static final String PEM_B = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUBBBB\n-----END CERTIFICATE-----";

    private static Map<String, String> integrator() {
        return IntegratorData.typical();
    }

    private static Map<String, String> with(String key, String value) {
        Map<String, String> d = integrator();
        if (value == null) {
            d.remove(key);
        } else {
            d.put(key, value);
        }
        return d;
    }

    private static S3Parameters complete(Map<String, String> data) {
        S3Settings.Reading r = S3Settings.read(data);
        return assertInstanceOf(S3Settings.Complete.class, r, r.toString()).parameters();
    }

    private static String invalid(Map<String, String> data) {
        S3Settings.Reading r = S3Settings.read(data);
        return assertInstanceOf(S3Settings.Invalid.class, r, r.toString()).reason();
    }

    private static List<String> missing(Map<String, String> data) {
        S3Settings.Reading r = S3Settings.read(data);
        return assertInstanceOf(S3Settings.Missing.class, r, r.toString()).names();
    }

    @Test
    void realIntegratorData_isComplete_andCleanedUp() {
        S3Parameters p = complete(integrator());
        assertEquals("pg-backups", p.bucket());
        assertEquals(ACCESS_KEY, p.accessKey());
        assertEquals(SECRET_KEY, p.secretKey());
        assertEquals(new S3Endpoint("s3.eu-west-1.amazonaws.com", 443, S3Endpoint.UriStyle.PATH), p.endpoint());
        assertEquals("eu-west-1", p.region());
        assertEquals("/postgresql", p.path());
        assertEquals(Optional.empty(), p.storageClass(), "empty string means unset");
        assertEquals(Optional.empty(), p.deleteOlderThanDays());
        assertEquals(List.of(), p.caChain());
    }

    @Test
    void onlyTheRequiredKeys_takeTheReferenceDefaults() {
        S3Parameters p = complete(Map.of("bucket", "b", "access-key", ACCESS_KEY, "secret-key", SECRET_KEY));
        assertEquals(new S3Endpoint("s3.amazonaws.com", 443, S3Endpoint.UriStyle.HOST), p.endpoint());
        assertEquals("/", p.path());
        assertEquals("us-east-1", p.region());
        assertEquals(List.of(), p.caChain());
    }

    @Test
    void theDataKey_isIgnored_evenWhenItSaysSomethingElse() {
        S3Parameters p = complete(with("data", "{\"bucket\": \"elsewhere\", \"path\": \"/other/\", \"access-key\": \"X\"}"));
        assertEquals("pg-backups", p.bucket());
        assertEquals("/postgresql", p.path());
        assertEquals(ACCESS_KEY, p.accessKey());
        assertEquals(complete(integrator()), complete(with("data", "not json at all {")));
    }

    // --- required keys ---------------------------------------------------------------------------

    @Test
    void missingBucket() {
        assertEquals(List.of("bucket"), missing(with("bucket", null)));
    }

    @Test
    void emptySecretKey() {
        assertEquals(List.of("secret-key"), missing(with("secret-key", "")));
    }

    @Test
    void whitespaceOnlyAccessKey() {
        assertEquals(List.of("access-key"), missing(with("access-key", " \t\n")));
    }

    @Test
    void bucketOfSlashesOnly_isNoBucket() {
        assertEquals(List.of("bucket"), missing(with("bucket", "/")));
    }

    @Test
    void severalMissing_inReferenceOrder_printedAsPythonPrintsAList() {
        Map<String, String> d = with("secret-key", "");
        d.remove("bucket");
        d.put("access-key", "  ");
        S3Settings.Missing m = (S3Settings.Missing) S3Settings.read(d);
        assertEquals(List.of("bucket", "access-key", "secret-key"), m.names());
        assertEquals("['bucket', 'access-key', 'secret-key']", m.pythonList());
    }

    @Test
    void nothingAtAll_beforeTheProviderWrites() {
        assertEquals(List.of("bucket", "access-key", "secret-key"), missing(Map.of()));
    }

    // --- cleaning up ---------------------------------------------------------------------------

    @Test
    void valuesAreTrimmed() {
        Map<String, String> d = with("bucket", "  pg-backups \n");
        d.put("access-key", " " + ACCESS_KEY + " ");
        d.put("secret-key", SECRET_KEY + "\n");
        d.put("region", " eu-west-1 ");
        S3Parameters p = complete(d);
        assertEquals("pg-backups", p.bucket());
        assertEquals(ACCESS_KEY, p.accessKey());
        assertEquals(SECRET_KEY, p.secretKey());
        assertEquals("eu-west-1", p.region());
    }

    @Test
    void endpoint_losesTrailingSlashes() {
        assertEquals("https://minio.example:9000", complete(with("endpoint", "https://minio.example:9000//")).endpoint().url());
        assertEquals("https://minio.example", complete(with("endpoint", " https://minio.example/ ")).endpoint().url());
    }

    @Test
    void endpoint_blank_takesTheDefault() {
        assertEquals("https://s3.amazonaws.com", complete(with("endpoint", "  ")).endpoint().url());
        assertEquals("https://s3.amazonaws.com", complete(with("endpoint", null)).endpoint().url());
    }

    @Test
    void endpoint_carriesTheUriStyle() {
        Map<String, String> d = with("endpoint", "10.1.2.3:7480");
        d.put("s3-uri-style", "host");
        assertEquals(new S3Endpoint("10.1.2.3", 7480, S3Endpoint.UriStyle.HOST), complete(d).endpoint());
    }

    @Test
    void endpoint_plainHttp_isInvalid_becausePgBackRestSpeaksS3OverTlsOnly() {
        assertEquals("endpoint must be an https URL: pgBackRest speaks S3 over TLS only",
                invalid(with("endpoint", "http://minio.example:9000")));
    }

    @Test
    void endpoint_withAPath_isInvalid_becausePgBackRestTakesAHostAndPortOnly() {
        assertEquals("endpoint must be a host and port only: pgBackRest takes no path",
                invalid(with("endpoint", "https://minio.example/s3")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://CANARY-5f3a^x", "CANARY 5f3a", "https://CANARY-5f3a:port", "ftp://CANARY-5f3a",
            "https://user:CANARY-5f3a@h/CANARY-5f3a", "https://:9000"})
    void endpoint_unusable_isInvalid_namingTheKey_notTheValue(String endpoint) {
        String reason = invalid(with("endpoint", endpoint));
        assertTrue(reason.startsWith("endpoint "), reason);
        assertFalse(reason.contains("CANARY"), reason);
    }

    @Test
    void path_isSlashPlusThePathStrippedOfSlashes() {
        assertEquals("/a/b", complete(with("path", "/a/b/")).path());
        assertEquals("/a/b", complete(with("path", "a/b")).path());
        assertEquals("/a/b", complete(with("path", "//a/b//")).path());
    }

    @Test
    void path_emptyOrSlashes_isTheRoot() {
        assertEquals("/", complete(with("path", "")).path());
        assertEquals("/", complete(with("path", "/")).path());
        assertEquals("/", complete(with("path", "///")).path());
        assertEquals("/", complete(with("path", null)).path());
    }

    @Test
    void key_isUnderThePath_withoutALeadingSlash() {
        assertEquals("postgresql/backup/s/latest", complete(integrator()).key("backup/s/latest"));
        assertEquals("model-uuid.txt", complete(with("path", "")).key("model-uuid.txt"));
    }

    @Test
    void storageClass_whenGiven() {
        assertEquals(Optional.of("GLACIER"), complete(with("storage-class", "GLACIER")).storageClass());
    }

    // --- s3-uri-style --------------------------------------------------------------------------

    @Test
    void uriStyle_hostOrPath() {
        assertEquals(S3Endpoint.UriStyle.HOST, complete(with("s3-uri-style", "host")).endpoint().uriStyle());
        assertEquals(S3Endpoint.UriStyle.HOST, complete(with("s3-uri-style", "")).endpoint().uriStyle());
        assertEquals(S3Endpoint.UriStyle.PATH, complete(with("s3-uri-style", "path")).endpoint().uriStyle());
        assertFalse(complete(with("s3-uri-style", "")).endpoint().pathStyle());
    }

    @Test
    void uriStyle_virtual_isInvalid() {
        String reason = invalid(with("s3-uri-style", "virtual"));
        assertTrue(reason.contains("s3-uri-style"), reason);
    }

    // --- delete-older-than-days ----------------------------------------------------------------

    @Test
    void deleteOlderThanDays_wholeNumber() {
        assertEquals(Optional.of(30), complete(with("delete-older-than-days", " 30 ")).deleteOlderThanDays());
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "0", "-3", "7.5", "99999999999"})
    void deleteOlderThanDays_notAPositiveWholeNumber_isInvalid(String days) {
        String reason = invalid(with("delete-older-than-days", days));
        assertTrue(reason.contains("delete-older-than-days"), reason);
    }

    // --- tls-ca-chain --------------------------------------------------------------------------

    @Test
    void tlsCaChain_aJsonListOfTwoPems() {
        String json = "[\"" + PEM_A.replace("\n", "\\n") + "\", \"" + PEM_B.replace("\n", "\\n") + "\"]";
        assertEquals(List.of(PEM_A, PEM_B), complete(with("tls-ca-chain", json)).caChain());
    }

    @Test
    void tlsCaChain_aBarePem_isAListOfOne() {
        assertEquals(List.of(PEM_A), complete(with("tls-ca-chain", PEM_A + "\n")).caChain());
    }

    @Test
    void tlsCaChain_emptyList_isNoChain() {
        assertEquals(List.of(), complete(with("tls-ca-chain", "[]")).caChain());
    }

    @ParameterizedTest
    @ValueSource(strings = {"MIIBnotjson-CANARY-5f3a", "{\"CANARY-5f3a\": 1}", "[\"CANARY-5f3a\"]", "\"CANARY-5f3a\"",
            "[\"-----BEGIN CANARY-5f3a", "[1, \"CANARY-5f3a\"]", "null"})
    void tlsCaChain_notAListOfPems_isInvalid_namingTheKey_notTheValue(String value) {
        String reason = invalid(with("tls-ca-chain", value));
        assertTrue(reason.contains("tls-ca-chain"), reason);
        assertFalse(reason.contains("CANARY"), reason);
    }

    // --- S3Parameters --------------------------------------------------------------------------

    @Test
    void parameters_toString_hidesBothKeys() {
        S3Parameters p = complete(integrator());
        String text = p.toString();
        assertFalse(text.contains(ACCESS_KEY), text);
        assertFalse(text.contains(SECRET_KEY), text);
        assertTrue(text.contains("pg-backups"), text);
        String reading = S3Settings.read(integrator()).toString();
        assertFalse(reading.contains(ACCESS_KEY), reading);
        assertFalse(reading.contains(SECRET_KEY), reading);
    }
}
