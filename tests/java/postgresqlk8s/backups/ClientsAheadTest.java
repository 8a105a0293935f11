package postgresqlk8s.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import postgresqlk8s.s3.ObjectStore;
import postgresqlk8s.s3.S3Endpoint;
import postgresqlk8s.s3.S3Parameters;
import postgresqlk8s.workload.Command;
import postgresqlk8s.workload.ExecResult;
import postgresqlk8s.workload.WorkloadExec;

class ClientsAheadTest {

    private final List<String> steps = new CopyOnWriteArrayList<>();
    private final CountDownLatch prepared = new CountDownLatch(1);
    private final S3Parameters s3 = new S3Parameters("pg-backups", "AKIDEXAMPLE", "secret-example",
            new S3Endpoint("s3.example.com", 443, S3Endpoint.UriStyle.PATH), "us-east-1", "/pg", Optional.empty(),
            Optional.empty(), List.of());

    private final ObjectStore store = new ObjectStore() {
        @Override
        public void warmUp() {
            steps.add("warm up S3 library");
        }

        @Override
        public void connect(S3Parameters settings) {
            steps.add("connect " + settings.bucket());
        }

        @Override
        public void ensureBucket(S3Parameters settings) {
            steps.add("ensureBucket");
        }

        @Override
        public void put(S3Parameters settings, String key, String content) {
            steps.add("put " + key);
        }

        @Override
        public Optional<String> get(S3Parameters settings, String key) {
            steps.add("get " + key);
            return Optional.empty();
        }
    };

    private final WorkloadExec exec = new WorkloadExec() {
        @Override
        public ExecResult run(Command command) {
            throw new AssertionError("ahead of use, nothing runs in the workload: " + command);
        }

        @Override
        public void prepare() {
            steps.add("prepare workload client");
            prepared.countDown();
        }
    };

    private final Seams seams = new Seams(exec, store, null, null, null, null, Clock.systemUTC(), null, null, null);

    @Test
    void withCompleteSettings_opensTheS3Connection_thenBuildsTheWorkloadClient() {
        ClientsAhead ahead = new ClientsAhead(seams);
        ahead.s3Settings(Optional.of(s3));
        ahead.run();
        assertEquals(List.of("warm up S3 library", "connect pg-backups", "prepare workload client"), steps,
                "a connection only: no bucket check, no object written or read");
    }

    @Test
    void withoutUsableSettings_neverContactsS3() {
        ClientsAhead ahead = new ClientsAhead(seams);
        ahead.s3Settings(Optional.empty());
        ahead.run();
        assertEquals(List.of("warm up S3 library", "prepare workload client"), steps);
    }

    @Test
    void cancelled_buildsNothingMore() {
        ClientsAhead ahead = new ClientsAhead(seams);
        ahead.cancel();
        ahead.run();
        assertEquals(List.of("warm up S3 library"), steps);
    }

    @Test
    void started_waitsForTheSettings_onItsOwnDaemonThread() throws Exception {
        ClientsAhead ahead = ClientsAhead.start(seams);
        Thread.sleep(50);
        assertTrue(steps.stream().noneMatch(s -> s.startsWith("connect") || s.startsWith("prepare")),
                "nothing is connected before the flow read the settings: " + steps);
        ahead.s3Settings(Optional.of(s3));
        assertTrue(prepared.await(10, TimeUnit.SECONDS), "the other thread went on once the settings were known");
        assertEquals(List.of("warm up S3 library", "connect pg-backups", "prepare workload client"), steps);
    }
}
