package postgresqlk8s.workload;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Writes files into the workload container through exec, without a shell: the file is created empty
 * with its final owner and mode first (so a secret never sits in a readable file), filled from stdin by
 * a reader that stops after a known length (works on exec protocols without stdin EOF), then renamed
 * over the old one.
 */
public final class WorkloadFiles {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final WorkloadExec exec;

    public WorkloadFiles(WorkloadExec exec) {
        this.exec = exec;
    }

    /**
     * @param mode octal, e.g. "0600"
     * @throws WorkloadCommandException when a step fails (the message never holds the content)
     */
    public void write(String path, String content, String owner, String mode)
            throws WorkloadUnreachableException, WorkloadCommandException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        String tmp = path + ".tmp";
        run(Command.asRoot(DEADLINE, "install", "-m", mode, "-o", owner, "-g", owner, "/dev/null", tmp), "create " + tmp);
        if (bytes.length > 0) {
            run(new Command(List.of("dd", "of=" + tmp, "bs=" + bytes.length, "count=1", "iflag=fullblock", "status=none"),
                    Command.ROOT, bytes, DEADLINE, 64 * 1024), "fill " + tmp);
        }
        run(Command.asRoot(DEADLINE, "mv", "-f", tmp, path), "move " + tmp + " to " + path);
    }

    private void run(Command command, String what) throws WorkloadUnreachableException, WorkloadCommandException {
        ExecResult r = exec.run(command);
        if (!r.succeeded()) {
            throw new WorkloadCommandException("could not " + what + ": exit " + r.exitCode() + " " + r.stderr().strip());
        }
    }
}
