package e2e;

import java.util.LinkedHashMap;
import java.util.Map;

import fakejuju.FakeJuju;

/** Reads backup ids and their actions back from the last list-backups result, oldest first. */
final class BackupIds {

    private BackupIds() {}

    /** backup-id -> "action | status" for each row of the table. */
    static Map<String, String> fromList(FakeJuju juju) {
        return fromList(juju.state().at("/last-action"));
    }

    /** The same from a unit's last action. */
    static Map<String, String> fromList(com.fasterxml.jackson.databind.JsonNode lastAction) {
        String table = lastAction.at("/results/backups").asText("");
        Map<String, String> out = new LinkedHashMap<>();
        boolean rows = false;
        for (String line : table.split("\n")) {
            if (line.startsWith("---")) {
                rows = true;
                continue;
            }
            if (rows && !line.isBlank()) {
                String[] cols = line.split("\\|");
                out.put(cols[0].strip(), cols[1].strip() + " | " + cols[2].strip());
            }
        }
        return out;
    }
}
