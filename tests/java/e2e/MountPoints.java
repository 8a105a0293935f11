package e2e;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The production paths a pod mounts its own folders on. A bind mount needs its mount point to exist on
 * the machine's filesystem; the ones that do not (e.g. {@code /charm}, {@code /var/lib/postgresql/data})
 * are made here, empty. Nothing is ever mounted on them outside the pods' mount namespaces.
 *
 * <p>Stacks of several JVMs may run at once (the test command runs two), so the mount points are shared:
 * each user leaves a file named by its PID in {@code /var/tmp/pgk8s-mounts/users}, the folders made are
 * listed in {@code made}, and the last user to close (no other user's process alive) removes them again,
 * deepest first. The bookkeeping runs under a file lock.
 */
final class MountPoints implements AutoCloseable {

    /** Directories a pod mounts a folder of its own on. */
    static final List<String> DIRECTORIES = List.of(
            "/var/lib/postgresql/data", "/var/lib/pgbackrest", "/var/log/pgbackrest", "/tmp", "/charm",
            "/run/secrets/kubernetes.io/serviceaccount");

    static final Path STATE = Path.of("/var/tmp/pgk8s-mounts");

    private final Path user;
    private boolean closed;

    private MountPoints(Path user) {
        this.user = user;
    }

    static MountPoints ensure() throws IOException {
        Files.createDirectories(STATE.resolve("users"));
        try (FileChannel ch = FileChannel.open(STATE.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = ch.lock()) {
            Path user = Files.createTempFile(STATE.resolve("users"), ProcessHandle.current().pid() + "-", "");
            List<String> made = new ArrayList<>();
            try {
                for (String d : DIRECTORIES) {
                    directory(Path.of(d), made);
                }
            } finally {
                if (!made.isEmpty()) {
                    Files.write(STATE.resolve("made"), made, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
            }
            return new MountPoints(user);
        }
    }

    private static void directory(Path dir, List<String> made) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            directory(parent, made);
        }
        Files.createDirectory(dir);
        made.add(dir.toString());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (FileChannel ch = FileChannel.open(STATE.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = ch.lock()) {
            Files.deleteIfExists(user);
            if (othersAlive()) {
                return;
            }
            Path madeFile = STATE.resolve("made");
            List<String> made = Files.exists(madeFile) ? Files.readAllLines(madeFile) : List.of();
            for (int i = made.size() - 1; i >= 0; i--) {
                try {
                    Files.deleteIfExists(Path.of(made.get(i)));
                } catch (IOException e) {
                    // still in use by a pod that did not stop; leave it rather than fail the clean-up
                }
            }
            Files.deleteIfExists(madeFile);
        } catch (IOException e) {
            System.err.println("mount points: clean-up failed: " + e);
        }
    }

    /** Whether another user's process (its PID leads its file's name) still runs; a dead one's file is dropped. */
    private static boolean othersAlive() throws IOException {
        boolean alive = false;
        try (Stream<Path> users = Files.list(STATE.resolve("users"))) {
            for (Path u : users.toList()) {
                String name = u.getFileName().toString();
                long pid = Long.parseLong(name.substring(0, name.indexOf('-')));
                if (ProcessHandle.of(pid).isPresent()) {
                    alive = true;
                } else {
                    Files.deleteIfExists(u);
                }
            }
        }
        return alive;
    }
}
