package postgresqlk8s.backups;

import java.util.List;

import postgresqlk8s.pgbackrest.BackupId;
import postgresqlk8s.pgbackrest.BackupRecord;
import postgresqlk8s.pgbackrest.StanzaName;
import postgresqlk8s.s3.S3Parameters;

/** The list-backups table, character for character as the Python charm prints it. */
public final class BackupList {

    private static final String ROW = "%-20s | %-19s | %-8s | %-20s | %-23s | %-20s | %-20s | %-8s | %s";

    private BackupList() {}

    public static String format(S3Parameters s3, StanzaName stanza, List<BackupRecord> backups) {
        StringBuilder out = new StringBuilder();
        out.append("Storage bucket name: ").append(s3.bucket()).append('\n');
        out.append("Backups base path: ").append(s3.path()).append("/backup/\n\n");
        String header = String.format(ROW, "backup-id", "action", "status", "reference-backup-id", "LSN start/stop",
                "start-time", "finish-time", "timeline", "backup-path");
        out.append(header).append('\n').append("-".repeat(header.length()));
        for (BackupRecord b : backups) {
            out.append('\n').append(String.format(ROW,
                    b.id(),
                    b.type().action(),
                    b.error().map(e -> "failed: " + e).orElse("finished"),
                    b.reference().map(r -> r.id().value()).orElse("None"),
                    b.lsnStart() + " / " + b.lsnStop(),
                    BackupId.ofEpochSecond(b.startEpochSecond()),
                    BackupId.ofEpochSecond(b.stopEpochSecond()),
                    b.timeline(),
                    "/" + stanza + "/" + b.label()));
        }
        return out.toString();
    }
}
