package jujuops.hooktools;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs commands as child processes that inherit this process's environment (hook tools need it). */
public final class ProcessCommandRunner implements CommandRunner {

    private static final long TIMEOUT_MINUTES = 5;

    @Override
    public Result run(List<String> argv, String stdin) {
        ProcessBuilder builder = new ProcessBuilder(argv);
        if (stdin == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + argv.get(0), e);
        }
        try {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = new Thread(new Runnable() {
                @Override
                public void run() {
                    drain(process.getErrorStream(), err);
                }
            }, "stderr-" + argv.get(0));
            errReader.setDaemon(true);
            errReader.start();
            if (stdin != null) {
                try (OutputStream in = process.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            drain(process.getInputStream(), out);
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new UncheckedIOException(new IOException(argv.get(0) + " did not finish in " + TIMEOUT_MINUTES + " minutes"));
            }
            errReader.join();
            return new Result(process.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("talking to " + argv.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new UncheckedIOException(new IOException("interrupted while running " + argv.get(0)));
        }
    }

    private static void drain(InputStream in, ByteArrayOutputStream sink) {
        try (in) {
            in.transferTo(sink);
        } catch (IOException ignored) {
            // the process went away; what it wrote so far is all there is
        }
    }
}
