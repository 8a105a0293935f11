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
        stage(path, content, owner, mode);
        run(Command.asRoot(DEADLINE, "mv", "-f", path + ".tmp", path), "move " + path + ".tmp to " + path);
    }

    /** One file's path and content, for {@link #replaceAll}; {@code toString} does not show the content. */
    public record Content(String path, String content) {
        @Override
        public String toString() {
            return "Content[" + path + "]";
        }
    }

    /**
     * Replaces several files that belong together (a key and its certificate): every new file is written
     * in full beside its old one before the first is renamed over, so a failure while writing leaves all
     * the old files in place (and the temporary ones are removed); only the renames, which do not fail
     * on a healthy volume, come after.
     */
    public void replaceAll(List<Content> files, String owner, String mode)
            throws WorkloadUnreachableException, WorkloadCommandException {
        try {
            for (Content f : files) {
                stage(f.path(), f.content(), owner, mode);
            }
        } catch (WorkloadCommandException e) {
            List<String> temps = new java.util.ArrayList<>();
            for (Content f : files) {
                temps.add(f.path() + ".tmp");
            }
            exec.run(removal(temps)); // best effort; the write's failure is what to report
            throw e;
        }
        for (Content f : files) {
            run(Command.asRoot(DEADLINE, "mv", "-f", f.path() + ".tmp", f.path()), "move " + f.path() + ".tmp to " + f.path());
        }
    }

    /** Removes these files; one that is not there is no failure. */
    public void removeAll(List<String> paths) throws WorkloadUnreachableException, WorkloadCommandException {
        run(removal(paths), "remove " + String.join(", ", paths));
    }

    private static Command removal(List<String> paths) {
        List<String> argv = new java.util.ArrayList<>(List.of("rm", "-f", "--"));
        argv.addAll(paths);
        return new Command(argv, Command.ROOT, null, DEADLINE, Command.DEFAULT_CAPTURE);
    }

    /** Writes {@code path.tmp} with its final owner and mode, from stdin. */
    private void stage(String path, String content, String owner, String mode)
            throws WorkloadUnreachableException, WorkloadCommandException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        String tmp = path + ".tmp";
        run(Command.asRoot(DEADLINE, "install", "-m", mode, "-o", owner, "-g", owner, "/dev/null", tmp), "create " + tmp);
        if (bytes.length > 0) {
            run(new Command(List.of("dd", "of=" + tmp, "bs=" + bytes.length, "count=1", "iflag=fullblock", "status=none"),
                    Command.ROOT, bytes, DEADLINE, 64 * 1024), "fill " + tmp);
        }
    }

    private void run(Command command, String what) throws WorkloadUnreachableException, WorkloadCommandException {
        ExecResult r = exec.run(command);
        if (!r.succeeded()) {
            throw new WorkloadCommandException("could not " + what + ": exit " + r.exitCode() + " " + r.stderr().strip());
        }
    }
}
