package e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The production paths a pod mounts its own folders on. A bind mount needs its mount point to exist on
 * the machine's filesystem; the ones that do not (e.g. {@code /charm}, {@code /var/lib/postgresql/data})
 * are made here, empty, and removed again on {@link #close()}, deepest first. Nothing is ever mounted
 * on them outside the pods' mount namespaces.
 */
final class MountPoints implements AutoCloseable {

    /** Directories a pod mounts a folder of its own on. */
    static final List<String> DIRECTORIES = List.of(
            "/var/lib/postgresql/data", "/var/lib/pgbackrest", "/var/log/pgbackrest", "/tmp", "/charm",
            "/run/secrets/kubernetes.io/serviceaccount");

    private final Deque<Path> made = new ArrayDeque<>();

    static MountPoints ensure() throws IOException {
        MountPoints points = new MountPoints();
        try {
            for (String d : DIRECTORIES) {
                points.directory(Path.of(d));
            }
            return points;
        } catch (IOException e) {
            points.close();
            throw e;
        }
    }

    private void directory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            directory(parent);
        }
        Files.createDirectory(dir);
        made.push(dir);
    }

    @Override
    public void close() {
        while (!made.isEmpty()) {
            try {
                Files.deleteIfExists(made.pop());
            } catch (IOException e) {
                // still in use by a pod that did not stop; leave it rather than fail the clean-up
            }
        }
    }
}
