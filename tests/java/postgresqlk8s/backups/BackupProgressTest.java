package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

/** A running backup's progress read from pgBackRest's lock file, and the line the action logs for it. */
class BackupProgressTest {

    @Test
    void pgBackRest245sLock_percentTimes100_isShownAsWholePercent() {
        String lock = "{\"execId\":\"5315-eb28bec7\",\"pctCplt\":3752,\"pid\":5315}";
        assertEquals(Optional.of(new BackupProgress(3752, OptionalLong.empty(), OptionalLong.empty())), BackupProgress.inLock(lock));
        assertEquals("backup 37%", BackupProgress.lineFor(lock));
    }

    @Test
    void laterVersionsSizes_areShownAfterThePercent() {
        String lock = "{\"execId\":\"77-1a\",\"pctCplt\":3700,\"pid\":77,\"szCplt\":1288490189,\"sz\":3543348019}";
        assertEquals("backup 37% (1.2 GB of 3.3 GB)", BackupProgress.lineFor(lock));
    }

    @Test
    void startAndEnd() {
        assertEquals("backup 0%", BackupProgress.lineFor("{\"execId\":\"1-a\",\"pctCplt\":0,\"pid\":1}"));
        assertEquals("backup 100%", BackupProgress.lineFor("{\"pctCplt\":10000}"));
    }

    @Test
    void noLockYet_orNoPercentInIt_saysNoneReportedYet() {
        assertEquals(Messages.BACKUP_PROGRESS_UNKNOWN, BackupProgress.lineFor(""));
        assertEquals(Messages.BACKUP_PROGRESS_UNKNOWN, BackupProgress.lineFor("{\"execId\":\"5315-eb28bec7\",\"pid\":5315}"));
    }

    @Test
    void garbage_isNoReport_neverShownAsWritten() {
        assertEquals(Optional.empty(), BackupProgress.inLock("{\"pctCplt\":10001}"), "past 100%");
        assertEquals(Optional.empty(), BackupProgress.inLock("{\"pctCplt\":-5}"));
        assertEquals(Optional.empty(), BackupProgress.inLock("{\"pctCplt\":\"37; rm -rf /\"}"));
        assertEquals(Optional.empty(), BackupProgress.inLock("{\"pctCplt\":999999999999}"));
        assertEquals(Optional.empty(), BackupProgress.inLock("{\"pctCplt\":37.5}"));
        assertEquals(Optional.empty(), BackupProgress.inLock("not json at all"));
    }

    @Test
    void sizesThatDoNotGoTogether_areLeftOut_thePercentKept() {
        assertEquals("backup 50%", BackupProgress.lineFor("{\"pctCplt\":5000,\"szCplt\":9000,\"sz\":10}"), "more copied than in all");
        assertEquals("backup 50%", BackupProgress.lineFor("{\"pctCplt\":5000,\"szCplt\":9000}"), "no total");
        assertEquals("backup 50%", BackupProgress.lineFor("{\"pctCplt\":5000,\"szCplt\":9,\"sz\":99999999999999999999}"), "not a count");
    }

    @Test
    void sizes_asPgBackRestShowsThem() {
        assertEquals("512 B", BackupProgress.size(512));
        assertEquals("1.0 KB", BackupProgress.size(1024));
        assertEquals("1.5 MB", BackupProgress.size(1024 * 1024 * 3 / 2));
        assertEquals("3.3 GB", BackupProgress.size(3543348019L));
    }
}
