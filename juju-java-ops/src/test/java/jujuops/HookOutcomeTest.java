package jujuops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import jujuops.model.Status;

class HookOutcomeTest {

    @Test
    void done_andDefer_sayWhetherToRunAgain() {
        assertFalse(HookOutcome.done().deferred());
        assertTrue(HookOutcome.defer().deferred());
        assertFalse(HookOutcome.status(Status.active()).deferred());
    }

    @Test
    void withStatus_keepsTheDeferral() {
        HookOutcome o = HookOutcome.defer().withStatus(Status.waiting("for s3"));

        assertTrue(o.deferred());
        assertEquals(Optional.of(Status.waiting("for s3")), o.status());
        assertEquals(Optional.empty(), HookOutcome.defer().status());
    }

    @Test
    void statusACharmCannotSet_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> HookOutcome.status(Status.unknown()));
        assertThrows(IllegalArgumentException.class, () -> HookOutcome.done().withStatus(new Status(Status.Kind.ERROR, "x")));
        assertThrows(NullPointerException.class, () -> HookOutcome.done().withStatus(null));
    }
}
