package postgresqlk8s.backups;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import postgresqlk8s.workload.Command;
import postgresqlk8s.workload.ExecResult;
import postgresqlk8s.workload.WorkloadExec;
import postgresqlk8s.workload.WorkloadUnreachableException;

/**
 * A scripted workload container. Each command is known by a verb: pgBackRest's command (its first
 * argument that is not an option)
 * ({@code stanza-create}, {@code check}, {@code backup}, {@code info}, {@code server-ping}), {@code pebble
 * <verb>}, or argv[0]'s file name ({@code pg_controldata}). Answers are enqueued per verb; the last one
 * stays; unknown verbs succeed silently, {@code info} with no answer enqueued reports an empty
 * repository ({@code []}), as pgBackRest does under a path that holds no stanza, and {@code repo-ls} an
 * empty folder.
 * Files written with the install/dd/mv sequence are kept by path ({@code rm -f -- paths} removes them).
 */
final class FakeWorkloadExec implements WorkloadExec {

    static final ExecResult OK = new ExecResult(0, "", "", false);
    /** pgBackRest's repo-ls always answers JSON: an empty folder lists only itself. */
    static final ExecResult EMPTY_FOLDER = new ExecResult(0, "{\".\":{\"type\":\"path\"}}", "", false);
    static final ExecResult EMPTY_REPOSITORY = new ExecResult(0, "[]", "", false);

    private final Map<String, Deque<ExecResult>> answers = new HashMap<>();
    private final List<Command> commands = new ArrayList<>();
    private final Map<String, String> files = new LinkedHashMap<>();
    private final Map<String, String> modes = new HashMap<>();
    private boolean unreachable;

    static String verb(Command c) {
        List<String> argv = c.argv();
        if (argv.get(0).equals("pgbackrest")) {
            return argv.stream().skip(1).filter(a -> !a.startsWith("--")).findFirst().orElse("pgbackrest");
        }
        if (argv.get(0).endsWith("pebble")) {
            return "pebble " + argv.get(1);
        }
        return argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1);
    }

    FakeWorkloadExec answer(String verb, ExecResult... results) {
        Deque<ExecResult> queue = answers.computeIfAbsent(verb, k -> new ArrayDeque<>());
        queue.addAll(List.of(results));
        return this;
    }

    /** Replaces whatever was enqueued for this verb. */
    FakeWorkloadExec reanswer(String verb, ExecResult... results) {
        answers.remove(verb);
        return answer(verb, results);
    }

    FakeWorkloadExec fail(String verb, int exitCode, String stderr) {
        return answer(verb, new ExecResult(exitCode, "", stderr, false));
    }

    FakeWorkloadExec unreachable() {
        unreachable = true;
        return this;
    }

    /** The commands so far, the live list (a test may clear it); read it once the flow is over. */
    synchronized List<Command> commands() {
        return commands;
    }

    synchronized List<String> verbs() {
        List<String> out = new ArrayList<>();
        commands.forEach(c -> out.add(verb(c)));
        return out;
    }

    String file(String path) {
        return files.get(path);
    }

    String mode(String path) {
        return modes.get(path);
    }

    /**
     * A command that runs until another one comes: {@code verb} answers {@code result} only once
     * {@code releasedBy} has run (as a backup ends when {@code stop --force} comes), or after 10 s.
     */
    FakeWorkloadExec holdUntil(String verb, String releasedBy, ExecResult result) {
        held.put(verb, new Hold(releasedBy, new java.util.concurrent.CountDownLatch(1), result));
        return this;
    }

    private record Hold(String releasedBy, java.util.concurrent.CountDownLatch released, ExecResult result) {
    }

    private final Map<String, Hold> held = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public ExecResult run(Command command) throws WorkloadUnreachableException {
        String verb = verb(command);
        Hold hold = held.get(verb);
        if (hold == null) {
            return answerNow(command);
        }
        synchronized (this) {
            commands.add(command);
        }
        try {
            hold.released().await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return hold.result();
    }

    private synchronized ExecResult answerNow(Command command) throws WorkloadUnreachableException {
        commands.add(command);
        String verb = verb(command);
        held.values().stream().filter(h -> h.releasedBy().equals(verb)).forEach(h -> h.released().countDown());
        if (unreachable) {
            throw new WorkloadUnreachableException("pod postgresql-k8s-0 is not reachable");
        }
        Deque<ExecResult> queue = answers.get(verb);
        ExecResult result = verb.equals("info") ? EMPTY_REPOSITORY : verb.equals("repo-ls") ? EMPTY_FOLDER : OK;
        if (queue != null && !queue.isEmpty()) {
            result = queue.size() > 1 ? queue.poll() : queue.peek();
        }
        if (result.succeeded()) {
            keepFiles(command);
        }
        return result;
    }

    private void keepFiles(Command c) {
        List<String> argv = c.argv();
        if (argv.get(0).equals("install")) {
            String path = argv.get(argv.size() - 1);
            files.put(path, "");
            modes.put(path, argv.get(argv.indexOf("-m") + 1));
        } else if (argv.get(0).equals("dd")) {
            files.put(argv.get(1).substring("of=".length()), new String(c.stdin(), StandardCharsets.UTF_8));
        } else if (argv.get(0).equals("rm")) {
            for (String path : argv.subList(argv.indexOf("--") + 1, argv.size())) {
                files.remove(path);
                modes.remove(path);
            }
        } else if (argv.get(0).equals("mv")) {
            String from = argv.get(argv.size() - 2);
            String to = argv.get(argv.size() - 1);
            files.put(to, files.remove(from));
            modes.put(to, modes.remove(from));
        }
    }
}
