package postgresqlk8s.pgbackrest;

import java.util.Optional;

/** The backup types of the create-backup action, with pgBackRest's name and the list's wording. */
public enum BackupType {
    FULL("full", "full", "full backup"),
    DIFFERENTIAL("differential", "diff", "differential backup"),
    INCREMENTAL("incremental", "incr", "incremental backup");

    private final String param;
    private final String pgbackrest;
    private final String action;

    BackupType(String param, String pgbackrest, String action) {
        this.param = param;
        this.pgbackrest = pgbackrest;
        this.action = action;
    }

    /** The action parameter value. */
    public String param() {
        return param;
    }

    /** pgBackRest's {@code --type}. */
    public String pgbackrest() {
        return pgbackrest;
    }

    /** The {@code action} column of list-backups. */
    public String action() {
        return action;
    }

    public static Optional<BackupType> fromParam(String value) {
        for (BackupType t : values()) {
            if (t.param.equals(value)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    public static Optional<BackupType> fromPgBackRest(String value) {
        for (BackupType t : values()) {
            if (t.pgbackrest.equals(value)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
