package jujuops.testing;

/**
 * One storage instance attached to the unit: its name from metadata.yaml, its index and where it is
 * mounted.
 */
public record StorageState(String name, int index, String location) {

    public StorageState {
        if (!name.matches("[a-z][a-z0-9-]*") || index < 0 || !location.startsWith("/")) {
            throw new IllegalArgumentException("storage " + name + "/" + index + " at " + location + " is not valid");
        }
    }

    /** Juju's id, e.g. {@code data/0}. */
    public String id() {
        return name + "/" + index;
    }
}
