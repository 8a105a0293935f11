package e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One unit's pod on this machine: a Linux mount namespace kept by a holder process, and its own address
 * in 127.0.0.0/8. Inside it the production paths are the pod's own: {@code /etc} is an overlay whose
 * writes land in the pod's folder ({@code /etc/pgbackrest.conf}), {@code /etc/hosts} is the cluster's
 * hosts file, and {@code /var/lib/postgresql/data} (the data volume, owned by root as a fresh volume is),
 * {@code /var/lib/pgbackrest}, {@code /var/log/pgbackrest} (owned by postgres, as in the image),
 * {@code /tmp}, {@code /charm} (Pebble) and the service-account folder are bind mounts of the pod's
 * folders. The machine's own view is unchanged.
 *
 * <p>A command runs "in the pod" as pod exec would run it: {@code nsenter} into the namespace, with the
 * container's environment only ({@link #execPrefix()}). {@link #close()} stops the pod's services, then
 * every process left in its namespace, then the holder, all by PID.
 */
public final class Pod implements AutoCloseable {

    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final String name;
    private final String ip;
    private final Path dir;
    private final Map<String, String> env;
    /** The data volume's size in bytes, a filesystem of its own; 0: a folder on the machine's disk. */
    private final long volumeBytes;
    private Process holder;
    private Path hosts;

    private Pod(String name, String ip, Path dir, Map<String, String> env, long volumeBytes) {
        this.name = name;
        this.ip = ip;
        this.dir = dir;
        this.env = env;
        this.volumeBytes = volumeBytes;
    }

    /**
     * @param hosts the cluster's hosts file, mounted over {@code /etc/hosts}
     * @param serviceAccount a folder holding {@code token}, {@code ca.crt} and {@code namespace}
     * @param env the container's environment (e.g. {@code KUBERNETES_SERVICE_HOST})
     * @param volumeBytes the data volume's size, as a PersistentVolumeClaim asks it: a tmpfs of that size, whose
     *                    {@code df} says so, as the charm reads it; 0 for a folder of the machine's disk
     */
    static Pod start(Path root, String name, String ip, Path hosts, Path serviceAccount, Map<String, String> env,
            long volumeBytes) throws IOException {
        Pod pod = new Pod(name, ip, root.resolve(name), env, volumeBytes);
        try {
            pod.makeFolders(serviceAccount);
            pod.startHolder(hosts);
            return pod;
        } catch (IOException | RuntimeException e) {
            pod.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    public String ip() {
        return ip;
    }

    Path dir() {
        return dir;
    }

    /** The pod's data volume as the machine sees it. */
    Path volume() {
        return dir.resolve("volume");
    }

    /** The bytes of the files in the data directory ({@code pgdata}), as the machine sees them; 0 while there is none. */
    long dataDirectoryBytes() {
        Path data = volume().resolve("pgdata");
        if (!Files.isDirectory(data)) {
            return 0;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(data)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0; // a folder made or removed during the walk: look again
        }
    }

    long holderPid() {
        return holder.pid();
    }

    /** What pod exec puts before a command: enter the namespace, with the container's environment only. */
    public List<String> execPrefix() {
        List<String> prefix = new ArrayList<>(List.of("nsenter", "--mount=/proc/" + holder.pid() + "/ns/mnt", "--",
                "env", "-i", "PATH=" + PATH, "HOSTNAME=" + name, "LANG=C.UTF-8", "HOME=/root"));
        env.forEach((k, v) -> prefix.add(k + "=" + v));
        return prefix;
    }

    /** Runs a command in the pod, as pod exec would. */
    Processes.Result run(long seconds, String... argv) {
        List<String> full = new ArrayList<>(execPrefix());
        full.addAll(List.of(argv));
        return Processes.run(seconds, full.toArray(String[]::new));
    }

    /** SQL as postgres over the pod's Unix socket; psql's unaligned output. */
    public Processes.Result sql(String statement) {
        return run(60, "runuser", "-u", "postgres", "--", "psql", "-X", "-h", "/tmp", "-p", "5432", "-d", "postgres",
                "-Atc", statement);
    }

    private void makeFolders(Path serviceAccount) throws IOException {
        for (String d : List.of("etc-upper", "etc-work", "volume", "pgbackrest", "log-pgbackrest", "tmp", "charm/bin", "pebble")) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.setPosixFilePermissions(dir.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Processes.run(30, "chmod", "+t", dir.resolve("tmp").toString()).check("chmod /tmp");
        if (volumeBytes > 0) {
            // mounted in the machine's namespace, so that it outlives a container restart as a volume does
            Processes.run(30, "mount", "-t", "tmpfs", "-o", "size=" + volumeBytes + ",mode=0755", "pgk8s-volume",
                    volume().toString()).check("mount the data volume");
        }
        Processes.run(30, "chown", "postgres:postgres", dir.resolve("pgbackrest").toString(),
                dir.resolve("log-pgbackrest").toString()).check("chown");
        // The stand-in ships in the pod's /charm, as Pebble does: the repository may be under /tmp, which a pod hides.
        Files.copy(Path.of("tests/stack/pebble.py"), dir.resolve("charm/bin/pebble-standin.py"));
        Path pebble = dir.resolve("charm/bin/pebble");
        Files.writeString(pebble, "#!/bin/sh\nexec /usr/bin/python3 /charm/bin/pebble-standin.py --state '" + dir.resolve("pebble") + "' \"$@\"\n");
        Files.setPosixFilePermissions(pebble, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(dir.resolve("serviceaccount"), serviceAccount);
    }

    private void startHolder(Path hosts) throws IOException {
        this.hosts = hosts;
        Path ready = dir.resolve("ready");
        String p = dir.toString();
        String script = String.join("\n",
                "set -e",
                "mount -t overlay overlay -o lowerdir=/etc,upperdir=" + p + "/etc-upper,workdir=" + p + "/etc-work /etc",
                "mount --bind " + hosts + " /etc/hosts",
                "mount --bind " + p + "/volume /var/lib/postgresql/data",
                "mount --bind " + p + "/pgbackrest /var/lib/pgbackrest",
                "mount --bind " + p + "/log-pgbackrest /var/log/pgbackrest",
                "mount --bind " + p + "/tmp /tmp",
                "mount --bind " + p + "/charm /charm",
                "mount --bind " + dir.resolve("serviceaccount").toRealPath() + " /run/secrets/kubernetes.io/serviceaccount",
                "touch " + ready,
                "exec sleep infinity");
        // Without --fork, unshare execs the script in the new namespace: the holder's PID is the process's.
        holder = Processes.start(dir.resolve("holder.log"), List.of("unshare", "--mount", "--propagation", "private",
                "--", "sh", "-c", script));
        if (!Processes.await(20, () -> Files.exists(ready) || !holder.isAlive())) {
            throw new IOException("pod " + name + " did not come up; see " + dir.resolve("holder.log"));
        }
        if (!holder.isAlive()) {
            throw new IOException("pod " + name + " failed to mount its folders: " + Files.readString(dir.resolve("holder.log")));
        }
    }

    /** The PIDs of every process in this pod's namespace, the holder aside. */
    List<Long> processes() {
        List<Long> pids = new ArrayList<>();
        if (holder == null) {
            return pids;
        }
        String ns = namespaceOf(holder.pid());
        if (ns == null) {
            return pids;
        }
        ProcessHandle.allProcesses().forEach(h -> {
            if (h.pid() != holder.pid() && ns.equals(namespaceOf(h.pid()))) {
                pids.add(h.pid());
            }
        });
        return pids;
    }

    private static String namespaceOf(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/mnt")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /**
     * The workload container crashes and Kubernetes starts it again, as after an OOM kill: every process
     * in it is killed at once (SIGKILL), and the new container starts from the image: the writable layer
     * (here /etc's overlay, /tmp) and Pebble's state (its layers and services) are gone, the volumes
     * (data, pgBackRest's spool and logs) and the Pod object stay. Pebble then starts with no layer, and
     * Juju sends {@code postgresql-pebble-ready}, which the caller dispatches.
     */
    void restartContainer() throws IOException {
        for (long pid : processes()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        Processes.await(15, () -> processes().isEmpty());
        Processes.stop(holder, 10);
        for (String layer : List.of("etc-upper", "etc-work", "tmp", "pebble")) {
            Processes.run(60, "rm", "-rf", "--one-file-system", dir.resolve(layer).toString()).check("clear " + layer);
        }
        Files.createDirectories(dir.resolve("etc-upper"));
        Files.createDirectories(dir.resolve("etc-work"));
        Files.createDirectories(dir.resolve("pebble"));
        Files.createDirectories(dir.resolve("tmp"));
        Files.setPosixFilePermissions(dir.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Processes.run(30, "chmod", "+t", dir.resolve("tmp").toString()).check("chmod /tmp");
        startHolder(hosts);
    }

    /** The pod dies: its services stop, then what is left in it, then its namespace. */
    @Override
    public void close() {
        if (holder != null && holder.isAlive()) {
            if (Files.exists(dir.resolve("pebble/layers.json"))) {
                run(150, "/charm/bin/pebble", "stop-all");
            }
            stopRemaining();
        }
        Processes.stop(holder, 10);
        if (volumeBytes > 0) {
            // not mounted if the pod failed before: nothing to undo; busy (a process left): detached all the same
            if (Processes.run(30, "mountpoint", "-q", volume().toString()).exitCode() == 0
                    && Processes.run(30, "umount", volume().toString()).exitCode() != 0) {
                Processes.run(30, "umount", "--lazy", volume().toString());
            }
        }
    }

    private void stopRemaining() {
        for (String signal : List.of("TERM", "KILL")) {
            List<Long> left = processes();
            if (left.isEmpty()) {
                return;
            }
            for (long pid : left) {
                ProcessHandle.of(pid).ifPresent(h -> {
                    if (signal.equals("TERM")) {
                        h.destroy();
                    } else {
                        h.destroyForcibly();
                    }
                });
            }
            Processes.await(15, () -> processes().isEmpty());
        }
    }

    /** pgBackRest backup commands running in this pod's namespace (not its TLS server, not another pod's). */
    List<Long> backupsRunning() {
        return processes().stream().filter(pid -> ProcessHandle.of(pid).flatMap(h -> h.info().commandLine())
                .map(c -> c.contains("pgbackrest") && c.endsWith(" backup")).orElse(false)).toList();
    }
}
