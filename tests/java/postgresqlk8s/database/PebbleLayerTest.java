package postgresqlk8s.database;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import jujuops.json.Json;
import postgresqlk8s.workload.WorkloadLayout;

class PebbleLayerTest {

    private static final String PRODUCTION_LAYER = "{"
            + "\"summary\": \"postgresql layer\","
            + "\"description\": \"pebble config layer for postgresql\","
            + "\"services\": {"
            + "  \"postgresql\": {\"override\": \"replace\", \"summary\": \"Patroni running PostgreSQL\","
            + "    \"command\": \"patroni /var/lib/postgresql/data/patroni.yml\", \"startup\": \"enabled\","
            + "    \"user\": \"postgres\", \"group\": \"postgres\"},"
            + "  \"pgbackrest-server\": {\"override\": \"replace\", \"summary\": \"pgBackRest TLS server\","
            + "    \"command\": \"pgbackrest server\", \"startup\": \"disabled\","
            + "    \"user\": \"postgres\", \"group\": \"postgres\"}"
            + "}}";

    @Test
    void layer_runsPatroniWithItsConfig_andTheTlsServerOnlyWhenStarted_bothAsPostgres() {
        assertEquals(Json.parse(PRODUCTION_LAYER), Json.parse(PebbleLayer.render(WorkloadLayout.PRODUCTION)));
    }

    @Test
    void layer_isTheSame_whateverThePostgresqlVersionAndListenAddress() {
        WorkloadLayout local = new WorkloadLayout("16", WorkloadLayout.Listen.POD_ADDRESS);

        assertEquals(Json.parse(PRODUCTION_LAYER), Json.parse(PebbleLayer.render(local)));
    }

    @Test
    void label_staysPostgresql_soAnUpgradeCombinesIntoTheSameLayer() {
        assertEquals("postgresql", PebbleLayer.LABEL);
    }
}
