package postgresqlk8s.kubernetes;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import io.kubernetes.client.util.WebSockets;
import okhttp3.WebSocket;
import okio.ByteString;

/**
 * One exec socket, seen from the client: the channels of the Kubernetes stream protocol read as they
 * arrive (no pipes, no back-pressure) into bounded captures, and the channel-3 status kept as the
 * outcome. Callbacks run on OkHttp's reader thread; the caller waits on {@link #awaitStatus} and sends
 * standard input from its own thread, so a large input never stalls the reading of output.
 */
final class ExecSession implements WebSockets.SocketListener {

    static final String V5 = "v5.channel.k8s.io";

    private static final int STDIN = 0;
    private static final int STDOUT = 1;
    private static final int STDERR = 2;
    private static final int STATUS = 3;
    private static final int CLOSE = 255;
    private static final int STDIN_CHUNK = 32 * 1024;
    /** OkHttp closes a socket whose unsent queue passes 16 MiB; stay far below it. */
    private static final long MAX_QUEUED = 1024 * 1024;

    /** The socket ended before the status came; the cause says how. */
    static final class Lost extends Exception {
        Lost(String message, Throwable cause) {
            super(message, cause);
        }
    }

    final BoundedCapture stdout;
    final BoundedCapture stderr;
    private final CompletableFuture<WebSocket> opened = new CompletableFuture<>();
    private final CompletableFuture<byte[]> status = new CompletableFuture<>();
    private volatile String protocol = "";
    private volatile boolean abandoned;

    ExecSession(int captureLimit) {
        stdout = new BoundedCapture(captureLimit);
        stderr = new BoundedCapture(captureLimit);
    }

    @Override
    public void open(String protocol, WebSocket socket) {
        this.protocol = protocol;
        opened.complete(socket);
        if (abandoned) {
            socket.cancel();
        }
    }

    @Override
    public void bytesMessage(InputStream in) {
        try {
            int channel = in.read();
            byte[] payload = in.readAllBytes();
            switch (channel) {
                case STDOUT -> stdout.append(payload, 0, payload.length);
                case STDERR -> stderr.append(payload, 0, payload.length);
                case STATUS -> status.complete(payload);
                default -> { } // resize and unknown channels carry nothing for us
            }
        } catch (IOException e) {
            end(new Lost("unreadable exec frame", e));
        }
    }

    @Override
    public void textMessage(Reader in) {
        // the channel protocols v4 and v5 are binary; text frames are not part of them
    }

    @Override
    public void failure(Throwable t) {
        end(new Lost("exec socket failed", t));
    }

    @Override
    public void close() {
        end(new Lost("the exec socket closed without an exit status", null));
    }

    private void end(Lost why) {
        opened.completeExceptionally(why);
        status.completeExceptionally(why);
    }

    /**
     * Sends the bytes on channel 0, then end-of-input on v5. On v4 there is no end-of-input: commands
     * reading standard input there must stop after a known length. Returns quietly when the socket
     * ends or the time runs out; {@link #awaitStatus} reports that.
     */
    void sendStdin(byte[] input, long untilNanos) throws InterruptedException {
        WebSocket socket = awaitOpen(untilNanos);
        for (int off = 0; socket != null && off < input.length; off += STDIN_CHUNK) {
            int n = Math.min(STDIN_CHUNK, input.length - off);
            if (!waitForRoom(socket, untilNanos) || !socket.send(frame(STDIN, input, off, n))) {
                return;
            }
        }
        if (socket != null && V5.equals(protocol)) {
            socket.send(ByteString.of((byte) CLOSE, (byte) STDIN));
        }
    }

    /** The status bytes; throws {@link Lost} if the socket ended first, TimeoutException at the time. */
    byte[] awaitStatus(long untilNanos) throws Lost, TimeoutException, InterruptedException {
        try {
            return status.get(Math.max(0, untilNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw (Lost) e.getCause();
        }
    }

    /** Done with the socket: a polite close after a status, otherwise tear it down. */
    void finish() {
        abandoned = true;
        if (!opened.isDone() || opened.isCompletedExceptionally()) {
            return; // not open (yet): OkHttp has let go already, or open() will cancel
        }
        WebSocket socket = opened.join();
        if (status.isDone() && !status.isCompletedExceptionally()) {
            socket.close(1000, null);
        } else {
            socket.cancel();
        }
    }

    private WebSocket awaitOpen(long untilNanos) throws InterruptedException {
        try {
            return opened.get(Math.max(0, untilNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    private boolean waitForRoom(WebSocket socket, long untilNanos) {
        while (socket.queueSize() > MAX_QUEUED) {
            if (status.isDone() || System.nanoTime() - untilNanos > 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }

    private static ByteString frame(int channel, byte[] bytes, int offset, int length) {
        byte[] frame = new byte[length + 1];
        frame[0] = (byte) channel;
        System.arraycopy(bytes, offset, frame, 1, length);
        return ByteString.of(frame);
    }
}
