package postgresqlk8s.s3;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A connection opened ahead of use on another thread, so that the TLS handshake and request signing are
 * paid for while the hook does other work. Calls made meanwhile wait for it rather than race it with a
 * second handshake, for at most {@link #LIMIT} and a second.
 */
final class ConnectionAhead {

    /** How long the connection ahead of use may take before later calls stop waiting for it. */
    static final Duration LIMIT = Duration.ofSeconds(3);

    private volatile CountDownLatch pending;

    /** Runs {@code connect} on the calling thread; {@link #awaitDone()} waits for it meanwhile. */
    void run(Runnable connect) {
        CountDownLatch done = new CountDownLatch(1);
        pending = done;
        try {
            connect.run();
        } finally {
            done.countDown();
        }
    }

    /** Returns once the last connection ahead ended, or at once when there was none. */
    void awaitDone() {
        CountDownLatch ahead = pending;
        if (ahead == null) {
            return;
        }
        try {
            ahead.await(LIMIT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
