package postgresqlk8s.patroni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import jujuops.json.Json;
import org.junit.jupiter.api.Test;

import postgresqlk8s.pgbackrest.StanzaName;
import postgresqlk8s.workload.WorkloadLayout;

/** Patroni's configuration, read back by a YAML parser as Patroni would read it. */
class PatroniYamlTest {

    private static final PatroniYaml.Cluster CLUSTER = new PatroniYaml.Cluster("patroni-postgresql-k8s",
            "postgresql-k8s-1", "postgresql-k8s-1.postgresql-k8s-endpoints", "10.1.0.12", "dev",
            "su\"per:secret", "repl #pass", "rew'ind", false);

    private static JsonNode parse(WorkloadLayout layout, PatroniConfig.Settings settings) throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(PatroniYaml.render(CLUSTER, layout, settings));
    }

    /** Read as YAML 1.1 types plain scalars, as Patroni's PyYAML does: {@code on} and {@code yes} are booleans. */
    private static JsonNode yaml11(String text) throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(text);
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = PatroniYamlTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void normalDocument_meansWhatItAlwaysMeant() throws Exception {
        String rendered = PatroniYaml.render(CLUSTER, WorkloadLayout.PRODUCTION, PatroniConfig.Settings.normal(Optional.empty()));
        assertEquals(yaml11(golden("patroni-normal.yml")), yaml11(rendered));
    }

    @Test
    void restoreDocument_withArchiving_refusingConnections_onAPodAddress_meansWhatItAlwaysMeant() throws Exception {
        PatroniConfig.Settings restore = new PatroniConfig.Settings(Optional.of(new StanzaName("dev.patroni-postgresql-k8s")),
                Optional.of("pgbackrest --stanza=dev.patroni-postgresql-k8s --pg1-path=/var/lib/postgresql/data/pgdata"
                        + " --type=time --target=\"2024-01-02 03:04:05\" restore"), false);
        String rendered = PatroniYaml.render(CLUSTER, new WorkloadLayout("16", WorkloadLayout.Listen.POD_ADDRESS), restore);
        assertEquals(yaml11(golden("patroni-restore.yml")), yaml11(rendered));
    }

    @Test
    void withTls_postgresqlServesTlsWithTheUnitsFiles_readBackAsStringsByYaml11() throws Exception {
        PatroniYaml.Cluster tls = new PatroniYaml.Cluster("patroni-postgresql-k8s", "postgresql-k8s-1",
                "postgresql-k8s-1.postgresql-k8s-endpoints", "10.1.0.12", "dev", "a", "b", "c", true);
        String rendered = PatroniYaml.render(tls, WorkloadLayout.PRODUCTION, PatroniConfig.Settings.normal(Optional.empty()));
        JsonNode parameters = yaml11(rendered).at("/postgresql/parameters");
        assertEquals("on", parameters.at("/ssl").textValue());
        assertEquals("/var/lib/postgresql/data/peer_ca.pem", parameters.at("/ssl_ca_file").textValue());
        assertEquals("/var/lib/postgresql/data/peer_cert.pem", parameters.at("/ssl_cert_file").textValue());
        assertEquals("/var/lib/postgresql/data/peer_key.pem", parameters.at("/ssl_key_file").textValue());
        assertEquals("/tmp", parameters.at("/unix_socket_directories").textValue());
        // the cluster-wide (DCS) parameters stay as they were: TLS is each member's own
        assertTrue(yaml11(rendered).at("/bootstrap/dcs/postgresql/parameters/ssl").isMissingNode());
    }

    @Test
    void withoutTls_sslIsOff_andNoFileIsNamed() throws Exception {
        JsonNode parameters = parse(WorkloadLayout.PRODUCTION, PatroniConfig.Settings.normal(Optional.empty())).at("/postgresql/parameters");
        assertEquals("off", parameters.at("/ssl").textValue());
        assertTrue(parameters.at("/ssl_cert_file").isMissingNode());
        assertTrue(parameters.at("/ssl_key_file").isMissingNode());
        assertTrue(parameters.at("/ssl_ca_file").isMissingNode());
    }

    @Test
    void document_isWrittenAsJson_inWhichEveryStringIsQuoted() {
        String rendered = PatroniYaml.render(CLUSTER, WorkloadLayout.PRODUCTION, PatroniConfig.Settings.normal(Optional.empty()));
        assertEquals("patroni-postgresql-k8s", Json.parseObject(rendered).get("scope"));
        assertTrue(rendered.startsWith("{\"scope\":\"patroni-postgresql-k8s\",\"name\":\"postgresql-k8s-1\","));
    }

    @Test
    void kubernetesDcs_findsMembersByLabel_andPublishesThePodsAddress() throws Exception {
        JsonNode y = parse(WorkloadLayout.PRODUCTION, PatroniConfig.Settings.normal(Optional.empty()));
        // A top-level namespace (an etcd key prefix) would override the Kubernetes namespace.
        assertFalse(y.has("namespace"));
        JsonNode k = y.get("kubernetes");
        assertEquals("dev", k.get("namespace").asText());
        assertTrue(k.get("use_endpoints").asBoolean());
        assertEquals("10.1.0.12", k.get("pod_ip").asText());
        assertEquals("patroni", k.at("/labels/application").asText());
        assertEquals("patroni-postgresql-k8s", k.at("/labels/cluster-name").asText());
        assertEquals("cluster-name", k.get("scope_label").asText());
        assertEquals(5432, k.at("/ports/0/port").asInt());
    }

    @Test
    void production_listensOnAllAddresses_aLocalCluster_onThePodsOwn() throws Exception {
        JsonNode prod = parse(WorkloadLayout.PRODUCTION, PatroniConfig.Settings.normal(Optional.empty()));
        assertEquals("0.0.0.0:8008", prod.at("/restapi/listen").asText());
        assertEquals("0.0.0.0:5432", prod.at("/postgresql/listen").asText());
        assertEquals("postgresql-k8s-1.postgresql-k8s-endpoints:5432", prod.at("/postgresql/connect_address").asText());
        assertEquals("/usr/lib/postgresql/14/bin", prod.at("/postgresql/bin_dir").asText());
        JsonNode local = parse(new WorkloadLayout("15", WorkloadLayout.Listen.POD_ADDRESS), PatroniConfig.Settings.normal(Optional.empty()));
        assertEquals("10.1.0.12:8008", local.at("/restapi/listen").asText());
        assertEquals("10.1.0.12:5432", local.at("/postgresql/listen").asText());
    }

    @Test
    void passwords_survive_quotesAndYamlSyntax() throws Exception {
        JsonNode auth = parse(WorkloadLayout.PRODUCTION, PatroniConfig.Settings.normal(Optional.empty())).at("/postgresql/authentication");
        assertEquals("su\"per:secret", auth.at("/superuser/password").asText());
        assertEquals("repl #pass", auth.at("/replication/password").asText());
        assertEquals("rew'ind", auth.at("/rewind/password").asText());
        assertFalse(CLUSTER.toString().contains("secret"));
    }

    @Test
    void yamlHostilePasswords_areReadBackAsTheStringsTheyWere() throws Exception {
        // YAML 1.1 reads a plain on as a boolean and 0x1F as a number; a raw DEL is refused, a raw NEL a line break.
        PatroniYaml.Cluster hostile = new PatroniYaml.Cluster("patroni-postgresql-k8s", "postgresql-k8s-1",
                "postgresql-k8s-1.postgresql-k8s-endpoints", "10.1.0.12", "dev", "on", "0x1F", "bell\u0007del\u007fnel\u0085end", false);
        String rendered = PatroniYaml.render(hostile, WorkloadLayout.PRODUCTION, PatroniConfig.Settings.normal(Optional.empty()));
        JsonNode auth = yaml11(rendered).at("/postgresql/authentication");
        assertEquals("on", auth.at("/superuser/password").textValue());
        assertEquals("0x1F", auth.at("/replication/password").textValue());
        assertEquals("bell\u0007del\u007fnel\u0085end", auth.at("/rewind/password").textValue());
    }

    @Test
    void archiving_usesTheDefaultConfigFile() throws Exception {
        JsonNode y = parse(WorkloadLayout.PRODUCTION, PatroniConfig.Settings.normal(Optional.of(new StanzaName("dev.patroni-postgresql-k8s"))));
        assertEquals("pgbackrest --stanza=dev.patroni-postgresql-k8s archive-push %p", y.at("/postgresql/parameters/archive_command").asText());
    }
}
