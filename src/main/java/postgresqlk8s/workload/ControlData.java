package postgresqlk8s.workload;

import java.time.Duration;
import java.util.Optional;

/** {@code pg_controldata} of the data directory: what the database's control file says of it. */
public final class ControlData {

    static final String SYSTEM_ID_LINE = "Database system identifier:";

    private final WorkloadExec exec;
    private final WorkloadLayout layout;

    public ControlData(WorkloadExec exec, WorkloadLayout layout) {
        this.exec = exec;
        this.layout = layout;
    }

    /**
     * The database's system identifier, read as the database owner (the data directory is 0700).
     *
     * @throws WorkloadCommandException when pg_controldata fails or prints no identifier; the message says
     *         which, never the output itself
     */
    public SystemId systemId() throws WorkloadUnreachableException, WorkloadCommandException {
        ExecResult r = exec.run(Command.asPostgres(Duration.ofSeconds(30),
                layout.pgBinDir() + "/pg_controldata", layout.dataDir()));
        if (!r.succeeded()) {
            String err = r.stderr().strip();
            throw new WorkloadCommandException(err.isEmpty() ? "pg_controldata exited " + r.exitCode() : err);
        }
        return parse(r.stdout()).orElseThrow(() -> new WorkloadCommandException(
                "pg_controldata printed no numeric \"Database system identifier\" line"));
    }

    static final String STATE_LINE = "Database cluster state:";

    /**
     * pg_control's "Database cluster state" ({@code in production}, {@code in archive recovery}, {@code shut
     * down}, ...); empty when pg_controldata cannot read a control file (none yet: pgBackRest restores
     * {@code global/pg_control} last, so a restore cut short has none) or prints no state.
     */
    public Optional<String> clusterState() throws WorkloadUnreachableException {
        ExecResult r = exec.run(Command.asPostgres(Duration.ofSeconds(30),
                layout.pgBinDir() + "/pg_controldata", layout.dataDir()));
        if (!r.succeeded()) {
            return Optional.empty();
        }
        for (String line : r.stdout().split("\n")) {
            if (line.startsWith(STATE_LINE)) {
                String state = line.substring(STATE_LINE.length()).strip();
                return state.isEmpty() ? Optional.empty() : Optional.of(state);
            }
        }
        return Optional.empty();
    }

    /** The identifier from pg_controldata's output; empty when no line holds a number. */
    static Optional<SystemId> parse(String output) {
        for (String line : output.split("\n")) {
            if (line.startsWith(SYSTEM_ID_LINE)) {
                String value = line.substring(SYSTEM_ID_LINE.length()).strip();
                try {
                    return Optional.of(new SystemId(value));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
