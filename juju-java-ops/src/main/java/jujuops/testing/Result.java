package jujuops.testing;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import jujuops.model.Status;

/**
 * What came out of one event: the new state, the exit code, and the side channels a Juju user sees
 * (action results, action failure, action log, juju-log lines, every status set in order, every
 * hook-tool call).
 */
public record Result(
        State state,
        int exitCode,
        Map<String, String> actionResults,
        Optional<String> actionFailure,
        List<String> actionLogs,
        List<String> logs,
        List<Status> statusHistory,
        List<String> calls) {

    public Result {
        actionResults = Map.copyOf(actionResults);
        actionLogs = List.copyOf(actionLogs);
        logs = List.copyOf(logs);
        statusHistory = List.copyOf(statusHistory);
        calls = List.copyOf(calls);
    }

    public Status unitStatus() {
        return state.unitStatus();
    }

    /** True when the process would have exited 0. */
    public boolean succeeded() {
        return exitCode == 0;
    }
}
