package postgresqlk8s.pgbackrest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import postgresqlk8s.workload.SystemId;

/**
 * The typed content of {@code pgbackrest info --output=json}. The command exits 0 even when the
 * repository is unreachable, so the status codes ({@code status.code}, {@code repo[].status.code}) are
 * what tell success.
 */
public record PgBackRestInfo(List<Stanza> stanzas) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** pgBackRest's stanza status codes that mean "readable". 2 = no valid backups yet. */
    private static final int OK = 0;
    private static final int NO_VALID_BACKUPS = 2;

    public record RepoStatus(int key, int code, String message) {}

    /**
     * @param backupRunning a backup of this stanza holds its lock on this host ({@code status.lock.backup.held}:
     *                      pgBackRest looks in this host's lock path, so another unit's backup does not count)
     * @param systemId      the database system identifier the stanza was made for ({@code db[0].system-id});
     *                      empty when the stanza records no database (an unreadable repository's {@code [invalid]})
     */
    public record Stanza(String name, int code, String message, List<RepoStatus> repos, List<BackupRecord> backups,
                         boolean backupRunning, Optional<SystemId> systemId) {

        /** The name pgBackRest gives the entry when it could not read the repository at all. */
        public static final String INVALID = "[invalid]";

        /** The first repository problem, if the repository could not be read. */
        public Optional<String> problem() {
            for (RepoStatus r : repos) {
                if (r.code() != OK && r.code() != NO_VALID_BACKUPS) {
                    return Optional.of(r.message());
                }
            }
            if (code != OK && code != NO_VALID_BACKUPS) {
                return Optional.of(message);
            }
            return Optional.empty();
        }
    }

    public PgBackRestInfo {
        stanzas = List.copyOf(stanzas);
    }

    public Optional<Stanza> stanza(StanzaName name) {
        return stanzas.stream().filter(s -> s.name().equals(name.value())).findFirst();
    }

    /**
     * @throws InfoFormatException when the text is not the document pgBackRest writes; the message
     *         says what is missing, never the text itself
     */
    public static PgBackRestInfo parse(String text) throws InfoFormatException {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InfoFormatException("pgBackRest info output is not JSON (at line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")");
        }
        if (root == null || !root.isArray()) {
            throw new InfoFormatException("pgBackRest info output is not a JSON list of stanzas");
        }
        List<Stanza> stanzas = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            stanzas.add(stanza(root.get(i), "stanza " + i));
        }
        return new PgBackRestInfo(stanzas);
    }

    private static Stanza stanza(JsonNode node, String where) throws InfoFormatException {
        String name = text(node, "name", where);
        JsonNode status = object(node, "status", where);
        List<RepoStatus> repos = new ArrayList<>();
        JsonNode repoList = node.path("repo");
        for (int i = 0; i < repoList.size(); i++) {
            JsonNode repo = repoList.get(i);
            JsonNode rs = object(repo, "status", where + " repo " + i);
            repos.add(new RepoStatus(repo.path("key").asInt(i + 1), integer(rs, "code", where + " repo " + i),
                    rs.path("message").asText("")));
        }
        List<BackupRecord> backups = new ArrayList<>();
        JsonNode backupList = node.path("backup");
        for (int i = 0; i < backupList.size(); i++) {
            backups.add(backup(backupList.get(i), where + " backup " + i));
        }
        boolean backupRunning = status.path("lock").path("backup").path("held").asBoolean(false);
        return new Stanza(name, integer(status, "code", where), status.path("message").asText(""), repos, backups,
                backupRunning, systemId(node, where));
    }

    /** {@code db[0].system-id}: pgBackRest lists the stanza's databases, the current one first. */
    private static Optional<SystemId> systemId(JsonNode node, String where) throws InfoFormatException {
        JsonNode dbs = node.get("db");
        if (dbs == null || !dbs.isArray()) {
            throw new InfoFormatException(where + " has no db list");
        }
        if (dbs.isEmpty()) {
            return Optional.empty();
        }
        JsonNode id = dbs.get(0).get("system-id");
        if (id == null || !id.isIntegralNumber() || id.bigIntegerValue().signum() < 0) {
            throw new InfoFormatException(where + " db 0 has no numeric system-id");
        }
        try {
            return Optional.of(new SystemId(id.bigIntegerValue().toString()));
        } catch (IllegalArgumentException e) {
            throw new InfoFormatException(where + " db 0 has no numeric system-id");
        }
    }

    private static BackupRecord backup(JsonNode node, String where) throws InfoFormatException {
        BackupLabel label = label(text(node, "label", where), where);
        String typeText = text(node, "type", where);
        BackupType type = BackupType.fromPgBackRest(typeText)
                .orElseThrow(() -> new InfoFormatException(where + " has an unknown type"));
        Optional<BackupLabel> reference = Optional.empty();
        JsonNode refs = node.path("reference");
        if (refs.isArray() && refs.size() > 0) {
            reference = Optional.of(label(refs.get(refs.size() - 1).asText(), where + " reference"));
        }
        Optional<String> error = Optional.empty();
        JsonNode err = node.path("error");
        if (err.isBoolean() && err.asBoolean()) {
            error = Optional.of("True");
        } else if (err.isTextual() && !err.asText().isEmpty()) {
            error = Optional.of(err.asText());
        }
        JsonNode lsn = node.path("lsn");
        JsonNode stamp = object(node, "timestamp", where);
        String archiveStart = node.path("archive").path("start").asText("");
        String timeline = archiveStart.length() >= 8 ? stripZeros(archiveStart.substring(0, 8)) : "";
        return new BackupRecord(label, type, reference, error,
                lsn.path("start").asText(""), lsn.path("stop").asText(""),
                stamp.path("start").asLong(0), stamp.path("stop").asLong(0), timeline, databaseBytes(node));
    }

    /** {@code info.size}, the database's size at backup time; only a restore's progress uses it, so a missing or odd one is none. */
    private static java.util.OptionalLong databaseBytes(JsonNode node) {
        JsonNode size = node.path("info").path("size");
        return size.canConvertToLong() && size.isIntegralNumber() && size.asLong() >= 0
                ? java.util.OptionalLong.of(size.asLong()) : java.util.OptionalLong.empty();
    }

    private static String stripZeros(String hex) {
        String s = hex.replaceFirst("^0+", "");
        return s.isEmpty() ? "0" : s;
    }

    private static BackupLabel label(String text, String where) throws InfoFormatException {
        try {
            return new BackupLabel(text);
        } catch (IllegalArgumentException e) {
            throw new InfoFormatException(where + " has a malformed label");
        }
    }

    private static String text(JsonNode node, String field, String where) throws InfoFormatException {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new InfoFormatException(where + " has no " + field);
        }
        return v.asText();
    }

    private static int integer(JsonNode node, String field, String where) throws InfoFormatException {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToInt()) {
            throw new InfoFormatException(where + " has no numeric " + field);
        }
        return v.asInt();
    }

    private static JsonNode object(JsonNode node, String field, String where) throws InfoFormatException {
        JsonNode v = node.get(field);
        if (v == null || !v.isObject()) {
            throw new InfoFormatException(where + " has no " + field + " object");
        }
        return v;
    }

    /** The info document is not what pgBackRest writes. */
    public static final class InfoFormatException extends Exception {
        public InfoFormatException(String message) {
            super(message);
        }
    }
}
