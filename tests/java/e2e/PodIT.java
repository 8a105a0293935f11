package e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The pod substrate itself: own files at production paths, the cluster's names, nothing left behind. */
class PodIT {

    private Path podsRoot() throws Exception {
        // Not under /tmp: a pod mounts its own folder over /tmp.
        return Files.createTempDirectory(Path.of("/var/tmp"), "pod-it-");
    }

    @Test
    void podHasItsOwnEtcFiles_hostsAndVolumes_andTheMachineSeesNoneOfThem() throws Exception {
        Path root = podsRoot();
        Path hosts = Files.writeString(root.resolve("hosts"), "127.0.0.1 localhost\n127.0.0.11 pg-0.pg-endpoints pg-0\n");
        Path sa = Files.createDirectories(root.resolve("sa"));
        Files.writeString(sa.resolve("token"), "t0ken");
        String hostConf = Files.exists(Path.of("/etc/pgbackrest.conf")) ? Files.readString(Path.of("/etc/pgbackrest.conf")) : null;
        try (MountPoints points = MountPoints.ensure();
             Pod pod = Pod.start(root, "pg-0", "127.0.0.11", hosts, sa, Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1"), 0)) {
            pod.run(10, "sh", "-c", "echo pod-only > /etc/pgbackrest.conf.tmp && mv -f /etc/pgbackrest.conf.tmp /etc/pgbackrest.conf")
                    .check("write /etc/pgbackrest.conf in the pod");
            assertEquals("pod-only", pod.run(10, "cat", "/etc/pgbackrest.conf").check("cat").output().strip());
            assertEquals(hostConf, Files.exists(Path.of("/etc/pgbackrest.conf")) ? Files.readString(Path.of("/etc/pgbackrest.conf")) : null);
            assertTrue(pod.run(10, "getent", "hosts", "pg-0.pg-endpoints").check("getent").output().startsWith("127.0.0.11"));
            assertEquals("root", pod.run(10, "stat", "-c", "%U", "/var/lib/postgresql/data").check("stat").output().strip());
            assertEquals("postgres", pod.run(10, "stat", "-c", "%U", "/var/log/pgbackrest").check("stat").output().strip());
            assertEquals("t0ken", pod.run(10, "cat", "/run/secrets/kubernetes.io/serviceaccount/token").check("cat").output());
            assertEquals("127.0.0.1", pod.run(10, "sh", "-c", "echo $KUBERNETES_SERVICE_HOST").check("env").output().strip());
            pod.run(10, "sh", "-c", "touch /tmp/mine && (setsid sleep 300 >/dev/null 2>&1 &)").check("background");
            assertFalse(Files.exists(Path.of("/tmp/mine")));
            assertTrue(Files.exists(pod.dir().resolve("tmp/mine")));
            assertFalse(pod.processes().isEmpty(), "the background sleep runs in the pod");
            pod.close();
            assertTrue(pod.processes().isEmpty());
            assertFalse(ProcessHandle.of(pod.holderPid()).isPresent(), "the holder exited");
        } finally {
            Processes.run(30, "rm", "-rf", root.toString());
        }
    }
}
