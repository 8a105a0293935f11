package jujuops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import jujuops.model.Status;

class OutcomeTest {

    @Test
    void done_defer_fail_haveTheirVerdicts() {
        assertEquals(Outcome.Verdict.DONE, Outcome.done().verdict());
        assertEquals(Outcome.Verdict.DEFER, Outcome.defer().verdict());
        assertEquals(Outcome.Verdict.FAIL, Outcome.fail("no s3").verdict());
        assertEquals(Optional.of("no s3"), Outcome.fail("no s3").failure());
        assertEquals(Optional.empty(), Outcome.done().failure());
    }

    @Test
    void fail_withoutAMessage_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> Outcome.fail(null));
        assertThrows(IllegalArgumentException.class, () -> Outcome.fail("  "));
    }

    @Test
    void results_merge_laterKeysWin() {
        Outcome o = Outcome.results(Map.of("a", "1", "b", "2")).withResults(Map.of("b", "3"));

        assertEquals(Map.of("a", "1", "b", "3"), o.results());
        assertEquals(Outcome.Verdict.DONE, o.verdict());
    }

    @Test
    void withStatus_keepsTheVerdict() {
        Outcome o = Outcome.defer().withStatus(Status.waiting("for s3"));

        assertEquals(Outcome.Verdict.DEFER, o.verdict());
        assertEquals(Optional.of(Status.waiting("for s3")), o.status());
        assertEquals(Optional.empty(), Outcome.defer().status());
    }

    @Test
    void statusACharmCannotSet_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> Outcome.status(Status.unknown()));
        assertThrows(IllegalArgumentException.class, () -> Outcome.done().withStatus(new Status(Status.Kind.ERROR, "x")));
        assertThrows(NullPointerException.class, () -> Outcome.done().withStatus(null));
    }
}
