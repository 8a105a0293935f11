package postgresqlk8s.backups;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import postgresqlk8s.s3.S3Parameters;

/**
 * Pays for the clients of a backup on the other core while the flow waits for Juju's hook tools: loads
 * the S3 library at once, opens the S3 connection as soon as the flow has read the settings (the TLS
 * handshake and request signing of a fresh JVM are the largest fixed cost of a backup), then builds the
 * workload client. Touches nothing: the connection is made with a request that changes nothing, and a
 * failure is left for the flow's own call to report.
 */
final class ClientsAhead implements Runnable {

    private final Seams seams;
    private final CountDownLatch known = new CountDownLatch(1);
    private volatile Optional<S3Parameters> settings = Optional.empty();
    private volatile boolean cancelled;

    ClientsAhead(Seams seams) {
        this.seams = seams;
    }

    /** Starts the work on a daemon thread: a flow that stops early does not wait for it. */
    static ClientsAhead start(Seams seams) {
        ClientsAhead ahead = new ClientsAhead(seams);
        Thread thread = new Thread(ahead, "clients-ahead");
        thread.setDaemon(true);
        thread.start();
        return ahead;
    }

    /** The S3 settings the flow will use, or none when the relation is missing or incomplete. */
    void s3Settings(Optional<S3Parameters> s3) {
        settings = s3;
        known.countDown();
    }

    /** The flow stops before it needs any client. */
    void cancel() {
        cancelled = true;
        known.countDown();
    }

    @Override
    public void run() {
        seams.objectStore().warmUp();
        try {
            known.await();
        } catch (InterruptedException e) {
            return;
        }
        if (cancelled) {
            return;
        }
        Optional<S3Parameters> s3 = settings;
        if (s3.isPresent()) {
            seams.objectStore().connect(s3.get());
        }
        seams.exec().prepare();
    }
}
