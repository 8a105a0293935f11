package jujuops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import jujuops.model.Status;

/**
 * What a handler decided: done, defer, or (actions only) fail with a message; optionally with action
 * results and a unit status to set. {@link Dispatcher} is the one place that turns outcomes into
 * hook-tool calls.
 */
public final class Outcome {

    public enum Verdict { DONE, DEFER, FAIL }

    private static final Outcome DONE = new Outcome(Verdict.DONE, null, Map.of(), null);
    private static final Outcome DEFER = new Outcome(Verdict.DEFER, null, Map.of(), null);

    private final Verdict verdict;
    private final String failure;
    private final Map<String, String> results;
    private final Status status;

    private Outcome(Verdict verdict, String failure, Map<String, String> results, Status status) {
        this.verdict = verdict;
        this.failure = failure;
        this.results = results;
        this.status = status;
    }

    public static Outcome done() {
        return DONE;
    }

    /** Run this handler again for this event at the start of the next dispatch. Not for actions. */
    public static Outcome defer() {
        return DEFER;
    }

    /** Fails the action with a message the operator sees (`juju run` prints it). */
    public static Outcome fail(String message) {
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("a failed action needs a message");
        }
        return new Outcome(Verdict.FAIL, message, Map.of(), null);
    }

    /** Completes an action with these results (dotted keys nest, as in `action-set`). */
    public static Outcome results(Map<String, String> results) {
        return DONE.withResults(results);
    }

    public static Outcome status(Status status) {
        return DONE.withStatus(status);
    }

    public Outcome withStatus(Status newStatus) {
        Objects.requireNonNull(newStatus, "status");
        if (!newStatus.settable()) {
            throw new IllegalArgumentException("a charm cannot set status " + newStatus.kind());
        }
        return new Outcome(verdict, failure, results, newStatus);
    }

    public Outcome withResults(Map<String, String> more) {
        Map<String, String> merged = new LinkedHashMap<>(results);
        merged.putAll(more);
        return new Outcome(verdict, failure, Map.copyOf(merged), status);
    }

    public Verdict verdict() {
        return verdict;
    }

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
        return verdict + (failure != null ? "(" + failure + ")" : "") + (status != null ? " status=" + status : "");
    }
}
