package jujuops.hooktools;

import java.util.List;

/** Runs one command to completion. The seam between {@link ProcessHookTools} and the operating system. */
@FunctionalInterface
public interface CommandRunner {

    /** What a finished command said. */
    record Result(int exitCode, String stdout, String stderr) {}

    /**
     * @param stdin text for the command's standard input, or null for none
     * @throws java.io.UncheckedIOException when the command cannot be started
     */
    Result run(List<String> argv, String stdin);
}
