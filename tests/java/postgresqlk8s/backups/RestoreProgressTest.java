package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import jujuops.StoredState;

/** How far a restore is: the data directory's size against the backup's, in the unit's own state. */
class RestoreProgressTest {

    private final StoredState stored = new StoredState();
    private final RestoreProgress progress = new RestoreProgress(stored);

    @Test
    void percentWritten_ofTheBackupsDatabaseSize() {
        progress.expect(OptionalLong.of(1_000_000));
        assertEquals(Optional.of(0), progress.percent(0));
        assertEquals(Optional.of(37), progress.percent(375_000));
        assertEquals("restoring backup (37%)", progress.status(progress.percent(375_000)));
    }

    @Test
    void recoveryAddsWalPastTheBackupsSize_staysAt99_untilTheClusterRuns() {
        progress.expect(OptionalLong.of(1_000_000));
        assertEquals(Optional.of(99), progress.percent(1_000_000));
        assertEquals(Optional.of(99), progress.percent(5_000_000));
    }

    @Test
    void sizeUnknown_theReferencesWordsAlone() {
        progress.expect(OptionalLong.of(1_000_000));
        progress.expect(OptionalLong.empty()); // the next restore's backup has no size: the last one's says nothing
        assertEquals(Optional.empty(), stored.get(RestoreProgress.KEY));
        assertEquals(Optional.empty(), progress.percent(375_000));
        assertEquals("restoring backup", progress.status(progress.percent(375_000)));
        progress.expect(OptionalLong.of(0));
        assertEquals(Optional.empty(), progress.percent(375_000), "an empty database gives no percent");
    }

    @Test
    void garbageInTheUnitState_noPercent() {
        stored.put(RestoreProgress.KEY, "lots");
        assertEquals(Optional.empty(), progress.percent(375_000));
        stored.put(RestoreProgress.KEY, "-5");
        assertEquals(Optional.empty(), progress.percent(375_000));
    }

    @Test
    void forget() {
        progress.expect(OptionalLong.of(1_000_000));
        progress.forget();
        assertEquals(Optional.empty(), stored.get(RestoreProgress.KEY));
    }
}
