package jujuops.model;

/** Juju refused or failed a model operation (a hook tool exited non-zero, or its output was not understood). */
public class ModelError extends RuntimeException {
    public ModelError(String message) {
        super(message);
    }

    public ModelError(String message, Throwable cause) {
        super(message, cause);
    }
}
