package postgresqlk8s.database;

import java.util.LinkedHashMap;
import java.util.Map;

import jujuops.json.Json;
import postgresqlk8s.workload.WorkloadLayout;

/**
 * The Pebble layer of the workload: {@code postgresql} runs Patroni (which runs PostgreSQL), and
 * {@code pgbackrest-server} the pgBackRest TLS server, started only when TLS is on. Written as JSON,
 * which is YAML to Pebble.
 */
final class PebbleLayer {

    static final String LABEL = "postgresql";

    private PebbleLayer() {}

    static String render(WorkloadLayout layout) {
        Map<String, Object> services = new LinkedHashMap<>();
        services.put("postgresql", service("Patroni running PostgreSQL", "patroni " + layout.patroniConf(), "enabled", layout));
        services.put("pgbackrest-server", service("pgBackRest TLS server", "pgbackrest server", "disabled", layout));
        Map<String, Object> layer = new LinkedHashMap<>();
        layer.put("summary", "postgresql layer");
        layer.put("description", "pebble config layer for postgresql");
        layer.put("services", services);
        return Json.write(layer);
    }

    private static Map<String, Object> service(String summary, String command, String startup, WorkloadLayout layout) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("override", "replace");
        s.put("summary", summary);
        s.put("command", command);
        s.put("startup", startup);
        s.put("user", layout.pgUser());
        s.put("group", layout.pgUser());
        return s;
    }
}
