package postgresqlk8s.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

/** The archive queue's bound from the data volume's size, and the volume's size from df. */
class ArchivingTest {

    private static final long GIB = 1024L * 1024 * 1024;
    private static final long SEGMENT = 16L * 1024 * 1024;

    @Test
    void queue_isAQuarterOfTheVolume_inWholeSegments() {
        assertEquals(GIB / 4, Archiving.forVolume(OptionalLong.of(GIB)).pushQueueMaxBytes());
        assertEquals(25 * GIB, Archiving.forVolume(OptionalLong.of(100 * GIB)).pushQueueMaxBytes());
        // 1 GiB + 100 MiB: a quarter is 281 MiB, rounded down to 17 segments
        assertEquals(17 * SEGMENT, Archiving.forVolume(OptionalLong.of(GIB + 100L * 1024 * 1024)).pushQueueMaxBytes());
    }

    @Test
    void aTinyVolume_stillQueuesFourSegments() {
        assertEquals(4 * SEGMENT, Archiving.forVolume(OptionalLong.of(100L * 1024 * 1024)).pushQueueMaxBytes());
    }

    @Test
    void anUnknownVolume_isBoundedAtOneGib() {
        assertEquals(GIB, Archiving.forVolume(OptionalLong.empty()).pushQueueMaxBytes());
    }

    @Test
    void belowOneSegment_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Archiving(SEGMENT - 1));
    }

    @Test
    void df_size_isRead() {
        assertEquals(OptionalLong.of(270553174016L), Archiving.parseDfSize("   1B-blocks\n270553174016\n"));
        assertEquals(OptionalLong.of(1073741824L), Archiving.parseDfSize("Size\n  1073741824\n"));
    }

    @Test
    void df_garbage_isUnknown() {
        assertEquals(OptionalLong.empty(), Archiving.parseDfSize(""));
        assertEquals(OptionalLong.empty(), Archiving.parseDfSize("1B-blocks\n"));
        assertEquals(OptionalLong.empty(), Archiving.parseDfSize("1B-blocks\n12G\n"));
        assertEquals(OptionalLong.empty(), Archiving.parseDfSize("1B-blocks\n-5\n"));
        assertEquals(OptionalLong.empty(), Archiving.parseDfSize("1B-blocks\n0\n"));
        assertEquals(OptionalLong.empty(), Archiving.parseDfSize("1B-blocks\n99999999999999999999\n"));
        assertEquals(OptionalLong.empty(), Archiving.parseDfSize("Filesystem 1B-blocks\n/dev/sda 12 14\n"));
        assertEquals(OptionalLong.empty(), Archiving.parseDfSize("1B-blocks\n10\n20\n"));
    }
}
