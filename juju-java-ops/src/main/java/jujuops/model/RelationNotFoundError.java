package jujuops.model;

/** The relation is gone (departed or broken while the hook ran): not a bug, usually nothing to do. */
public final class RelationNotFoundError extends ModelError {
    public RelationNotFoundError(String message) {
        super(message);
    }
}
