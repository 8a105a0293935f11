package postgresqlk8s.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RestoreTargetTest {

    private static final BackupLabel FULL = new BackupLabel("20230101-090000F");

    @ParameterizedTest
    @ValueSource(strings = {
        "latest",
        "2023-01-01 09:00:00",
        "2023-01-01 09:00:00.1",
        "2023-01-01 09:00:00.123456",
        "2023-01-01 09:00:00+00",
        "2023-01-01 09:00:00-0800",
        "2023-01-01 09:00:00.5+05:30",
        "2023-01-01 09:00:00+15:59",
        "2023-01-01 09:00:00-1559",
        "2024-02-29 23:59:59"
    })
    void postgresTimestamps_areValid(String time) {
        assertTrue(RestoreTarget.isValidTime(time), time);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2023-01-01 09:00:00'; drop table x; --",
        "2023-01-01 09:00:00\"; reboot",
        "$(reboot)",
        "2023-01-01T09:00:00Z",
        "2023-01-01 09:00",
        "2023-01-01 09:00:00.1234567",
        "2023-01-01 09:00:00 UTC",
        "yesterday",
        "LATEST",
        "2023-01-01 09:00:00\n",
        "2023-01-01 09:00:00+99",
        "2023-01-01 09:00:00+16",
        "2023-01-01 09:00:00-16:00",
        "2023-01-01 09:00:00+05:60",
        "2023-01-01 09:00:00+5"
    })
    void otherText_isNotATime(String time) {
        assertFalse(RestoreTarget.isValidTime(time), time);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2023-02-30 09:00:00", "2023-13-01 09:00:00", "2023-01-01 25:00:00", "2023-01-01 09:61:00"})
    void impossibleTimestamps_areNotATime(String time) {
        assertFalse(RestoreTarget.isValidTime(time), time);
    }

    @Test
    void constructor_refusesABadTime_aBadTimeline_andNothing() {
        assertThrows(IllegalArgumentException.class,
                () -> new RestoreTarget(Optional.of(FULL), Optional.of("2023-01-01 09:00:00'; --"), Optional.empty()));
        assertThrows(IllegalArgumentException.class,
                () -> new RestoreTarget(Optional.of(FULL), Optional.of("2023-01-01 09:00:00"), Optional.of("1; reboot")));
        assertThrows(IllegalArgumentException.class,
                () -> new RestoreTarget(Optional.of(FULL), Optional.of("2023-01-01 09:00:00"), Optional.of("0x1")));
        assertThrows(IllegalArgumentException.class,
                () -> new RestoreTarget(Optional.empty(), Optional.empty(), Optional.empty()));
    }

    @Test
    void aBackup_restoresImmediately_thenPromotes() {
        assertEquals(" --set=20230101-090000F --type=immediate --target-action=promote", RestoreTarget.backup(FULL).arguments());
    }

    @Test
    void aTime_alone() {
        assertEquals(" \"--target=2023-01-01 10:00:00\" --type=time --target-action=promote",
                new RestoreTarget(Optional.empty(), Optional.of("2023-01-01 10:00:00"), Optional.empty()).arguments());
    }

    @Test
    void aTime_fromABackup_onItsTimeline() {
        assertEquals(" --set=20230101-090000F \"--target=2023-01-01 10:00:00\" --type=time --target-timeline=0x1 --target-action=promote",
                new RestoreTarget(Optional.of(FULL), Optional.of("2023-01-01 10:00:00"), Optional.of("1")).arguments());
    }

    @Test
    void latest_replaysAllWal_withoutATargetAction() {
        assertEquals(" --type=default", new RestoreTarget(Optional.empty(), Optional.of("latest"), Optional.empty()).arguments());
        assertEquals(" --set=20230101-090000F --type=default",
                new RestoreTarget(Optional.of(FULL), Optional.of("latest"), Optional.empty()).arguments());
    }

    @Test
    void instantOf_readsTheOffset_andTakesNoOffsetAsUtc() {
        assertEquals(Optional.of(java.time.Instant.parse("2023-01-01T09:00:00Z")), RestoreTarget.instantOf("2023-01-01 09:00:00"));
        assertEquals(Optional.of(java.time.Instant.parse("2023-01-01T09:00:00Z")), RestoreTarget.instantOf("2023-01-01 09:00:00+00"));
        assertEquals(Optional.of(java.time.Instant.parse("2023-01-01T03:30:00Z")), RestoreTarget.instantOf("2023-01-01 09:00:00+05:30"));
        assertEquals(Optional.of(java.time.Instant.parse("2023-01-01T17:00:00Z")), RestoreTarget.instantOf("2023-01-01 09:00:00-0800"));
        assertEquals(Optional.of(java.time.Instant.parse("2023-01-01T09:00:00.500Z")), RestoreTarget.instantOf("2023-01-01 09:00:00.5"));
        assertEquals(Optional.empty(), RestoreTarget.instantOf("latest"));
        assertEquals(Optional.empty(), RestoreTarget.instantOf("2023-01-01 09:00:00+99"));
    }

    @Test
    void latest_onATimeline_followsIt() {
        assertEquals(" --set=20230101-090000F --type=default --target-timeline=0x2",
                new RestoreTarget(Optional.of(FULL), Optional.of("latest"), Optional.of("2")).arguments());
    }
}
