package postgresqlk8s.backups;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import postgresqlk8s.pgbackrest.BackupId;
import postgresqlk8s.pgbackrest.BackupRecord;
import postgresqlk8s.pgbackrest.StanzaName;
import postgresqlk8s.pgbackrest.Timeline;
import postgresqlk8s.s3.S3Parameters;

/** The list-backups table, character for character as the Python charm prints it. */
public final class BackupList {

    private static final String ROW = "%-20s | %-19s | %-8s | %-20s | %-23s | %-20s | %-20s | %-8s | %s";

    private BackupList() {}

    public static String format(S3Parameters s3, StanzaName stanza, List<BackupRecord> backups) {
        return format(s3, stanza, backups, List.of());
    }

    /**
     * The table with a row for each backup and each timeline a restore started (its history file), by
     * first column: a restore's row is named after the time its timeline began, has action
     * {@code restore}, and shows {@code n/a} where a backup's row shows its LSNs, end and path.
     */
    public static String format(S3Parameters s3, StanzaName stanza, List<BackupRecord> backups, List<Timeline> timelines) {
        StringBuilder out = new StringBuilder();
        out.append("Storage bucket name: ").append(s3.bucket()).append('\n');
        out.append("Backups base path: ").append(s3.path()).append("/backup/\n\n");
        String header = String.format(ROW, "backup-id", "action", "status", "reference-backup-id", "LSN start/stop",
                "start-time", "finish-time", "timeline", "backup-path");
        out.append(header).append('\n').append("-".repeat(header.length()));
        List<String[]> rows = new ArrayList<>();
        for (BackupRecord b : backups) {
            rows.add(new String[] {
                    b.id().value(),
                    b.type().action(),
                    b.error().map(e -> "failed: " + e).orElse("finished"),
                    b.reference().map(r -> r.id().value()).orElse("None"),
                    b.lsnStart() + " / " + b.lsnStop(),
                    BackupId.ofEpochSecond(b.startEpochSecond()).value(),
                    BackupId.ofEpochSecond(b.stopEpochSecond()).value(),
                    b.timeline(),
                    "/" + stanza + "/" + b.label()});
        }
        for (Timeline t : timelines) {
            String id = t.asId().value();
            rows.add(new String[] {id, "restore", "finished", "None", "n/a", id, "n/a", t.id(), "n/a"});
        }
        rows.sort(Comparator.comparing(r -> r[0])); // stable: a backup's row first when they share a second
        for (String[] r : rows) {
            out.append('\n').append(String.format(ROW, (Object[]) r));
        }
        return out.toString();
    }
}
