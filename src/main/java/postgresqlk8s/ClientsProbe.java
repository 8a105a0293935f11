package postgresqlk8s;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import postgresqlk8s.kubernetes.KubernetesClients;
import postgresqlk8s.kubernetes.KubernetesWorkloadExec;
import postgresqlk8s.pgbackrest.PgBackRestInfo;
import postgresqlk8s.s3.AwsObjectStore;
import postgresqlk8s.s3.S3Endpoint;
import postgresqlk8s.s3.S3Parameters;
import postgresqlk8s.workload.Command;
import postgresqlk8s.workload.ExecResult;

/**
 * The floor of every hook that touches S3 and the workload: a JVM that builds the S3 client and the
 * Kubernetes client (in parallel, on the cores a hook has) and parses a pgBackRest info document, with
 * no network. Used by the start-up benchmark and by the pack-time class-data sharing training run.
 *
 * <p>With {@code --loopback S3_ENDPOINT CA_PEM_FILE KUBECONFIG} it then makes the requests of a backup
 * against the training stand-ins on 127.0.0.1 (an S3 probe, upload and read over TLS; a pod exec over
 * the WebSocket protocol), so that the training run also loads what the network path loads.
 */
public final class ClientsProbe {

    private static final String INFO = "[{\"archive\":[],\"backup\":[{\"archive\":{\"start\":\"000000010000000000000003\","
            + "\"stop\":\"000000010000000000000003\"},\"error\":false,\"label\":\"20261125-183613F\","
            + "\"lsn\":{\"start\":\"0/3000028\",\"stop\":\"0/3000100\"},\"prior\":null,\"reference\":null,"
            + "\"timestamp\":{\"start\":1795631773,\"stop\":1795631776},\"type\":\"full\"}],"
            + "\"db\":[{\"id\":1,\"repo-key\":1,\"system-id\":7441395557316050101,\"version\":\"15\"}],"
            + "\"name\":\"probe\",\"repo\":[{\"key\":1,\"status\":{\"code\":0,\"message\":\"ok\"}}],"
            + "\"status\":{\"code\":0,\"message\":\"ok\"}}]";
    private static final String KUBECONFIG = "apiVersion: v1\nkind: Config\ncurrent-context: probe\n"
            + "clusters:\n- name: probe\n  cluster:\n    server: https://127.0.0.1:1\n"
            + "contexts:\n- name: probe\n  context:\n    cluster: probe\n    user: probe\n"
            + "users:\n- name: probe\n  user:\n    token: probe-token\n";

    private ClientsProbe() {}

    public static void main(String[] args) throws Exception {
        Path kubeconfig = Files.createTempFile("probe-kubeconfig", ".yaml");
        try {
            Files.writeString(kubeconfig, KUBECONFIG);
            S3Parameters s3 = new S3Parameters("probe", "probe-access", "probe-secret",
                    new S3Endpoint("127.0.0.1", 1, S3Endpoint.UriStyle.PATH), "us-east-1", "/",
                    Optional.empty(), Optional.empty(), List.of());
            Thread[] builders = {
                new Thread(() -> call(() -> new AwsObjectStore().prepare(s3))),
                new Thread(() -> call(() -> KubernetesClients.fromKubeconfig(kubeconfig).apiClient())),
            };
            for (Thread t : builders) {
                t.start();
            }
            int backups = PgBackRestInfo.parse(INFO).stanzas().get(0).backups().size();
            for (Thread t : builders) {
                t.join();
            }
            System.out.println("clients ready; info parsed with " + backups + " backup(s)");
            if (args.length == 4 && args[0].equals("--loopback")) {
                loopback(args[1], Path.of(args[2]), Path.of(args[3]));
            }
        } finally {
            Files.deleteIfExists(kubeconfig);
        }
    }

    /** What a create-backup asks of S3 and of the workload, against the training stand-ins. */
    private static void loopback(String endpoint, Path caPem, Path kubeconfig) throws Exception {
        S3Parameters s3 = new S3Parameters("training", "training-access", "training-secret",
                S3Endpoint.parse(endpoint, S3Endpoint.UriStyle.PATH), "us-east-1", "/training",
                Optional.empty(), Optional.empty(), List.of(Files.readString(caPem)));
        try (AwsObjectStore store = new AwsObjectStore()) {
            store.connect(s3);
            store.ensureBucket(s3);
            store.put(s3, s3.key("backup/training/latest"), "training run\n");
            Optional<String> back = store.get(s3, s3.key("backup/training/latest"));
            Optional<String> none = store.get(s3, s3.key("backup/training/none"));
            System.out.println("s3: read back " + back.isPresent() + ", missing key " + none.isEmpty());
        }
        KubernetesWorkloadExec exec = new KubernetesWorkloadExec(KubernetesClients.fromKubeconfig(kubeconfig),
                "training", "postgresql-k8s-0", KubernetesWorkloadExec.CONTAINER);
        ExecResult result = exec.run(Command.asRoot(Duration.ofSeconds(30), "echo", "training"));
        System.out.println("exec: " + (result.succeeded() ? "ok" : "failed: " + result.stderr()));
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void call(Step step) {
        try {
            step.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
