package jujuops.hooktools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import org.slf4j.Logger;

import jujuops.hooktools.HookTools.SecretRevision;
import jujuops.json.Json;
import jujuops.json.JsonException;
import jujuops.logging.Logs;
import jujuops.model.HookToolOutputError;
import jujuops.model.ModelError;
import jujuops.model.RelationNotFoundError;
import jujuops.model.SecretContent;
import jujuops.model.SecretInfo;
import jujuops.model.SecretMetadata;
import jujuops.model.SecretNotFoundError;

/**
 * The secret and storage hook tools for {@link ProcessHookTools}. Content goes to {@code secret-add} and
 * {@code secret-set} in a YAML file only this user can read ({@code --file}, which reads a path, not
 * stdin), deleted as soon as the tool returns.
 */
final class ProcessSecretTools {

    private static final Logger LOG = Logs.get(ProcessSecretTools.class);

    /** Runs one hook tool: stdin (or null) and argv in, stdout out; non-zero exits are ModelErrors. */
    @FunctionalInterface
    interface Tool {
        String run(String stdin, String... argv);
    }

    private final Tool tool;

    ProcessSecretTools(Tool tool) {
        this.tool = tool;
    }

    Map<String, String> secretGet(String id, String label, SecretRevision revision) {
        List<String> argv = new ArrayList<>(List.of("secret-get", "--format=json"));
        addIdOrLabel(argv, id, label, true);
        if (revision == SecretRevision.PEEK) {
            argv.add("--peek");
        } else if (revision == SecretRevision.REFRESH) {
            argv.add("--refresh");
        }
        String out = run(argv);
        try {
            return Json.parseStringMap(out);
        } catch (JsonException e) {
            // The message names the position only; secret content never reaches it.
            throw new HookToolOutputError("secret-get output is not a JSON map of strings: " + e.getMessage());
        }
    }

    String secretAdd(SecretContent content, SecretMetadata metadata, boolean unitOwned) {
        List<String> argv = new ArrayList<>(List.of("secret-add", "--owner", unitOwned ? "unit" : "application"));
        addMetadata(argv, metadata);
        String id = withContentFile(content, argv).strip();
        if (id.isEmpty() || id.chars().anyMatch(Character::isWhitespace)) {
            throw new HookToolOutputError("secret-add did not answer with a secret id");
        }
        return id;
    }

    void secretSet(String id, SecretContent content, SecretMetadata metadata) {
        List<String> argv = new ArrayList<>(List.of("secret-set", id));
        addMetadata(argv, metadata);
        if (content == null) {
            run(argv);
        } else {
            withContentFile(content, argv);
        }
    }

    SecretInfo secretInfoGet(String id, String label) {
        List<String> argv = new ArrayList<>(List.of("secret-info-get", "--format=json"));
        addIdOrLabel(argv, id, label, false);
        Map<String, Object> doc;
        try {
            doc = Json.parseObject(run(argv));
        } catch (JsonException e) {
            throw new HookToolOutputError("secret-info-get output is not a JSON object: " + e.getMessage());
        }
        if (doc.size() != 1 || !(doc.values().iterator().next() instanceof Map)) {
            throw new HookToolOutputError("secret-info-get answered " + doc.size() + " entries, expected one secret's metadata");
        }
        Map.Entry<String, Object> only = doc.entrySet().iterator().next();
        return SecretInfoParser.parse(only.getKey(), (Map<?, ?>) only.getValue());
    }

    void secretGrant(String id, String relationId, String unit) {
        run(accessArgv("secret-grant", id, relationId, unit));
    }

    void secretRevoke(String id, String relationId, String unit) {
        run(accessArgv("secret-revoke", id, relationId, unit));
    }

    void secretRemove(String id, OptionalInt revision) {
        List<String> argv = new ArrayList<>(List.of("secret-remove", id));
        if (revision.isPresent()) {
            argv.add("--revision");
            argv.add(Integer.toString(revision.getAsInt()));
        }
        run(argv);
    }

    List<String> storageList(String name) {
        try {
            return Json.parseStringList(tool.run(null, "storage-list", "--format=json", name));
        } catch (JsonException e) {
            throw new HookToolOutputError("storage-list output is not a JSON list of strings: " + e.getMessage());
        }
    }

    String storageLocation(String storageId) {
        Object value;
        try {
            value = Json.parse(tool.run(null, "storage-get", "--format=json", "-s", storageId, "location").strip());
        } catch (JsonException e) {
            throw new HookToolOutputError("storage-get output is not JSON: " + e.getMessage());
        }
        if (!(value instanceof String)) {
            throw new HookToolOutputError("storage-get location answered " + Json.kind(value) + ", expected a path");
        }
        return (String) value;
    }

    /** The file {@code secret-add --file} reads: one {@code "key": "value"} line per key, JSON-quoted (valid YAML). */
    static String yaml(SecretContent content) {
        StringBuilder out = new StringBuilder();
        content.asMap().forEach((k, v) -> out.append(Json.write(k)).append(": ").append(Json.write(v)).append('\n'));
        return out.toString();
    }

    private String withContentFile(SecretContent content, List<String> argv) {
        Path file;
        try {
            file = Files.createTempFile("juju-secret-", ".yaml",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            throw new ModelError("cannot create a private file for " + argv.get(0) + ": " + e.getMessage(), e);
        }
        try {
            Files.writeString(file, yaml(content));
            argv.add("--file");
            argv.add(file.toString());
            return run(argv);
        } catch (IOException e) {
            throw new ModelError("cannot write the content file for " + argv.get(0) + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException | UncheckedIOException e) {
                LOG.warn("could not delete {} after {}: {}", file, argv.get(0), e.getMessage());
            }
        }
    }

    private static void addIdOrLabel(List<String> argv, String id, String label, boolean both) {
        if (id == null && label == null) {
            throw new IllegalArgumentException("a secret is named by its id or its label");
        }
        if (id != null) {
            argv.add(id);
        }
        if (label != null && (id == null || both)) {
            argv.add("--label");
            argv.add(label);
        }
    }

    private static void addMetadata(List<String> argv, SecretMetadata metadata) {
        metadata.label().ifPresent(l -> argv.addAll(List.of("--label", l)));
        metadata.description().ifPresent(d -> argv.addAll(List.of("--description", d)));
        metadata.expire().ifPresent(t -> argv.addAll(List.of("--expire", t.truncatedTo(ChronoUnit.SECONDS).toString())));
        metadata.rotate().ifPresent(r -> argv.addAll(List.of("--rotate", r.jujuName())));
    }

    private static List<String> accessArgv(String name, String id, String relationId, String unit) {
        List<String> argv = new ArrayList<>(List.of(name, id, "-r", relationId));
        if (unit != null) {
            argv.add("--unit");
            argv.add(unit);
        }
        return argv;
    }

    /** Runs a secret tool; Juju's "not found" becomes a {@link SecretNotFoundError}. */
    private String run(List<String> argv) {
        try {
            return tool.run(null, argv.toArray(new String[0]));
        } catch (RelationNotFoundError e) {
            throw e;
        } catch (ModelError e) {
            if (e.getMessage() != null && e.getMessage().contains("not found")) {
                throw new SecretNotFoundError(e.getMessage());
            }
            throw e;
        }
    }

    /** {@code secret-info-get}'s one entry: {@code {"<xid>": {"revision": 2, "owner": "application", ...}}}. */
    private static final class SecretInfoParser {

        static SecretInfo parse(String id, Map<?, ?> d) {
            Object revision = d.get("revision");
            if (!(revision instanceof Long) || (Long) revision < 1 || (Long) revision > Integer.MAX_VALUE) {
                throw new HookToolOutputError("secret-info-get revision is " + Json.kind(revision) + ", expected a positive integer");
            }
            String rotation = text(d, "rotation").orElse(null);
            return new SecretInfo(id, text(d, "owner").orElse("application"), ((Long) revision).intValue(),
                    text(d, "label"), text(d, "description"),
                    time(d, "expiry").or(() -> time(d, "expires")),
                    rotation == null ? Optional.empty() : SecretInfo.Rotation.fromJuju(rotation),
                    time(d, "rotates"));
        }

        private static Optional<String> text(Map<?, ?> d, String key) {
            Object v = d.get(key);
            if (v == null || "".equals(v)) {
                return Optional.empty();
            }
            if (!(v instanceof String)) {
                throw new HookToolOutputError("secret-info-get " + key + " is " + Json.kind(v) + ", expected a string");
            }
            return Optional.of((String) v);
        }

        private static Optional<Instant> time(Map<?, ?> d, String key) {
            Optional<String> v = text(d, key);
            if (v.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(OffsetDateTime.parse(v.get()).toInstant());
            } catch (DateTimeParseException e) {
                throw new HookToolOutputError("secret-info-get " + key + " is not an RFC 3339 time");
            }
        }
    }
}
