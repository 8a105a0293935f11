package jujuops.model;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jujuops.hooktools.HookTools;

/** One storage instance attached to this unit, e.g. {@code data/0}; its mount point is read once. */
public final class Storage {

    private static final Pattern ID = Pattern.compile("^([a-z][a-z0-9-]*)/(\\d+)$");

    private final HookTools tools;
    private final String name;
    private final int index;
    private Path location;

    Storage(HookTools tools, String id) {
        Matcher m = ID.matcher(id == null ? "" : id);
        if (!m.matches()) {
            throw new ModelError("storage id '" + id + "' is not of the form <name>/<number>");
        }
        this.tools = tools;
        this.name = m.group(1);
        this.index = Integer.parseInt(m.group(2));
    }

    /** The storage name from metadata.yaml, e.g. {@code data}. */
    public String name() {
        return name;
    }

    public int index() {
        return index;
    }

    /** Juju's id, e.g. {@code data/0}. */
    public String id() {
        return name + "/" + index;
    }

    /** Where the storage is mounted in the charm container ({@code storage-get location}). */
    public Path location() {
        if (location == null) {
            String where = tools.storageLocation(id());
            if (where == null || where.isBlank() || !where.startsWith("/")) {
                throw new ModelError("storage-get gave no absolute location for " + id());
            }
            location = Path.of(where);
        }
        return location;
    }

    @Override
    public String toString() {
        return id();
    }
}
