package jujuops.model;

/** The secret does not exist, or this unit may not see it (Juju says "not found" for both). */
public final class SecretNotFoundError extends ModelError {
    public SecretNotFoundError(String message) {
        super(message);
    }
}
