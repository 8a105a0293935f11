package postgresqlk8s.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class BackupLabelTest {

    @Test
    void full_isNamedByItsTimestamp() {
        assertEquals(new BackupId("2026-11-25T18:36:13Z"), new BackupLabel("20261125-183613F").id());
    }

    @Test
    void differential_isNamedByItsOwnTimestamp_notItsFulls() {
        assertEquals(new BackupId("2026-11-25T18:36:21Z"), new BackupLabel("20261125-183613F_20261125-183621D").id());
    }

    @Test
    void incremental_isNamedByItsOwnTimestamp() {
        assertEquals(new BackupId("2026-11-26T00:00:00Z"), new BackupLabel("20261125-183613F_20261126-000000I").id());
    }

    @Test
    void leapDay_isAPossibleDate() {
        assertEquals(new BackupId("2024-02-29T23:59:59Z"), new BackupLabel("20240229-235959F").id());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "20231301-000000F",                 // month 13
        "20230230-000000F",                 // 30 February
        "20230229-000000F",                 // 29 February, not a leap year
        "20230431-000000F",                 // 31 April
        "20230101-240000F",                 // hour 24
        "20230101-006000F",                 // minute 60
        "20230101-090000F_20230230-090000D" // impossible in the second part
    })
    void impossibleDates_areRefused(String label) {
        assertThrows(IllegalArgumentException.class, () -> new BackupLabel(label));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "20230101-090000",
        "20230101-090000D",
        "20230101-090000I",
        "20230101-090000F_20230102-090000F",
        "20230101-090000F_20230102-090000",
        " 20230101-090000F",
        "20230101-090000F\n",
        "20230101-090000F; rm -rf /",
        "$(reboot)",
        "2023-01-01T09:00:00Z"
    })
    void notALabel_isRefused(String label) {
        assertThrows(IllegalArgumentException.class, () -> new BackupLabel(label));
    }
}
