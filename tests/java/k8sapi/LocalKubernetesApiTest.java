package k8sapi;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import postgresqlk8s.kubernetes.KubernetesClients;
import postgresqlk8s.kubernetes.KubernetesWorkloadExec;
import postgresqlk8s.workload.Command;
import postgresqlk8s.workload.WorkloadUnreachableException;

/** The stand-in itself: it leaves nothing behind. */
class LocalKubernetesApiTest {

    @TempDir
    Path dir;

    @Test
    void closing_stopsListening() throws Exception {
        LocalKubernetesApi api = LocalKubernetesApi.start("m", "p-0");
        int port = api.port();

        api.close();

        assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
    }

    @Test
    void closing_killsWhatAnExecStarted_andEndsItsSocket() throws Exception {
        LocalKubernetesApi api = LocalKubernetesApi.start("m", "p-0");
        KubernetesWorkloadExec exec = new KubernetesWorkloadExec(
                KubernetesClients.fromKubeconfig(api.writeKubeconfig(dir)), "m", "p-0", "postgresql");
        Path pidFile = dir.resolve("pid");
        CompletableFuture<Exception> outcome = CompletableFuture.supplyAsync(() -> runToFailure(exec,
                Command.asRoot(Duration.ofSeconds(60), "sh", "-c", "echo $$ > " + pidFile + "; exec sleep 60")));
        assertTrue(poll(() -> Files.exists(pidFile) && size(pidFile) > 0), "the command started");
        long pid = Long.parseLong(Files.readString(pidFile).trim());

        api.close();

        assertTrue(outcome.get(20, TimeUnit.SECONDS) instanceof WorkloadUnreachableException);
        assertTrue(poll(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)), "sleep was killed");
    }

    private static Exception runToFailure(KubernetesWorkloadExec exec, Command command) {
        try {
            return new IllegalStateException("ended: " + exec.run(command));
        } catch (WorkloadUnreachableException e) {
            return e;
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Checks the condition every 10 ms for at most 10 s. */
    static boolean poll(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - until > 0) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        return true;
    }
}
