package k8sapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import postgresqlk8s.kubernetes.KubernetesClients;
import postgresqlk8s.kubernetes.KubernetesWorkloadExec;
import postgresqlk8s.workload.Command;
import postgresqlk8s.workload.ExecResult;
import postgresqlk8s.workload.WorkloadUnreachableException;

class KubernetesWorkloadExecTest {

    static final String NAMESPACE = "test-model";
    static final String POD = "postgresql-k8s-0";
    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private LocalKubernetesApi api;
    private KubernetesWorkloadExec exec;

    @BeforeEach
    void start() throws IOException {
        api = LocalKubernetesApi.start(NAMESPACE, POD);
        exec = execThrough(api.writeKubeconfig(dir), POD, KubernetesWorkloadExec.CLIENT_GRACE);
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    private static KubernetesWorkloadExec execThrough(Path kubeconfig, String pod, Duration grace) {
        return new KubernetesWorkloadExec(KubernetesClients.fromKubeconfig(kubeconfig), NAMESPACE, pod,
                KubernetesWorkloadExec.CONTAINER, grace);
    }

    private static Command root(String... argv) {
        return Command.asRoot(TEN_SECONDS, argv);
    }

    private static String numbers(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> i + "\n").collect(Collectors.joining());
    }

    @Test
    void exitZero_isSuccess() throws Exception {
        ExecResult result = exec.run(root("echo", "hello"));

        assertEquals(new ExecResult(0, "hello\n", "", false), result);
    }

    @Test
    void nonZeroExit_isReportedExactly_withBothStreams() throws Exception {
        ExecResult result = exec.run(root("sh", "-c", "echo out; echo err >&2; exit 3"));

        assertEquals(new ExecResult(3, "out\n", "err\n", false), result);
    }

    @Test
    void threeHundredSequentialExecs_eachReportTheirOwnExitCode() throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < 300; i++) {
            int expected = i % 7;
            assertEquals(expected, exec.run(root("sh", "-c", "exit " + expected)).exitCode(), "exec #" + i);
        }
        System.out.printf("300 sequential execs: %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void threeMegabytesOnStdoutAndStderr_arriveIntact() throws Exception {
        String expected = numbers(450_000);

        ExecResult result = exec.run(root("sh", "-c", "seq 1 450000; seq 1 450000 >&2"));

        assertTrue(expected.length() > 3_000_000);
        assertEquals(0, result.exitCode());
        assertEquals(expected, result.stdout());
        assertEquals(expected, result.stderr());
        assertFalse(result.truncated());
    }

    @Test
    void oneMegabyteOfStdin_roundTripsThroughCat_onV5() throws Exception {
        String input = numbers(200_000);

        ExecResult result = exec.run(root("cat").withStdin(input.getBytes(StandardCharsets.UTF_8)));

        assertTrue(input.length() > 1024 * 1024);
        assertEquals(new ExecResult(0, input, "", false), result);
        assertEquals(1, api.stdinCloses());
    }

    @Test
    void stdinOnV4_reachesAReaderThatStopsAfterAKnownLength() throws Exception {
        api.protocols(LocalKubernetesApi.V4);
        byte[] input = numbers(20_000).getBytes(StandardCharsets.UTF_8);

        ExecResult result = exec.run(root("head", "-c", Integer.toString(input.length)).withStdin(input));

        assertEquals(new ExecResult(0, new String(input, StandardCharsets.UTF_8), "", false), result);
        assertTrue(api.awaitExecsEnded(TEN_SECONDS));
        assertEquals(0, api.stdinCloses(), "v4 has no end-of-input frame");
    }

    @Test
    void outputBeyondTheCaptureLimit_isDropped_andTheCommandStillCompletes() throws Exception {
        ExecResult result = exec.run(root("sh", "-c", "seq 1 300000; echo done >&2").withCaptureLimit(1000));

        assertEquals(0, result.exitCode());
        assertEquals(numbers(300_000).substring(0, 1000), result.stdout());
        assertEquals("done\n", result.stderr());
        assertTrue(result.truncated());
    }

    @Test
    void commandPastItsDeadline_isKilledInTheContainer() throws Exception {
        long start = System.nanoTime();

        ExecResult result = exec.run(Command.asRoot(Duration.ofSeconds(1), "sleep", "30"));

        assertEquals(ExecResult.TIMED_OUT, result.exitCode());
        assertTrue(elapsed(start).compareTo(Duration.ofSeconds(6)) < 0, "took " + elapsed(start));
    }

    @Test
    void serverThatNeverAnswers_isUnreachable_atTheClientDeadline() throws Exception {
        api.execBehaviour(LocalKubernetesApi.ExecBehaviour.HANG);
        KubernetesWorkloadExec impatient = execThrough(api.writeKubeconfig(dir), POD, Duration.ofSeconds(1));
        long start = System.nanoTime();

        WorkloadUnreachableException e = assertThrows(WorkloadUnreachableException.class,
                () -> impatient.run(Command.asRoot(Duration.ofSeconds(1), "true")));

        Duration took = elapsed(start);
        assertTrue(e.getMessage().contains("no answer within 2 s"), e.getMessage());
        assertTrue(took.compareTo(Duration.ofSeconds(2)) >= 0 && took.compareTo(Duration.ofSeconds(5)) < 0,
                "took " + took);
    }

    @Test
    void socketClosedWithoutAStatus_isUnreachable() {
        api.execBehaviour(LocalKubernetesApi.ExecBehaviour.DROP);

        WorkloadUnreachableException e = assertThrows(WorkloadUnreachableException.class, () -> exec.run(root("true")));

        assertTrue(e.getMessage().contains("exec socket"), e.getMessage());
    }

    @Test
    void execCutMidCommand_isUnreachableAtOnce_andOnlyTheChosenExecIsCut() throws Exception {
        java.util.concurrent.CompletableFuture<Object> running = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return exec.run(root("sleep", "8"));
            } catch (WorkloadUnreachableException e) {
                return e;
            }
        });
        java.util.concurrent.CompletableFuture<Object> other = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return exec.run(root("sh", "-c", "sleep 1; echo other"));
            } catch (WorkloadUnreachableException e) {
                return e;
            }
        });
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (api.execs().size() < 2 && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        Thread.sleep(200); // both upgraded
        long start = System.nanoTime();

        assertEquals(1, api.cutExecs(argv -> argv.contains("8")));

        Object outcome = running.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(outcome instanceof WorkloadUnreachableException, "not unreachable: " + outcome);
        assertTrue(elapsed(start).compareTo(Duration.ofSeconds(3)) < 0, "took " + elapsed(start));
        assertEquals(new ExecResult(0, "other\n", "", false), other.get(10, java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void badToken_isUnreachable_notAnExitCode() throws Exception {
        KubernetesWorkloadExec stranger = execThrough(api.writeKubeconfig(dir, "not-the-token"), POD,
                KubernetesWorkloadExec.CLIENT_GRACE);

        WorkloadUnreachableException e = assertThrows(WorkloadUnreachableException.class,
                () -> stranger.run(root("true")));

        assertTrue(e.getMessage().contains("rejected the charm's credentials (HTTP 401)"), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-token"));
        assertTrue(api.execs().isEmpty(), "nothing ran");
    }

    @Test
    void tokenWithoutExecRights_isUnreachable_withAHint() throws Exception {
        KubernetesWorkloadExec untrusted = execThrough(api.writeKubeconfig(dir, api.forbiddenToken()), POD,
                KubernetesWorkloadExec.CLIENT_GRACE);

        WorkloadUnreachableException e = assertThrows(WorkloadUnreachableException.class,
                () -> untrusted.run(root("true")));

        assertTrue(e.getMessage().contains("HTTP 403") && e.getMessage().contains("--trust"), e.getMessage());
    }

    @Test
    void missingPod_isUnreachable() throws Exception {
        KubernetesWorkloadExec elsewhere = execThrough(api.writeKubeconfig(dir), "postgresql-k8s-7",
                KubernetesWorkloadExec.CLIENT_GRACE);

        WorkloadUnreachableException e = assertThrows(WorkloadUnreachableException.class,
                () -> elsewhere.run(root("true")));

        assertTrue(e.getMessage().contains("pod postgresql-k8s-7 or its namespace was not found (HTTP 404)"),
                e.getMessage());
    }

    @Test
    void missingBinary_exits127_withTheWrappersMessage() throws Exception {
        ExecResult result = exec.run(root("no-such-binary-here", "--help"));

        assertEquals(127, result.exitCode());
        assertTrue(result.stderr().contains("no-such-binary-here"), result.stderr());
    }

    @Test
    void processTheRuntimeCannotStart_exits127_withTheRuntimesMessage() throws Exception {
        api.execBehaviour(LocalKubernetesApi.ExecBehaviour.FAIL_TO_START);

        ExecResult result = exec.run(root("true"));

        assertEquals(127, result.exitCode());
        assertTrue(result.stderr().contains("exec: \"timeout\": executable file not found"), result.stderr());
    }

    @Test
    void postgresCommands_runUnderTimeoutAndRunuser_asSeparateArguments() throws Exception {
        ExecResult result = exec.run(Command.asPostgres(Duration.ofSeconds(7), "id", "-un"));

        assertEquals(List.of(List.of("timeout", "--kill-after=5", "7", "runuser", "-u", "postgres", "--", "id", "-un")),
                api.execs());
        if (postgresUserExists()) {
            assertEquals(new ExecResult(0, "postgres\n", "", false), result);
        } else {
            assertTrue(result.exitCode() != 0 && result.stderr().contains("postgres"), result.toString());
        }
    }

    @Test
    void rootCommands_runUnderTimeoutOnly_andEveryArgumentArrivesAsIs() throws Exception {
        ExecResult result = exec.run(Command.asRoot(Duration.ofMillis(2500), "printf", "%s|", "a", "", "b c", "&=?;$HOME"));

        assertEquals(List.of(List.of("timeout", "--kill-after=5", "3", "printf", "%s|", "a", "", "b c", "&=?;$HOME")),
                api.execs());
        assertEquals("a||b c|&=?;$HOME|", result.stdout());
    }

    @Test
    void withoutAnyKubernetes_execIsUnreachable() {
        KubernetesWorkloadExec nowhere = new KubernetesWorkloadExec(KubernetesClients.fromEnvironment(Map.of()),
                NAMESPACE, POD, KubernetesWorkloadExec.CONTAINER);

        WorkloadUnreachableException e = assertThrows(WorkloadUnreachableException.class, () -> nowhere.run(root("true")));

        assertTrue(e.getMessage().contains("KUBECONFIG"), e.getMessage());
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static boolean postgresUserExists() throws IOException, InterruptedException {
        return new ProcessBuilder("id", "postgres").start().waitFor() == 0;
    }

    @Test
    void garbledStdout_replacesOnlyTheNextMatchingExecsStdout_once() throws Exception {
        api.garbleNextStdout(argv -> argv.contains("garble-me"), out -> java.util.Arrays.copyOf(out, out.length / 2));

        ExecResult other = exec.run(root("sh", "-c", "echo 123456; echo err >&2", "keep"));
        ExecResult garbled = exec.run(root("sh", "-c", "echo 123456; echo err >&2; exit 4", "garble-me"));
        ExecResult again = exec.run(root("sh", "-c", "echo 123456", "garble-me"));

        assertEquals(new ExecResult(0, "123456\n", "err\n", false), other);
        assertEquals(new ExecResult(4, "123", "err\n", false), garbled);
        assertEquals("123456\n", again.stdout());
        assertFalse(api.garblePending());
    }
}
