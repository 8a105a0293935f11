package postgresqlk8s.s3;

/** An S3 operation failed. The message says what and why, never a key or secret. */
public final class ObjectStoreException extends Exception {
    public ObjectStoreException(String message) {
        super(message);
    }

    public ObjectStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
