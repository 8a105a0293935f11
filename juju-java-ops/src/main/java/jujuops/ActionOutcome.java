package jujuops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jujuops.model.Status;

/**
 * What an action observer decided: done with results, or failed with a message the operator sees;
 * optionally with a unit status to set. An action cannot be deferred: the operator waits for it.
 */
public final class ActionOutcome {

    private static final ActionOutcome DONE = new ActionOutcome(null, Map.of(), null);

    private final String failure;
    private final Map<String, String> results;
    private final Status status;

    private ActionOutcome(String failure, Map<String, String> results, Status status) {
        this.failure = failure;
        this.results = results;
        this.status = status;
    }

    /** Done, with no results. */
    public static ActionOutcome done() {
        return DONE;
    }

    /** Completes the action with these results (dotted keys nest, as in `action-set`). */
    public static ActionOutcome results(Map<String, String> results) {
        return DONE.withResults(results);
    }

    /** Fails the action with a message the operator sees (`juju run` prints it). */
    public static ActionOutcome fail(String message) {
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("a failed action needs a message");
        }
        return new ActionOutcome(message, Map.of(), null);
    }

    public ActionOutcome withStatus(Status newStatus) {
        return new ActionOutcome(failure, results, Outcomes.settable(newStatus));
    }

    /** These results added to the ones already given; a key given again takes the new value. */
    public ActionOutcome withResults(Map<String, String> more) {
        Map<String, String> merged = new LinkedHashMap<>(results);
        merged.putAll(more);
        return new ActionOutcome(failure, Map.copyOf(merged), status);
    }

    /** The failure message, when the action failed. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    public Map<String, String> results() {
        return results;
    }

    public Optional<Status> status() {
        return Optional.ofNullable(status);
    }

    @Override
    public String toString() {
        return (failure != null ? "FAIL(" + failure + ")" : "DONE") + (results.isEmpty() ? "" : " results=" + results)
                + (status != null ? " status=" + status : "");
    }
}
