package k8sapi;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jujuops.json.Json;

/**
 * One exec request, answered as a kubelet would: the WebSocket upgrade with the chosen subprotocol, the
 * empty {@code [1]} frame, the argv run locally after the pod's exec prefix (which may enter the pod's
 * namespaces; this machine stands in for the container), channels 1
 * and 2 streamed as the process writes, channel 0 into its stdin ({@code [255, 0]} closes it on v5),
 * then the status on channel 3 and a close frame.
 */
final class ExecHandler {

    private static final int STDIN = 0;
    private static final int STDOUT = 1;
    private static final int STDERR = 2;
    private static final int STATUS = 3;
    private static final byte[] NORMAL_CLOSE = {0x03, (byte) 0xe8};

    private final LocalKubernetesApi api;
    private final ServerWebSocket socket;
    private final List<String> argv;
    private final List<String> prefix;
    private final boolean v5;

    private ExecHandler(LocalKubernetesApi api, ServerWebSocket socket, List<String> argv, List<String> prefix,
            boolean v5) {
        this.api = api;
        this.socket = socket;
        this.argv = argv;
        this.prefix = prefix;
        this.v5 = v5;
    }

    static void handle(LocalKubernetesApi api, HttpRequest request, List<String> prefix, InputStream in,
            OutputStream out) throws IOException, InterruptedException {
        List<String> argv = request.params("command");
        api.recordExec(argv);
        String protocol = api.choose(request.header("Sec-WebSocket-Protocol"));
        if (protocol == null) {
            HttpRequest.respond(out, 400, HttpRequest.status(400, "BadRequest", "no supported stream protocol"));
            return;
        }
        ServerWebSocket.accept(out, request.header("Sec-WebSocket-Key"), protocol);
        ServerWebSocket socket = new ServerWebSocket(in, out);
        socket.sendChannel(STDOUT, new byte[0], 0, 0);
        ExecHandler exec = new ExecHandler(api, socket, argv, prefix, protocol.equals(LocalKubernetesApi.V5));
        switch (api.execBehaviour()) {
            case RUN -> exec.run(request.params("stdin").contains("true"));
            case HANG -> exec.readFrames(null);
            case FAIL_TO_START -> exec.end(notStarted(argv.get(0)));
            case DROP -> { } // the caller closes the connection: no status, no close frame
        }
    }

    private void run(boolean stdin) throws IOException, InterruptedException {
        Process process;
        try {
            List<String> inPod = new ArrayList<>(prefix);
            inPod.addAll(argv);
            process = api.track(new ProcessBuilder(inPod).start());
        } catch (IOException e) {
            end(notStarted(argv.get(0)));
            return;
        }
        if (!stdin) {
            process.getOutputStream().close();
        }
        Thread frames = LocalKubernetesApi.thread("exec-input", () -> readFrames(process));
        java.util.function.UnaryOperator<byte[]> garble = api.takeGarble(argv);
        Thread out = LocalKubernetesApi.thread("exec-stdout", () -> {
            if (garble == null) {
                pump(process.getInputStream(), STDOUT);
            } else {
                sendGarbled(process.getInputStream(), garble);
            }
        });
        Thread err = LocalKubernetesApi.thread("exec-stderr", () -> pump(process.getErrorStream(), STDERR));
        int code = process.waitFor();
        out.join();
        err.join();
        sendStatus(exitStatus(code));
        frames.join(5000); // the client's close frame, or its hang-up
    }

    private void end(String status) throws IOException {
        sendStatus(status);
        readFrames(null);
    }

    private void sendStatus(String status) throws IOException {
        byte[] bytes = status.getBytes(StandardCharsets.UTF_8);
        socket.sendChannel(STATUS, bytes, 0, bytes.length);
        socket.send(ServerWebSocket.CLOSE, NORMAL_CLOSE);
    }

    /** Reads the client's frames until its close or hang-up; stdin goes to the process, if any. */
    private void readFrames(Process process) {
        try {
            for (ServerWebSocket.Frame frame = socket.read(); frame.opcode() != ServerWebSocket.CLOSE;
                    frame = socket.read()) {
                if (frame.opcode() == ServerWebSocket.PING) {
                    socket.send(ServerWebSocket.PONG, frame.payload());
                } else if (frame.opcode() == ServerWebSocket.BINARY && process != null) {
                    input(process, frame.payload());
                }
            }
        } catch (EOFException e) {
            // the client hung up
        } catch (IOException e) {
            // the connection broke or the server is closing
        }
    }

    private void input(Process process, byte[] payload) {
        try {
            if (payload.length > 0 && payload[0] == STDIN) {
                process.getOutputStream().write(payload, 1, payload.length - 1);
                process.getOutputStream().flush();
            } else if (Arrays.equals(payload, new byte[] {(byte) 255, STDIN})) {
                api.recordStdinClose();
                if (v5) {
                    process.getOutputStream().close();
                }
            }
        } catch (IOException e) {
            // the process no longer reads its input; the kubelet drops it too
        }
    }

    /** The command's whole stdout, read to its end, sent as {@code garble} makes it (LocalKubernetesApi#garbleNextStdout). */
    private void sendGarbled(InputStream stream, java.util.function.UnaryOperator<byte[]> garble) {
        try (stream) {
            byte[] sent = garble.apply(stream.readAllBytes());
            socket.sendChannel(STDOUT, sent, 0, sent.length);
        } catch (IOException e) {
            // the client went away
        }
    }

    private void pump(InputStream stream, int channel) {
        byte[] buffer = new byte[32 * 1024];
        try (stream) {
            for (int n = stream.read(buffer); n >= 0; n = stream.read(buffer)) {
                socket.sendChannel(channel, buffer, 0, n);
            }
        } catch (IOException e) {
            // the client went away; the process runs on, as in a real container
        }
    }

    private String exitStatus(int code) {
        if (code == 0) {
            return Json.write(Map.of("metadata", Map.of(), "status", "Success"));
        }
        String message = "command terminated with non-zero exit code: error executing command " + argv
                + ", exit code " + code;
        return Json.write(Map.of("metadata", Map.of(), "status", "Failure", "message", message,
                "reason", "NonZeroExitCode",
                "details", Map.of("causes", List.of(Map.of("reason", "ExitCode", "message", Integer.toString(code))))));
    }

    /** What containerd says when the binary is missing: a Failure with no ExitCode cause. */
    static String notStarted(String binary) {
        String message = "Internal error occurred: error executing command in container: failed to exec in "
                + "container: OCI runtime exec failed: exec failed: unable to start container process: exec: \""
                + binary + "\": executable file not found in $PATH: unknown";
        return Json.write(Map.of("metadata", Map.of(), "status", "Failure", "message", message,
                "reason", "InternalError", "details", Map.of("causes", List.of(Map.of("message", message))),
                "code", 500));
    }
}
