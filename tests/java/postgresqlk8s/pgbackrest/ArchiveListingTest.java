package postgresqlk8s.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ArchiveListingTest {

    @Test
    void timelines_areTheHistoryFiles_oldestFirst_withoutBackupHistoryFiles() throws Exception {
        ArchiveListing l = ArchiveListing.parse("{\".\":{\"type\":\"path\"},\"15-1\":{\"type\":\"path\"},"
                + "\"15-1/0000000A.history\":{\"type\":\"file\",\"size\":90,\"time\":300},"
                + "\"15-1/00000002.history\":{\"type\":\"file\",\"size\":41,\"time\":100},"
                + "\"15-1/000000010000000000000002.00000028.backup\":{\"type\":\"file\",\"size\":9,\"time\":50}}");
        assertEquals(List.of(new Timeline("2", "15-1", 100), new Timeline("A", "15-1", 300)), l.timelines());
    }

    @Test
    void newestSegment_ofATimeline_byName() throws Exception {
        ArchiveListing l = ArchiveListing.parse("{\".\":{\"type\":\"path\"},"
                + "\"000000020000000000000009-0123456789abcdef0123456789abcdef01234567.zst\":{\"type\":\"file\",\"size\":9,\"time\":900},"
                + "\"00000002000000000000000A-0123456789abcdef0123456789abcdef01234567.zst\":{\"type\":\"file\",\"size\":9,\"time\":800},"
                + "\"00000003000000000000000B-0123456789abcdef0123456789abcdef01234567.zst\":{\"type\":\"file\",\"size\":9,\"time\":1000},"
                + "\"00000002000000000000000B.partial-0123456789abcdef0123456789abcdef01234567.zst\":{\"type\":\"file\",\"size\":9,\"time\":950}}");
        assertEquals(Optional.of(new ArchiveListing.Entry(
                "00000002000000000000000B.partial-0123456789abcdef0123456789abcdef01234567.zst", 950)), l.newestSegment(2));
        assertEquals(Optional.empty(), l.newestSegment(4));
    }

    @Test
    void archiveIds_andWalDirectories_comeFromThePaths() throws Exception {
        ArchiveListing ids = ArchiveListing.parse("{\".\":{\"type\":\"path\"},\"15-1\":{\"type\":\"path\"},\"15-2\":{\"type\":\"path\"},"
                + "\"archive.info\":{\"type\":\"file\",\"size\":9,\"time\":1}}");
        assertEquals(List.of("15-1", "15-2"), ids.archiveIds());
        ArchiveListing dirs = ArchiveListing.parse("{\".\":{\"type\":\"path\"},\"0000000100000000\":{\"type\":\"path\"},"
                + "\"0000000100000001\":{\"type\":\"path\"},\"0000000200000001\":{\"type\":\"path\"},\"00000002.history\":{\"type\":\"file\",\"size\":9,\"time\":1}}");
        assertEquals(Optional.of("0000000100000001"), dirs.newestWalDirectory(1));
        assertEquals(Optional.of("0000000200000001"), dirs.newestWalDirectory(2));
        assertEquals(Optional.empty(), dirs.newestWalDirectory(3));
    }

    @Test
    void notTheJsonRepoLsWrites_isRefused_withoutTheText() {
        assertEquals("pgBackRest repo-ls output is not JSON",
                assertThrows(ArchiveListing.ListingFormatException.class, () -> ArchiveListing.parse("key=abc")).getMessage());
        assertThrows(ArchiveListing.ListingFormatException.class, () -> ArchiveListing.parse("[]"));
        assertThrows(ArchiveListing.ListingFormatException.class,
                () -> ArchiveListing.parse("{\"15-1/00000002.history\":{\"type\":\"file\"}}"));
    }
}
