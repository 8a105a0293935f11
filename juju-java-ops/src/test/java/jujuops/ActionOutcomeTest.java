package jujuops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import jujuops.model.Status;

class ActionOutcomeTest {

    @Test
    void fail_carriesItsMessage_andDoneHasNone() {
        assertEquals(Optional.of("no s3"), ActionOutcome.fail("no s3").failure());
        assertEquals(Optional.empty(), ActionOutcome.done().failure());
        assertEquals(Optional.empty(), ActionOutcome.results(Map.of("a", "1")).failure());
    }

    @Test
    void fail_withoutAMessage_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> ActionOutcome.fail(null));
        assertThrows(IllegalArgumentException.class, () -> ActionOutcome.fail("  "));
    }

    @Test
    void results_merge_laterKeysWin() {
        ActionOutcome o = ActionOutcome.results(Map.of("a", "1", "b", "2")).withResults(Map.of("b", "3"));

        assertEquals(Map.of("a", "1", "b", "3"), o.results());
        assertEquals(Optional.empty(), o.failure());
    }

    @Test
    void withStatus_keepsTheFailure() {
        ActionOutcome o = ActionOutcome.fail("cannot stop").withStatus(Status.active());

        assertEquals(Optional.of("cannot stop"), o.failure());
        assertEquals(Optional.of(Status.active()), o.status());
        assertEquals(Optional.empty(), ActionOutcome.fail("x").status());
    }

    @Test
    void statusACharmCannotSet_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> ActionOutcome.done().withStatus(Status.unknown()));
        assertThrows(NullPointerException.class, () -> ActionOutcome.done().withStatus(null));
    }
}
