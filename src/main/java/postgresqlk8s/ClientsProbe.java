package postgresqlk8s;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import postgresqlk8s.kubernetes.KubernetesClients;
import postgresqlk8s.pgbackrest.PgBackRestInfo;
import postgresqlk8s.s3.AwsObjectStore;
import postgresqlk8s.s3.S3Parameters;

/**
 * The floor of every hook that touches S3 and the workload: a JVM that builds the S3 client and the
 * Kubernetes client (in parallel, on the cores a hook has) and parses a pgBackRest info document, with
 * no network. Used by the start-up benchmark and by the pack-time class-data sharing training run.
 */
public final class ClientsProbe {

    private static final String INFO = "[{\"archive\":[],\"backup\":[{\"archive\":{\"start\":\"000000010000000000000003\","
            + "\"stop\":\"000000010000000000000003\"},\"error\":false,\"label\":\"20261125-183613F\","
            + "\"lsn\":{\"start\":\"0/3000028\",\"stop\":\"0/3000100\"},\"prior\":null,\"reference\":null,"
            + "\"timestamp\":{\"start\":1795631773,\"stop\":1795631776},\"type\":\"full\"}],"
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
            S3Parameters s3 = new S3Parameters("probe", "probe-access", "probe-secret", "https://127.0.0.1:1",
                    "us-east-1", "/", "path", Optional.empty(), Optional.empty(), List.of());
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
        } finally {
            Files.deleteIfExists(kubeconfig);
        }
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
