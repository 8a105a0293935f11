package jujuops.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import jujuops.Event;

class FileUnitStateStoreTest {

    private static final UnitState STATE = new UnitState(
            List.of(new DeferredEvent(3, "s3-parameters-relation-changed", Event.Kind.RELATION, "Charm.onS3Changed",
                            Map.of(Event.RELATION_ID, "s3-parameters:3", Event.REMOTE_APP, "s3-integrator")),
                    new DeferredEvent(5, "s3-credentials-changed", Event.Kind.CUSTOM, "Charm.onCredentials",
                            Map.of("note", "ünïcode \"quoted\"\nline"))),
            Map.of("cluster-initialised", "true", "empty", ""),
            6);

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve(FileUnitStateStore.FILE_NAME);
    }

    private Path tmp() {
        return dir.resolve(FileUnitStateStore.FILE_NAME + ".tmp");
    }

    private FileUnitStateStore store() {
        return new FileUnitStateStore(file());
    }

    @Test
    void savedState_loadsBackEqual() {
        store().save(STATE);

        assertEquals(STATE, store().load());
    }

    @Test
    void deferredOrder_isKept() {
        UnitState reversed = new UnitState(List.of(STATE.deferred().get(1), STATE.deferred().get(0)), Map.of(), 6);
        store().save(reversed);

        assertEquals(reversed.deferred(), store().load().deferred());
    }

    @Test
    void savingAgain_replacesTheWholeState() {
        store().save(STATE);
        store().save(UnitState.EMPTY);

        assertEquals(UnitState.EMPTY, store().load());
    }

    @Test
    void savedFile_isReadableAndWritableByTheOwnerOnly() throws IOException {
        store().save(STATE);

        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file());
        assertEquals("rw-------", PosixFilePermissions.toString(mode));
    }

    @Test
    void savedFile_overAWorldReadableOne_becomesPrivate() throws IOException {
        Files.writeString(file(), "{}");
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-rw-rw-"));

        store().save(STATE);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())));
    }

    @Test
    void missingFile_isTheEmptyState() {
        assertEquals(UnitState.EMPTY, store().load());
        assertFalse(Files.exists(file()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "{\"format\":1,\"next-seq\":2,\"deferred\":[",
        "[]",
        "{\"format\":2,\"next-seq\":2,\"deferred\":[],\"stored\":{}}",
        "{\"format\":1,\"deferred\":[],\"stored\":{}}",
        "{\"format\":1,\"next-seq\":2,\"stored\":{}}",
        "{\"format\":1,\"next-seq\":2,\"deferred\":[],\"stored\":null}",
        "{\"format\":1,\"next-seq\":2,\"deferred\":[{\"seq\":1,\"event\":\"x\",\"kind\":\"BOGUS\",\"observer\":\"o\","
                + "\"snapshot\":{}}],\"stored\":{}}",
        "{\"format\":1,\"next-seq\":2,\"deferred\":[{\"seq\":\"1\",\"event\":\"x\",\"kind\":\"HOOK\",\"observer\":\"o\","
                + "\"snapshot\":{}}],\"stored\":{}}",
        "{\"format\":1,\"next-seq\":2,\"deferred\":[{\"seq\":1,\"kind\":\"HOOK\",\"observer\":\"o\","
                + "\"snapshot\":{}}],\"stored\":{}}",
    })
    void corruptFile_isACorruptStateException(String content) throws IOException {
        Files.writeString(file(), content);

        assertThrows(FileUnitStateStore.CorruptStateException.class, () -> store().load());
    }

    /**
     * Bytes that are not UTF-8 (a disk's garbage, half a multi-byte character at a cut) are a corrupt file
     * the dispatcher can move aside, not an I/O error that fails every hook after it.
     */
    @Test
    void bytesThatAreNotUtf8_isACorruptStateException() throws IOException {
        Files.write(file(), new byte[] {0x00, (byte) 0xff, '{', '"', (byte) 0xc3});

        assertThrows(FileUnitStateStore.CorruptStateException.class, () -> store().load());
    }

    /** Stored values are strings; a file claiming otherwise cannot be read back as a UnitState. */
    @Test
    void storedValueThatIsNotAString_isACorruptStateException() throws IOException {
        Files.writeString(file(), "{\"format\":1,\"next-seq\":2,\"deferred\":[],\"stored\":{\"count\":3}}");

        assertThrows(FileUnitStateStore.CorruptStateException.class, () -> store().load());
    }

    @Test
    void corruptFile_messageDoesNotEchoItsContent() throws IOException {
        Files.writeString(file(), "{\"format\":1,\"stored\":{\"password\":\"hunter2\"} garbage");

        FileUnitStateStore.CorruptStateException e =
                assertThrows(FileUnitStateStore.CorruptStateException.class, () -> store().load());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void quarantine_movesTheCorruptFileAside_soTheNextLoadIsEmpty() throws IOException {
        Files.writeString(file(), "not json at all");
        FileUnitStateStore store = store();
        assertThrows(FileUnitStateStore.CorruptStateException.class, store::load);

        Path aside = store.quarantine();

        assertFalse(Files.exists(file()));
        assertEquals(dir, aside.getParent());
        assertTrue(aside.getFileName().toString().startsWith(FileUnitStateStore.FILE_NAME + ".corrupt-"), aside::toString);
        assertEquals("not json at all", Files.readString(aside));
        assertEquals(UnitState.EMPTY, store.load());
    }

    @Test
    void leftoverTmpFromACrash_doesNotBreakSaveOrLoad() throws IOException {
        Files.writeString(tmp(), "{\"half\":\"writ");
        Files.setPosixFilePermissions(tmp(), PosixFilePermissions.fromString("rw-rw-rw-"));

        store().save(STATE);

        assertEquals(STATE, store().load());
        assertFalse(Files.exists(tmp()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())));
    }

    @Test
    void garbageTmpBesideAGoodState_isIgnoredByLoad() throws IOException {
        store().save(STATE);
        Files.write(tmp(), new byte[] {0, 1, 2, (byte) 0xff});

        assertEquals(STATE, store().load());
        assertTrue(Files.exists(tmp()));
    }

    @Test
    void fileIsJson_withFormatVersion() throws IOException {
        store().save(new UnitState(List.of(), Map.of("k", "v"), 4));

        assertEquals("{\"format\":1,\"next-seq\":4,\"deferred\":[],\"stored\":{\"k\":\"v\"}}",
                Files.readString(file(), StandardCharsets.UTF_8));
    }
}
