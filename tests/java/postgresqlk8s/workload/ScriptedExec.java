package postgresqlk8s.workload;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A workload container that answers commands in the order the test enqueued the answers, and records
 * every command it was asked to run. A command with no answer left succeeds with no output. Shared by
 * the tests of the workload adapters and of what writes through them (Patroni's configuration).
 */
public final class ScriptedExec implements WorkloadExec {

    public static final ExecResult OK = new ExecResult(0, "", "", false);

    /** One enqueued answer: a result, or the container not answering. */
    private record Answer(ExecResult result, String unreachable) {}

    private final Deque<Answer> answers = new ArrayDeque<>();
    private final Deque<Command> asked = new ArrayDeque<>();
    private final List<Command> commands = new ArrayList<>();

    public ScriptedExec enqueue(ExecResult result) {
        answers.add(new Answer(result, null));
        return this;
    }

    public ScriptedExec enqueueFailure(int exitCode, String stderr) {
        return enqueue(new ExecResult(exitCode, "", stderr, false));
    }

    public ScriptedExec enqueueUnreachable(String message) {
        answers.add(new Answer(null, message));
        return this;
    }

    /** The oldest command not yet taken. */
    public Command take() {
        Command c = asked.poll();
        if (c == null) {
            throw new AssertionError("no further command was run; all of them: " + commands);
        }
        return c;
    }

    public List<Command> commands() {
        return List.copyOf(commands);
    }

    @Override
    public ExecResult run(Command command) throws WorkloadUnreachableException {
        commands.add(command);
        asked.add(command);
        Answer answer = answers.poll();
        if (answer == null) {
            return OK;
        }
        if (answer.unreachable() != null) {
            throw new WorkloadUnreachableException(answer.unreachable());
        }
        return answer.result();
    }
}
