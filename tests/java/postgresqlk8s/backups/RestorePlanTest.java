package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import postgresqlk8s.pgbackrest.BackupLabel;
import postgresqlk8s.pgbackrest.BackupRecord;
import postgresqlk8s.pgbackrest.BackupType;
import postgresqlk8s.pgbackrest.Lsn;
import postgresqlk8s.pgbackrest.Timeline;
import postgresqlk8s.pgbackrest.TimelineHistory;

/**
 * The timelines, as one cluster lives them (times in minutes after 09:00 on 2023-01-01):
 * backup A on timeline 1 (9:00), backup B on timeline 1 (9:10), restore A (timeline 2 begins at 9:20),
 * backup C on timeline 2 (9:30), restore B (timeline 3 begins at 9:40, branching off timeline 1 after B).
 */
class RestorePlanTest {

    private static final long T0 = 1672563600L; // 2023-01-01T09:00:00Z

    private static long at(int minutes) {
        return T0 + minutes * 60L;
    }

    private static BackupRecord backup(String label, int minutes, String timeline, String lsnStop, boolean failed) {
        return new BackupRecord(new BackupLabel(label), BackupType.FULL, Optional.empty(),
                failed ? Optional.of("True") : Optional.empty(), "0/1000028", lsnStop, at(minutes), at(minutes) + 30, timeline,
                java.util.OptionalLong.empty());
    }

    private static final BackupRecord A = backup("20230101-090000F", 0, "1", "0/2000100", false);
    private static final BackupRecord B = backup("20230101-091000F", 10, "1", "0/4000100", false);
    private static final BackupRecord C = backup("20230101-093000F", 30, "2", "0/3000100", false);
    private static final BackupRecord BROKEN = backup("20230101-093500F", 35, "2", "0/3800100", true);
    private static final Timeline TL2 = new Timeline("2", "15-1", at(20));
    private static final Timeline TL3 = new Timeline("3", "15-1", at(40));
    /** Timeline 2 left timeline 1 just after A; timeline 3 left timeline 1 just after B. */
    private static final Map<String, TimelineHistory> HISTORIES = Map.of(
            "2", new TimelineHistory(List.of(new TimelineHistory.Fork(1, Lsn.parse("0/3000000").orElseThrow()))),
            "3", new TimelineHistory(List.of(new TimelineHistory.Fork(1, Lsn.parse("0/5000000").orElseThrow()))));

    private final List<String> historiesRead = new ArrayList<>();

    private RestorePlan plan(List<BackupRecord> backups, List<Timeline> timelines) {
        return new RestorePlan(backups, timelines, tl -> {
            historiesRead.add(tl.id());
            return HISTORIES.get(tl.id());
        });
    }

    private RestorePlan.Plan all(Optional<String> id, Optional<String> time) throws Exception {
        return plan(List.of(A, B, C, BROKEN), List.of(TL2, TL3)).plan(id, time);
    }

    private static String refusal(RestorePlan p, Optional<String> id, Optional<String> time) {
        return assertThrows(RestorePlan.NoRestore.class, () -> p.plan(id, time)).getMessage();
    }

    @Test
    void aBackupId_alone_restoresItImmediately() throws Exception {
        RestorePlan.Plan p = all(Optional.of("2023-01-01T09:10:00Z"), Optional.empty());
        assertEquals(" --set=20230101-091000F --type=immediate --target-action=promote", p.target().arguments());
        assertEquals(List.of(), historiesRead);
    }

    @Test
    void aBackupId_withATime_followsTheBackupsOwnTimeline() throws Exception {
        RestorePlan.Plan p = all(Optional.of("2023-01-01T09:30:00Z"), Optional.of("2023-01-01 09:33:00"));
        assertEquals(2, p.timeline());
        assertEquals(" --set=20230101-093000F \"--target=2023-01-01 09:33:00\" --type=time --target-timeline=0x2 --target-action=promote",
                p.target().arguments());
    }

    @Test
    void aBackupId_withLatest_followsTheBackupsOwnTimeline() throws Exception {
        RestorePlan.Plan p = all(Optional.of("2023-01-01T09:00:00Z"), Optional.of("latest"));
        assertEquals(" --set=20230101-090000F --type=default --target-timeline=0x1", p.target().arguments());
    }

    @Test
    void aBackupId_withATimeBeforeTheBackupFinished_isRefused() {
        assertEquals("restore-to-time 2023-01-01 09:10:10 is before backup 2023-01-01T09:10:00Z finished (2023-01-01T09:10:30Z)",
                refusal(plan(List.of(A, B), List.of()), Optional.of("2023-01-01T09:10:00Z"), Optional.of("2023-01-01 09:10:10")));
    }

    @Test
    void aFailedBackup_orAnUnknownId_isInvalid() {
        RestorePlan p = plan(List.of(A, B, C, BROKEN), List.of(TL2, TL3));
        assertEquals("Invalid backup-id: 2023-01-01T09:35:00Z", refusal(p, Optional.of("2023-01-01T09:35:00Z"), Optional.empty()));
        assertEquals("Invalid backup-id: 2023-01-01T09:36:00Z", refusal(p, Optional.of("2023-01-01T09:36:00Z"), Optional.empty()));
        assertEquals("Invalid backup-id: 09:00", refusal(p, Optional.of("09:00"), Optional.empty()));
    }

    @Test
    void latest_followsTheNewestTimeline_fromTheNewestBackupOnTheWayToIt_notFromASiblingTimeline() throws Exception {
        RestorePlan.Plan p = all(Optional.empty(), Optional.of("latest"));
        assertEquals(3, p.timeline());
        // C (timeline 2) is newer than B, but timeline 3 branched off timeline 1: B is its base
        assertEquals(" --set=20230101-091000F --type=default --target-timeline=0x3", p.target().arguments());
        assertEquals(List.of("3"), historiesRead);
    }

    @Test
    void aTime_followsTheTimelineCurrentThen() throws Exception {
        RestorePlan.Plan onTwo = all(Optional.empty(), Optional.of("2023-01-01 09:35:00"));
        assertEquals(" --set=20230101-093000F \"--target=2023-01-01 09:35:00\" --type=time --target-timeline=0x2 --target-action=promote",
                onTwo.target().arguments());
        RestorePlan.Plan earlyOnTwo = all(Optional.empty(), Optional.of("2023-01-01 09:25:00"));
        // before C existed: A, on timeline 1 before timeline 2 branched off
        assertEquals(" --set=20230101-090000F \"--target=2023-01-01 09:25:00\" --type=time --target-timeline=0x2 --target-action=promote",
                earlyOnTwo.target().arguments());
        RestorePlan.Plan onThree = all(Optional.empty(), Optional.of("2023-01-01 10:00:00+00"));
        assertEquals(3, onThree.timeline());
        assertEquals(Optional.of(B), onThree.base());
        RestorePlan.Plan onOne = all(Optional.empty(), Optional.of("2023-01-01 09:15:00"));
        assertEquals(1, onOne.timeline());
        assertEquals(Optional.of(B), onOne.base());
    }

    @Test
    void aTime_withAnOffset_isComparedAsAnInstant() throws Exception {
        // 10:35 at +01:00 is 09:35 UTC: on timeline 2
        assertEquals(2, all(Optional.empty(), Optional.of("2023-01-01 10:35:00+01:00")).timeline());
    }

    @Test
    void aTimeBeforeTheFirstBackup_isRefused() {
        assertEquals("Can't find the nearest timeline before timestamp 2022-12-31 09:00:00 to restore",
                refusal(plan(List.of(A, B), List.of()), Optional.empty(), Optional.of("2022-12-31 09:00:00")));
    }

    @Test
    void aTimeOnATimelineNoBackupLeadsTo_isRefused() {
        // only C exists (A and B expired); timeline 3 branched off timeline 1, which no backup is on any more
        RestorePlan p = plan(List.of(C), List.of(TL2, TL3));
        assertEquals("There is no base backup to restore to 2023-01-01 09:45:00 on timeline 3: none finished by then on it or before it branched off",
                refusal(p, Optional.empty(), Optional.of("2023-01-01 09:45:00")));
        assertEquals("There is no base backup created from the latest timeline", refusal(p, Optional.empty(), Optional.of("latest")));
    }

    @Test
    void aTimelineRow_needsATime_andThenFollowsThatTimeline() throws Exception {
        RestorePlan p = plan(List.of(A, B, C), List.of(TL2, TL3));
        assertEquals("Cannot restore to the timeline without restore-to-time parameter",
                refusal(p, Optional.of("2023-01-01T09:20:00Z"), Optional.empty()));
        RestorePlan.Plan viaRow = p.plan(Optional.of("2023-01-01T09:20:00Z"), Optional.of("latest"));
        assertEquals(" --set=20230101-093000F --type=default --target-timeline=0x2", viaRow.target().arguments());
    }

    @Test
    void noBackupsAtAll_latestIsRefused() {
        assertEquals("Can't find the nearest timeline before timestamp latest to restore",
                refusal(plan(List.of(), List.of()), Optional.empty(), Optional.of("latest")));
    }

    @Test
    void timelinesCompareAsNumbers_notAsText() throws Exception {
        Timeline nine = new Timeline("9", "15-1", at(50));
        Timeline ten = new Timeline("A", "15-1", at(60));
        RestorePlan p = new RestorePlan(List.of(backup("20230101-100500F", 65, "A", "0/9000100", false)), List.of(nine, ten),
                tl -> TimelineHistory.FIRST);
        RestorePlan.Plan latest = p.plan(Optional.empty(), Optional.of("latest"));
        assertEquals(10, latest.timeline());
        assertEquals(" --set=20230101-100500F --type=default --target-timeline=0xA", latest.target().arguments());
    }
}
