package k8sapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jujuops.json.Json;
import postgresqlk8s.kubernetes.KubernetesClients;
import postgresqlk8s.kubernetes.KubernetesWorkloadExec;
import postgresqlk8s.workload.Command;
import postgresqlk8s.workload.ExecResult;
import postgresqlk8s.workload.WorkloadUnreachableException;

/** Pods as objects: exec runs in the pod (after its prefix) while the Pod exists, and 404s once it is gone. */
class LocalKubernetesApiPodsTest {

    private static final String NAMESPACE = "ns";

    @TempDir
    Path dir;
    private LocalKubernetesApi api;

    @BeforeEach
    void start() throws Exception {
        api = LocalKubernetesApi.start(NAMESPACE);
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    private KubernetesWorkloadExec execIn(String pod) throws Exception {
        return new KubernetesWorkloadExec(KubernetesClients.fromKubeconfig(api.writeKubeconfig(dir)), NAMESPACE, pod,
                KubernetesWorkloadExec.CONTAINER, Duration.ofSeconds(2));
    }

    @Test
    void exec_runsThePodsPrefixBeforeTheCommand_andRecordsTheCommandAsSent() throws Exception {
        api.addPod(LocalPod.named("pg-0").withExecPrefix(List.of("env", "IN_POD=pg-0")));

        ExecResult result = execIn("pg-0").run(Command.asRoot(Duration.ofSeconds(5), "sh", "-c", "echo $IN_POD"));

        assertEquals(new ExecResult(0, "pg-0\n", "", false), result);
        assertEquals(List.of(List.of("timeout", "--kill-after=5", "5", "sh", "-c", "echo $IN_POD")), api.execs());
    }

    @Test
    void execIntoAMissingPod_is404WithAStatusNamingIt_notAnUpgrade() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", api.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/v1/namespaces/ns/pods/pg-7/exec?command=true&stdout=true HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nAuthorization: Bearer " + api.token() + "\r\nConnection: Upgrade\r\n"
                    + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            HttpAnswer answer = HttpAnswer.read(in);

            assertEquals(404, answer.code());
            Map<String, Object> status = Json.parseObject(answer.body());
            assertEquals("pods \"pg-7\" not found", status.get("message"));
            assertEquals("NotFound", status.get("reason"));
        }
        assertTrue(api.execs().isEmpty(), "nothing ran");
    }

    @Test
    void removedPod_isGone_andExecIntoIt_isUnreachableNamingThePod() throws Exception {
        api.addPod(LocalPod.named("pg-1"));
        KubernetesWorkloadExec exec = execIn("pg-1");
        assertEquals(0, exec.run(Command.asRoot(Duration.ofSeconds(5), "true")).exitCode());

        assertTrue(api.removePod("pg-1"));

        WorkloadUnreachableException e = assertThrows(WorkloadUnreachableException.class,
                () -> exec.run(Command.asRoot(Duration.ofSeconds(5), "true")));
        assertTrue(e.getMessage().contains("pod ns/pg-1") && e.getMessage().contains("not found (HTTP 404)"),
                e.getMessage());
        assertFalse(api.object("pods", "pg-1").isPresent());
        assertFalse(api.removePod("pg-1"), "already gone");
    }

    /** The status line and Content-Length body of one HTTP answer. */
    private record HttpAnswer(int code, String body) {
        static HttpAnswer read(InputStream in) throws java.io.IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new java.io.EOFException("answer cut short: " + head);
                }
                head.append((char) b);
            }
            int code = Integer.parseInt(head.substring(9, 12));
            int length = 0;
            for (String line : head.toString().split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            return new HttpAnswer(code, new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }
    }
}
