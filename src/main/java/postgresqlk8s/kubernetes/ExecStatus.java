package postgresqlk8s.kubernetes;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import jujuops.json.Json;
import jujuops.json.JsonException;

/**
 * How the container runtime says an exec ended: the {@code metav1.Status} on channel 3, which is the
 * truth about the exit code (never the socket's close code).
 *
 * <ul>
 *   <li>{@code Success}: exit code 0.</li>
 *   <li>{@code Failure} with a cause {@code reason=ExitCode}: that cause's message is the exit code.</li>
 *   <li>{@code Failure} without one: the runtime could not start the process (binary missing, not
 *       executable). Reported like a shell does, as exit code {@link #NOT_STARTED} with the status
 *       message to append to stderr. Inside the {@code timeout} wrapper a missing binary already ends
 *       that way (timeout and runuser exit 127), so callers see one behaviour wherever it was noticed.</li>
 * </ul>
 *
 * @param message for a process that never started, the runtime's words; null otherwise
 */
record ExecStatus(int exitCode, String message) {

    static final int NOT_STARTED = 127;

    /** The status could not be read: a protocol error, not an exit code. */
    static final class UnreadableStatus extends Exception {
        UnreadableStatus(String message) {
            super(message);
        }
    }

    static ExecStatus parse(byte[] json) throws UnreadableStatus {
        Map<String, Object> status;
        try {
            status = Json.parseObject(new String(json, StandardCharsets.UTF_8));
        } catch (JsonException e) {
            throw new UnreadableStatus("unreadable exec status: " + e.getMessage());
        }
        Object outcome = status.get("status");
        if ("Success".equals(outcome)) {
            return new ExecStatus(0, null);
        }
        if (!"Failure".equals(outcome)) {
            throw new UnreadableStatus("exec status is neither Success nor Failure: " + outcome);
        }
        String exitCode = exitCodeCause(status);
        if (exitCode == null) {
            Object message = status.getOrDefault("message", "the command could not be started");
            return new ExecStatus(NOT_STARTED, String.valueOf(message));
        }
        try {
            return new ExecStatus(Integer.parseInt(exitCode.trim()), null);
        } catch (NumberFormatException e) {
            throw new UnreadableStatus("exec status has a non-numeric exit code: " + exitCode);
        }
    }

    private static String exitCodeCause(Map<String, Object> status) {
        if (!(status.get("details") instanceof Map<?, ?> details) || !(details.get("causes") instanceof List<?> causes)) {
            return null;
        }
        for (Object cause : causes) {
            if (cause instanceof Map<?, ?> c && "ExitCode".equals(c.get("reason")) && c.get("message") instanceof String m) {
                return m;
            }
        }
        return null;
    }
}
