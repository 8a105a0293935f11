package bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import k8sapi.LocalKubernetesApi;
import postgresqlk8s.kubernetes.KubernetesClients;
import postgresqlk8s.kubernetes.KubernetesWorkloadExec;
import postgresqlk8s.workload.Command;
import postgresqlk8s.workload.ExecResult;

/**
 * exec_stream_mb_per_s: 100 MB of stdout through the charm's Kubernetes exec path (client-java's
 * WebSocket stream and our listener) from a local API server, in a JVM whose heap bench/run bounds.
 */
public final class ExecStreamBench {

    private static final long BYTES = 100L * 1000 * 1000;

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("exec-bench");
        try (LocalKubernetesApi api = LocalKubernetesApi.start("bench", "postgresql-k8s-0")) {
            KubernetesClients clients = KubernetesClients.fromKubeconfig(api.writeKubeconfig(dir));
            KubernetesWorkloadExec exec = new KubernetesWorkloadExec(clients, "bench", "postgresql-k8s-0", "postgresql");
            Command warm = Command.asRoot(Duration.ofMinutes(2), "head", "-c", "20000000", "/dev/zero");
            exec.run(warm);
            Command big = Command.asRoot(Duration.ofMinutes(2), "head", "-c", Long.toString(BYTES), "/dev/zero");
            List<Double> rates = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                ExecResult r = exec.run(big);
                double seconds = (System.nanoTime() - start) / 1e9;
                if (r.exitCode() != 0 || !r.truncated()) {
                    throw new IllegalStateException("unexpected result: exit " + r.exitCode() + ", truncated " + r.truncated());
                }
                rates.add(BYTES / 1e6 / seconds);
            }
            Collections.sort(rates);
            long heapMb = Runtime.getRuntime().maxMemory() / (1024 * 1024);
            System.out.printf("exec_stream_mb_per_s: %.0f%n", rates.get(rates.size() / 2));
            System.out.printf("exec_stream_max_heap_mb: %d%n", heapMb);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
