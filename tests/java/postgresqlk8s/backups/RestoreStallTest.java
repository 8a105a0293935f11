package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import jujuops.StoredState;

/** How long a restore's data directory has kept its size, across update-status hooks. */
class RestoreStallTest {

    private static final Instant T0 = Instant.parse("2026-11-25T18:00:00Z");

    private final StoredState stored = new StoredState();
    private final RestoreStall stall = new RestoreStall(stored);

    @Test
    void firstLook_recordsTheSize_unchangedForNothing() {
        assertEquals(Duration.ZERO, stall.unchangedFor(4096, T0));
        assertEquals(Optional.of("4096 " + T0.getEpochSecond()), stored.get(RestoreStall.KEY));
    }

    @Test
    void sameSizeLater_unchangedSinceItWasFirstSeen() {
        stall.unchangedFor(4096, T0);
        assertEquals(Duration.ofSeconds(70), stall.unchangedFor(4096, T0.plusSeconds(70)));
        assertEquals(Duration.ofSeconds(130), stall.unchangedFor(4096, T0.plusSeconds(130)));
        assertEquals(Optional.of("4096 " + T0.getEpochSecond()), stored.get(RestoreStall.KEY), "the first sighting counts");
    }

    @Test
    void anotherSize_isProgress_andTheClockStartsAgain() {
        stall.unchangedFor(4096, T0);
        assertEquals(Duration.ZERO, stall.unchangedFor(8192, T0.plusSeconds(200)));
        assertEquals(Duration.ofSeconds(10), stall.unchangedFor(8192, T0.plusSeconds(210)));
    }

    @Test
    void exhausted_fromThePatienceOn() {
        assertFalse(stall.exhausted(RestoreStall.PATIENCE.minusSeconds(1)));
        assertTrue(stall.exhausted(RestoreStall.PATIENCE));
    }

    @Test
    void aRecordFromTheFuture_isNotTrusted() {
        stall.unchangedFor(4096, T0.plusSeconds(600));
        assertEquals(Duration.ZERO, stall.unchangedFor(4096, T0));
        assertEquals(Optional.of("4096 " + T0.getEpochSecond()), stored.get(RestoreStall.KEY));
    }

    @Test
    void garbageInTheUnitState_watchesFromNow() {
        for (String garbage : new String[] {"", "4096", "x y", "4096 12 13", "4096 999999999999999999"}) {
            stored.put(RestoreStall.KEY, garbage);
            assertEquals(Duration.ZERO, stall.unchangedFor(4096, T0), garbage);
            assertEquals(Optional.of("4096 " + T0.getEpochSecond()), stored.get(RestoreStall.KEY), garbage);
        }
    }

    @Test
    void forget_removesTheRecord() {
        stall.unchangedFor(4096, T0);
        stall.forget();
        assertEquals(Optional.empty(), stored.get(RestoreStall.KEY));
    }
}
