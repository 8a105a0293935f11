package postgresqlk8s.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class TimelineHistoryTest {

    /** Timeline 3's history as PostgreSQL 15 writes it after two promotions. */
    private static final String THREE = "1\t0/5000000\tno recovery target specified\n\n"
            + "2\t0/7000A0\tbefore 2023-01-01 09:35:00.000000+00\n";

    @Test
    void parse_readsEachAncestor_andWhereItWasLeft() throws Exception {
        TimelineHistory h = TimelineHistory.parse(THREE);
        assertEquals(List.of(new TimelineHistory.Fork(1, Lsn.parse("0/5000000").orElseThrow()),
                new TimelineHistory.Fork(2, Lsn.parse("0/7000A0").orElseThrow())), h.forks());
    }

    @Test
    void leadsThrough_itself_andAncestorsUpToTheirFork() throws Exception {
        TimelineHistory h = TimelineHistory.parse(THREE);
        Lsn early = Lsn.parse("0/4000000").orElseThrow();
        Lsn late = Lsn.parse("0/6000000").orElseThrow();
        assertTrue(h.leadsThrough(3, 3, late));
        assertTrue(h.leadsThrough(3, 1, early));
        assertFalse(h.leadsThrough(3, 1, late), "WAL of timeline 1 after timeline 2 branched off is not on the way");
        assertTrue(h.leadsThrough(3, 2, Lsn.parse("0/700000").orElseThrow()));
        assertFalse(h.leadsThrough(3, 4, early), "a timeline not in the history");
    }

    @Test
    void garbage_isRefused_withTheLineNumber_notItsText() {
        var e = assertThrows(TimelineHistory.HistoryFormatException.class,
                () -> TimelineHistory.parse("1\t0/5000000\treason\nsecret-key=abc\n"));
        assertEquals("timeline history line 2 is not \"<parent> <lsn> <reason>\"", e.getMessage());
        assertThrows(TimelineHistory.HistoryFormatException.class, () -> TimelineHistory.parse("0\t0/5000000\tx"));
        assertThrows(TimelineHistory.HistoryFormatException.class, () -> TimelineHistory.parse("1\tnowhere\tx"));
    }

    @Test
    void lsn_comparesByValue_notByText() {
        assertTrue(Lsn.parse("0/A000000").orElseThrow().compareTo(Lsn.parse("0/9000000").orElseThrow()) > 0);
        assertTrue(Lsn.parse("1/0").orElseThrow().compareTo(Lsn.parse("0/FFFFFFFF").orElseThrow()) > 0);
        assertEquals("1/A0", Lsn.parse("1/a0").orElseThrow().toString());
        assertEquals(Optional.empty(), Lsn.parse("0/5000000; reboot"));
    }
}
