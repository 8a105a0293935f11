package jujuops.model;

/**
 * The charm tried what Juju forbids with a databag: writing application data on a non-leader, reading
 * its own application data on a non-leader, or writing the remote side's data.
 */
public final class RelationDataAccessError extends ModelError {
    public RelationDataAccessError(String message) {
        super(message);
    }
}
