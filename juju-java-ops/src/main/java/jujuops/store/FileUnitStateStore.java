package jujuops.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jujuops.Event;
import jujuops.json.Json;
import jujuops.json.JsonException;

/**
 * The unit's state in one JSON file in the charm directory, private to the unit (mode 0600).
 *
 * <p>Saving writes a temporary file beside it (created 0600), forces it to disk and renames it over the
 * old one, so a crash mid-write leaves either the old or the new state, never half of one.
 */
public final class FileUnitStateStore implements UnitStateStore {

    public static final String FILE_NAME = ".unit-state.json";
    private static final int FORMAT = 1;

    private final Path file;

    public FileUnitStateStore(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /**
     * @throws CorruptStateException when the file exists but cannot be read back
     */
    @Override
    public UnitState load() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return UnitState.EMPTY;
        } catch (java.nio.charset.CharacterCodingException e) {
            // the bytes are there but are no text: corrupt content to move aside, not an I/O failure that
            // would fail this and every later hook
            throw new CorruptStateException(file + " is not a unit state file: not UTF-8 text");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        try {
            return decode(Json.parseObject(text));
        } catch (JsonException | ClassCastException | IllegalArgumentException | NullPointerException e) {
            throw new CorruptStateException(file + " is not a unit state file: " + e.getMessage());
        }
    }

    @Override
    public void save(UnitState state) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(Json.write(encode(state)).getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Moves an unreadable file aside so the unit can go on, keeping it for a human to look at. */
    public Path quarantine() {
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + System.currentTimeMillis());
        try {
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + file + " aside", e);
        }
        return aside;
    }

    private static Map<String, Object> encode(UnitState state) {
        List<Object> deferred = new ArrayList<>();
        for (DeferredEvent d : state.deferred()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seq", d.seq());
            m.put("event", d.eventName());
            m.put("kind", d.kind().name());
            m.put("observer", d.observer());
            m.put("snapshot", d.snapshot());
            deferred.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", FORMAT);
        doc.put("next-seq", state.nextSeq());
        doc.put("deferred", deferred);
        doc.put("stored", state.stored());
        return doc;
    }

    @SuppressWarnings("unchecked")
    private static UnitState decode(Map<String, Object> doc) {
        Object format = doc.get("format");
        if (!Long.valueOf(FORMAT).equals(format)) {
            throw new IllegalArgumentException("unknown format " + format);
        }
        List<DeferredEvent> deferred = new ArrayList<>();
        for (Object o : (List<Object>) doc.get("deferred")) {
            Map<String, Object> m = (Map<String, Object>) o;
            deferred.add(new DeferredEvent(
                    (Long) m.get("seq"),
                    (String) m.get("event"),
                    Event.Kind.valueOf((String) m.get("kind")),
                    (String) m.get("observer"),
                    strings(m.get("snapshot"), "snapshot")));
        }
        return new UnitState(deferred, strings(doc.get("stored"), "stored"), (Long) doc.get("next-seq"));
    }

    private static Map<String, String> strings(Object value, String what) {
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException(what + " is not an object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
            if (!(e.getValue() instanceof String)) {
                throw new IllegalArgumentException(what + " value of " + e.getKey() + " is not a string");
            }
            out.put((String) e.getKey(), (String) e.getValue());
        }
        return out;
    }

    /** The state file exists but is not readable as one. */
    public static final class CorruptStateException extends RuntimeException {
        public CorruptStateException(String message) {
            super(message);
        }
    }
}
