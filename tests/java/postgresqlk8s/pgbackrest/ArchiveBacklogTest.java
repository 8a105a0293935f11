package postgresqlk8s.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** What waits in pg_wal/archive_status, and the drops pgBackRest's archive-push logs tell of. */
class ArchiveBacklogTest {

    @Test
    void readyFiles_areCounted_andTheOldestIsWhenArchivingFellBehind() throws Exception {
        ArchiveBacklog b = ArchiveBacklog.parse("1764095773.4410000000 000000010000000000000012.ready\n"
                + "1764095710.0000000000 000000010000000000000011.ready\n"
                + "1764095790.1200000000 000000010000000000000013.ready\n");
        assertEquals(3, b.segments());
        assertEquals(1764095710L, b.oldestEpochSecond());
        assertEquals(90, b.ageSeconds(1764095800L));
    }

    @Test
    void nothingWaiting_isNoBacklog_ofNoAge() throws Exception {
        assertEquals(ArchiveBacklog.NONE, ArchiveBacklog.parse(""));
        assertEquals(0, ArchiveBacklog.NONE.ageSeconds(1764095800L));
    }

    @Test
    void historyAndPartialFiles_areNotSegmentsOfTheQueue_butPartialSegmentsAre() throws Exception {
        ArchiveBacklog b = ArchiveBacklog.parse("1764095710 00000002.history.ready\n"
                + "1764095720 000000010000000000000011.partial.ready\n");
        assertEquals(1, b.segments());
        assertEquals(1764095720L, b.oldestEpochSecond());
    }

    @Test
    void aClockBehindTheFile_isNoNegativeAge() throws Exception {
        assertEquals(0, ArchiveBacklog.parse("1764095810 000000010000000000000011.ready\n").ageSeconds(1764095800L));
    }

    @Test
    void garbage_isRefusedWithTheLine() {
        ArchiveBacklog.BacklogFormatException e = assertThrows(ArchiveBacklog.BacklogFormatException.class,
                () -> ArchiveBacklog.parse("find: '/var/lib/postgresql/data/pgdata/pg_wal/archive_status': Permission denied\n"));
        assertEquals("not a listing of archive_status: find: '/var/lib/postgresql/data/pgdata/pg_wal/archive_status': Permission denied",
                e.getMessage());
        String longLine = "x".repeat(200);
        assertEquals("not a listing of archive_status: " + "x".repeat(80) + "…",
                assertThrows(ArchiveBacklog.BacklogFormatException.class, () -> ArchiveBacklog.parse(longLine)).getMessage());
    }

    @Test
    void lastDrop_isTheNewestDropLine() {
        String log = "2026-11-25 18:00:01.123 P00   INFO: archive-push:async command begin 2.45: ...\n"
                + "2026-11-25 18:00:02.456 P00   WARN: dropped WAL file '000000010000000000000011' because archive queue exceeded 256MB\n"
                + "2026-11-25 18:07:12.001 P00   WARN: dropped WAL file '000000010000000000000042' because archive queue exceeded 256MB\n"
                + "2026-11-25 18:07:13.000 P00   INFO: archive-push:async command end: completed successfully\n";
        assertEquals(Optional.of(new ArchiveBacklog.Drop(Instant.parse("2026-11-25T18:07:12Z"), "000000010000000000000042")),
                ArchiveBacklog.lastDrop(log));
    }

    @Test
    void lastDrop_fromTwoLogsOutOfOrder_isStillTheNewest() {
        String lines = "2026-11-25 18:07:12.001 P00   WARN: dropped WAL file '000000010000000000000042' because archive queue exceeded 1GB\n"
                + "2026-11-25 17:00:00.000 P00   WARN: dropped WAL file '000000010000000000000011' because archive queue exceeded 1GB\n";
        assertEquals("000000010000000000000042", ArchiveBacklog.lastDrop(lines).orElseThrow().segment());
    }

    @Test
    void lastDrop_noneOrGarbage_isEmpty() {
        assertEquals(Optional.empty(), ArchiveBacklog.lastDrop(""));
        assertEquals(Optional.empty(), ArchiveBacklog.lastDrop("2026-11-25 18:00:01.123 P00   INFO: pushed WAL file '000000010000000000000011'\n"));
        assertEquals(Optional.empty(), ArchiveBacklog.lastDrop("2026-13-45 18:00:01.123 P00   WARN: dropped WAL file '000000010000000000000011' because\n"));
        assertEquals(Optional.empty(), ArchiveBacklog.lastDrop("someone wrote: dropped WAL file 'x'\n"));
    }
}
