package postgresqlk8s.s3;

import java.util.Optional;

/**
 * The few S3 operations the charm makes itself (pgBackRest does the rest): the connectivity probe and
 * backup logs, the cluster ownership marker, and making sure the bucket exists.
 */
public interface ObjectStore {

    /**
     * Loads and initialises the client library on the calling thread, with no request and no settings,
     * so that building the real client later is quick. A flow calls it on another core early on.
     */
    default void warmUp() {
    }

    /**
     * Opens a connection for these settings with a request that changes nothing, so that the TLS
     * handshake and request signing are paid for on another thread before the first real call. Never
     * throws: a failure here is left for the real call to report.
     */
    default void connect(S3Parameters s3) {
    }

    /** Creates the bucket when it does not exist yet. */
    void ensureBucket(S3Parameters s3) throws ObjectStoreException;

    /** Writes a small text object at {@code key} (a full key, see {@link S3Parameters#key}). */
    void put(S3Parameters s3, String key, String content) throws ObjectStoreException;

    /** Reads a small text object; empty when there is none. */
    Optional<String> get(S3Parameters s3, String key) throws ObjectStoreException;
}
