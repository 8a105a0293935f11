package e2e;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The fault matrix ({@code tests/faults/run}): each fault of {@link Faults} injected through the real
 * parts of the local stack (S3Proxy stopped, frozen or killed by PID, ...), the charm driven only through
 * its dispatch, and the end state checked the same way for every fault: the database serves (a query on
 * the primary), and the backups are intact (every backup listed before the fault is still listed by
 * list-backups, and {@code pgbackrest verify} finds no error). One line per fault, and the same table in
 * {@code docs/reliability.md}.
 *
 * <p>The faults run in order on one stack, each leaving it as a user would find it after the fault's
 * documented step (S3 back, a new restore), so that the next one starts from a healthy cluster.
 */
public final class FaultRunner {

    /** Whether the unit came back to health by itself once the fault's reason went away. */
    public enum Healing {
        YES("yes"), NO("no"), NOT_APPLICABLE("n.a.");

        final String text;

        Healing(String text) {
            this.text = text;
        }
    }

    /**
     * What a fault's scenario says of itself: the end state a user sees (a status or an action's result),
     * whether it healed without the operator, and the step after which the database serves again when
     * the fault stops it on purpose (empty when it never stops).
     */
    public record Outcome(String endState, Healing healed, String servesAfter) {
        public static Outcome of(String endState, Healing healed) {
            return new Outcome(endState, healed, "");
        }
    }

    /** One fault's line of the table. */
    public record Line(String fault, String endState, boolean serving, String servesAfter, boolean intact, String intactWhy,
            Healing healed, Healing expected) {

        public String text() {
            return "fault: " + fault + " | end state: " + endState + " | database serving: " + servingText()
                    + " | backups intact: " + (intact ? "yes" : "no (" + intactWhy + ")") + " | healed without operator: " + healed.text;
        }

        String servingText() {
            String yes = servesAfter.isEmpty() ? "yes" : "yes, after " + servesAfter;
            return serving ? yes : "no";
        }

        /** Everything the issue asks of the line holds. */
        public boolean holds() {
            return serving && intact && healed == expected;
        }
    }

    /** A fault: its name in the table, the healing it must show, and how to inject it and wait for its end. */
    public record Fault(String name, Healing expected, Scenario scenario) {
    }

    @FunctionalInterface
    public interface Scenario {
        Outcome run(FaultBench bench) throws Exception;
    }

    private FaultRunner() {
    }

    /**
     * Runs the faults of {@code part} whose names {@code only} accepts on a bench of their own, printing as
     * it goes; stops the stack on every way out. No bench when none is accepted.
     */
    public static List<Line> run(Path charmDir, PrintStream out, Faults.Part part, Predicate<String> only) throws IOException {
        List<Line> lines = new ArrayList<>();
        if (part.faults().stream().noneMatch(f -> only.test(f.name()))) {
            return lines;
        }
        try (FaultBench bench = FaultBench.start(charmDir, out, part.volumeBytes())) {
            for (Fault fault : part.faults()) {
                if (!only.test(fault.name())) {
                    continue;
                }
                out.println("== fault: " + fault.name());
                long start = System.nanoTime();
                Line line = bench.inject(fault);
                out.printf("== the fault took %d s (its checks included)%n", (System.nanoTime() - start) / 1_000_000_000);
                out.println(line.text());
                lines.add(line);
            }
        }
        return lines;
    }

    /**
     * Writes one part's table into docs/reliability.md, leaving the other parts' tables as they are (the
     * test command runs the parts in three JVMs at once, so the rewrite holds a lock on a file in target/).
     */
    public static void writePart(Path doc, Faults.Part part, List<Line> lines) throws IOException {
        Path lockFile = Files.createDirectories(Path.of("target")).resolve("reliability.md.lock");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(lockFile,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock lock = ch.lock()) {
            String found = Files.exists(doc) ? Files.readString(doc) : "";
            String text = Faults.parts().stream().allMatch(p -> found.contains(begin(p)) && found.contains(end(p))) ? found : skeleton();
            // the words above the tables are the runner's own, rewritten every time; the tables are the parts'
            String first = begin(Faults.parts().get(0));
            text = skeleton().substring(0, skeleton().indexOf(first)) + text.substring(text.indexOf(first));
            int from = text.indexOf(begin(part));
            int to = text.indexOf(end(part)) + end(part).length();
            Files.writeString(doc, text.substring(0, from) + section(part, lines) + text.substring(to));
        }
    }

    /** The whole document with every part's table empty. */
    static String skeleton() {
        StringBuilder md = new StringBuilder();
        md.append("# Reliability: the fault matrix\n\n");
        md.append("Written by `tests/faults/run` (and by the test command: `FaultMatrixIT`, `FaultMatrixBackupsIT` and\n");
        md.append("`FaultMatrixClusterIT`, a part each, side by side) on the local stack: PostgreSQL 15, Patroni, pgBackRest\n");
        md.append("and S3Proxy in pods driven through the charm's `dispatch`, as in the README's main job. Each fault is\n");
        md.append("injected through the real parts (S3Proxy stopped, frozen with SIGSTOP or killed by PID, a process killed,\n");
        md.append("the exec connection cut, a file spoilt, ...), then the runner checks that the database serves (a query on\n");
        md.append("the primary) and that the backups are intact (every backup listed before the fault is listed after it,\n");
        md.append("and `pgbackrest verify` finds no error).\n");
        md.append("\"Healed without operator\" is \"yes\" when the unit came back to health by itself once the fault's reason\n");
        md.append("went away, \"n.a.\" when the operator's own step is the fix (wrong settings corrected).\n");
        for (Faults.Part p : Faults.parts()) {
            md.append('\n').append(section(p, List.of()));
        }
        return md.toString();
    }

    private static String begin(Faults.Part part) {
        return "<!-- faults: " + part.name() + " -->";
    }

    private static String end(Faults.Part part) {
        return "<!-- end of faults: " + part.name() + " -->";
    }

    /** One part's heading and table, between the markers that let it be rewritten alone. */
    static String section(Faults.Part part, List<Line> lines) {
        StringBuilder md = new StringBuilder(begin(part)).append('\n');
        md.append("## ").append(part.title()).append("\n\n");
        md.append("| fault | end state | database serving | backups intact | healed without operator |\n");
        md.append("|---|---|---|---|---|\n");
        for (Line l : lines) {
            md.append("| ").append(cell(l.fault())).append(" | ").append(cell(l.endState())).append(" | ").append(cell(l.servingText()))
                    .append(" | ").append(l.intact() ? "yes" : "no (" + cell(l.intactWhy()) + ")").append(" | ").append(l.healed().text)
                    .append(" |\n");
        }
        if (lines.isEmpty()) {
            md.append("| (not run yet) | | | | |\n");
        }
        return md.append(end(part)).toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    /**
     * {@code tests/faults/run [charm dir] [part or fault name ...]}: every fault (or those named, or those
     * of the parts named: {@code one-unit}, {@code backups}, {@code cluster}), the table on stdout, and in
     * docs/reliability.md each part run whole; exits 1 when a line does not hold.
     */
    public static void main(String[] args) throws Exception {
        Path charmDir = Path.of(args.length > 0 ? args[0] : "target/charm").toAbsolutePath();
        List<String> named = args.length > 1 ? List.of(args).subList(1, args.length) : List.of();
        List<Line> all = new ArrayList<>();
        for (Faults.Part part : Faults.parts()) {
            boolean whole = named.isEmpty() || named.contains(part.name());
            List<Line> lines = run(charmDir, System.out, part, name -> whole || named.contains(name));
            if (whole) {
                writePart(Path.of("docs/reliability.md"), part, lines);
                System.out.println("(" + part.name() + " written to docs/reliability.md)");
            }
            all.addAll(lines);
        }
        System.out.println();
        all.forEach(l -> System.out.println(l.text()));
        System.exit(all.stream().allMatch(Line::holds) ? 0 : 1);
    }
}
