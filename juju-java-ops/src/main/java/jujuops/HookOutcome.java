package jujuops;

import java.util.Optional;

import jujuops.model.Status;

/**
 * What a hook observer decided: done, or defer to the next dispatch; optionally with a unit status to
 * set. A hook has no results and cannot fail (a hook that cannot go on defers or sets a status).
 */
public final class HookOutcome {

    private static final HookOutcome DONE = new HookOutcome(false, null);
    private static final HookOutcome DEFER = new HookOutcome(true, null);

    private final boolean deferred;
    private final Status status;

    private HookOutcome(boolean deferred, Status status) {
        this.deferred = deferred;
        this.status = status;
    }

    public static HookOutcome done() {
        return DONE;
    }

    /** Run this observer again for this event at the start of the next dispatch. */
    public static HookOutcome defer() {
        return DEFER;
    }

    /** Done, setting the unit status. */
    public static HookOutcome status(Status status) {
        return DONE.withStatus(status);
    }

    public HookOutcome withStatus(Status newStatus) {
        return new HookOutcome(deferred, Outcomes.settable(newStatus));
    }

    public boolean deferred() {
        return deferred;
    }

    public Optional<Status> status() {
        return Optional.ofNullable(status);
    }

    @Override
    public String toString() {
        return (deferred ? "DEFER" : "DONE") + (status != null ? " status=" + status : "");
    }
}
