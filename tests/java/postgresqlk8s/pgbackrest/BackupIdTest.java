package postgresqlk8s.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDateTime;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class BackupIdTest {

    @Test
    void wellFormed_parses() {
        assertEquals(Optional.of(new BackupId("2023-01-01T09:00:00Z")), BackupId.parse("2023-01-01T09:00:00Z"));
        assertEquals("2023-01-01T09:00:00Z", new BackupId("2023-01-01T09:00:00Z").toString());
    }

    @Test
    void fromEpochSeconds_inUtc() {
        assertEquals(new BackupId("2026-11-25T18:36:13Z"), BackupId.ofEpochSecond(1795631773L));
        assertEquals(new BackupId("1970-01-01T00:00:00Z"), BackupId.ofEpochSecond(0));
    }

    @Test
    void fromALocalDateTime() {
        assertEquals(new BackupId("2024-02-29T07:08:09Z"), BackupId.of(LocalDateTime.of(2024, 2, 29, 7, 8, 9)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2023-02-30T00:00:00Z", // 30 February
        "2023-02-29T00:00:00Z", // not a leap year
        "2023-04-31T00:00:00Z",
        "2023-13-01T00:00:00Z",
        "2023-00-10T00:00:00Z",
        "2023-01-01T24:00:00Z",
        "2023-01-01T23:60:00Z",
        "2023-01-01T23:59:60Z"
    })
    void impossibleDates_areRefused(String id) {
        assertEquals(Optional.empty(), BackupId.parse(id));
        assertThrows(IllegalArgumentException.class, () -> new BackupId(id));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "2023-01-01T09:00:00Z; rm -rf /",
        "$(reboot)",
        "2023-01-01T09:00:00Z\n",
        " 2023-01-01T09:00:00Z",
        "2023-01-01 09:00:00",
        "2023-01-01T09:00:00",
        "2023-01-01T09:00:00+00:00",
        "20230101-090000F",
        "２０２３-01-01T09:00:00Z"
    })
    void notAnId_isRefused(String id) {
        assertEquals(Optional.empty(), BackupId.parse(id));
    }
}
