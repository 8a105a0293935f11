package e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Small helpers to run commands for the local stack, bounded in time, output captured. */
final class Processes {

    /** How a command ended. */
    record Result(int exitCode, String output) {
        Result check(String what) {
            if (exitCode != 0) {
                throw new IllegalStateException(what + " failed (exit " + exitCode + "):\n" + output);
            }
            return this;
        }
    }

    private Processes() {}

    static Result run(long seconds, Map<String, String> env, String... argv) {
        try {
            Path out = Files.createTempFile("stack", ".out");
            try {
                ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    return new Result(124, Files.readString(out) + "\n(killed after " + seconds + " s)");
                }
                return new Result(p.exitValue(), Files.readString(out));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            return new Result(127, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(130, "interrupted");
        }
    }

    static Result run(long seconds, String... argv) {
        return run(seconds, Map.of(), argv);
    }

    /** Starts a long-running process with its output in a log file. */
    static Process start(Path log, List<String> argv) throws IOException {
        return new ProcessBuilder(new ArrayList<>(argv)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** Ends a process we started: TERM, then KILL after the bound. */
    static void stop(Process p, long seconds) {
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    /** Polls until the condition holds or the bound passes; true when it held. */
    static boolean await(long seconds, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    /** A process this test started must not outlive it: its descendants, then itself, by PID. */
    static void stopTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    /** A file's text for a message, or what kept it from being read. */
    static String readQuietly(java.nio.file.Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            return "(" + e + ")";
        }
    }

    /** The charm's JVM a stand-in agent dispatched: its direct child once dispatch has exec'd java. */
    static java.util.Optional<ProcessHandle> charmJvm(Process agent) {
        return agent.children().filter(h -> h.info().command().map(c -> c.endsWith("/java") || c.equals("java")).orElse(false))
                .findFirst();
    }
}
