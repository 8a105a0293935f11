package postgresqlk8s.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import postgresqlk8s.pgbackrest.PgBackRestConfig;
import postgresqlk8s.pgbackrest.StanzaName;
import postgresqlk8s.workload.WorkloadLayout;
import software.amazon.awssdk.services.s3.S3Client;

/** The SDK client: built from the settings' one endpoint value, kept while the settings stay the same. */
class AwsClientsTest {

    private static S3Parameters read(String endpoint, String uriStyle) {
        Map<String, String> data = IntegratorData.typical();
        data.put("endpoint", endpoint);
        data.put("s3-uri-style", uriStyle);
        S3Settings.Reading r = S3Settings.read(data);
        return assertInstanceOf(S3Settings.Complete.class, r, r.toString()).parameters();
    }

    /** The {@code [global]} lines pgBackRest is given for where S3 is. */
    private static String pgBackRestEndpointLines(S3Parameters s3) {
        String conf = PgBackRestConfig.render(s3, new StanzaName("m.patroni-postgresql-k8s"), WorkloadLayout.PRODUCTION,
                PgBackRestConfig.Tuning.DEFAULT,
                postgresqlk8s.pgbackrest.Archiving.forVolume(java.util.OptionalLong.empty()), java.util.Optional.empty());
        StringBuilder out = new StringBuilder();
        for (String line : conf.split("\n")) {
            if (line.startsWith("repo1-s3-endpoint=") || line.startsWith("repo1-storage-port=")
                    || line.startsWith("repo1-s3-uri-style=")) {
                out.append(line).append(' ');
            }
        }
        return out.toString().strip();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            https://minio.example:9000/ | path | https://minio.example:9000 | https://minio.example:9000/pg-backups/k | repo1-s3-endpoint=minio.example repo1-storage-port=9000 repo1-s3-uri-style=path
            10.1.2.3:7480               | path | https://10.1.2.3:7480      | https://10.1.2.3:7480/pg-backups/k      | repo1-s3-endpoint=10.1.2.3 repo1-storage-port=7480 repo1-s3-uri-style=path
            https://s3.amazonaws.com    | host | https://s3.amazonaws.com   | https://pg-backups.s3.amazonaws.com/k   | repo1-s3-endpoint=s3.amazonaws.com repo1-s3-uri-style=host
            s3.example.com:443          | host | https://s3.example.com     | https://pg-backups.s3.example.com/k     | repo1-s3-endpoint=s3.example.com repo1-s3-uri-style=host
            """)
    void oneReading_givesPgBackRestAndTheSdkClientTheSameEndpoint(String endpoint, String uriStyle, String override,
            String objectUrl, String pgBackRest) {
        S3Parameters s3 = read(endpoint, uriStyle);
        try (S3Client client = AwsClients.build(s3, AwsClients.Limits.DEFAULT)) {
            assertEquals(Optional.of(URI.create(override)), client.serviceClientConfiguration().endpointOverride());
            assertEquals(objectUrl, client.utilities().getUrl(b -> b.bucket("pg-backups").key("k")).toString());
        }
        assertEquals(pgBackRest, pgBackRestEndpointLines(s3));
    }

    @Test
    void theClient_isKeptForTheSameSettings_andRebuiltForOthers() {
        try (AwsClients clients = new AwsClients(AwsClients.Limits.DEFAULT)) {
            S3Parameters first = read("https://minio.example:9000", "path");
            S3Client client = clients.of(first);
            assertSame(client, clients.of(read("https://minio.example:9000/", "path")));
            assertNotSame(client, clients.of(read("https://minio.example:9001", "path")));
        }
    }

    @Test
    void aCaChainThatIsNoCertificate_refusesTheClient_namingTheSetting() {
        S3Parameters s3 = read("https://minio.example", "path");
        S3Parameters bad = new S3Parameters(s3.bucket(), s3.accessKey(), s3.secretKey(), s3.endpoint(), s3.region(),
                s3.path(), s3.storageClass(), s3.deleteOlderThanDays(), List.of("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----"));
        try (AwsClients clients = new AwsClients(AwsClients.Limits.DEFAULT)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> clients.of(bad));
            assertTrue(e.getMessage().startsWith("tls-ca-chain entry 1"), e.getMessage());
        }
    }
}
