package e2e;

import java.util.LinkedHashMap;
import java.util.Map;

import fakejuju.FakeJuju;

/** Reads backup ids and their actions back from the last list-backups result, oldest first. */
final class BackupIds {

    private BackupIds() {}

    /** backup-id -> "action | status" for each row of the table. */
    static Map<String, String> fromList(FakeJuju juju) {
        String table = juju.state().at("/last-action/results/backups").asText("");
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
