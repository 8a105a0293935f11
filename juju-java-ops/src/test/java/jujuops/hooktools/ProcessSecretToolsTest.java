package jujuops.hooktools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import jujuops.hooktools.HookTools.SecretRevision;
import jujuops.model.ModelError;
import jujuops.model.RelationNotFoundError;
import jujuops.model.SecretContent;
import jujuops.model.SecretInfo;
import jujuops.model.SecretMetadata;
import jujuops.model.SecretNotFoundError;

/** The secret and storage hook tools: exact argv, the private content file, and what Juju's answers become. */
class ProcessSecretToolsTest {

    private static final String SECRET_VALUE = "pa55: \"word\"\n# not a comment";

    /** What one call saw: its argv, and the --file content and mode while the tool ran. */
    private record Request(List<String> argv, Optional<String> file, Optional<String> mode, Optional<Path> path) {}

    /** A scripted runner: {@link #enqueue} answers, {@link #take} the requests in order. */
    private static final class RecordingRunner implements CommandRunner {
        private final Deque<Result> answers = new ArrayDeque<>();
        private final Deque<Request> requests = new ArrayDeque<>();

        RecordingRunner enqueue(String stdout) {
            return enqueue(new Result(0, stdout, ""));
        }

        RecordingRunner enqueue(Result result) {
            answers.add(result);
            return this;
        }

        Request take() {
            Request r = requests.poll();
            if (r == null) {
                throw new AssertionError("no command was run");
            }
            return r;
        }

        @Override
        public Result run(List<String> argv, String stdin) {
            int at = argv.indexOf("--file");
            Optional<Path> path = at < 0 ? Optional.empty() : Optional.of(Path.of(argv.get(at + 1)));
            try {
                requests.add(new Request(List.copyOf(argv),
                        path.isEmpty() ? Optional.empty() : Optional.of(Files.readString(path.get())),
                        path.isEmpty() ? Optional.empty()
                                : Optional.of(PosixFilePermissions.toString(Files.getPosixFilePermissions(path.get()))),
                        path));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return answers.isEmpty() ? new Result(0, "", "") : answers.poll();
        }
    }

    private final RecordingRunner runner = new RecordingRunner();
    private final ProcessHookTools tools = new ProcessHookTools(runner);

    private static CommandRunner.Result failure(String stderr) {
        return new CommandRunner.Result(1, "", stderr);
    }

    // ---- secret-get ----------------------------------------------------------------------------

    @Test
    void secretGet_byId_readsTheTrackedRevision() {
        runner.enqueue("{\"password\":\"pw\"}");

        assertEquals(Map.of("password", "pw"), tools.secretGet("secret:abc", null, SecretRevision.TRACKED));
        assertEquals(List.of("secret-get", "--format=json", "secret:abc"), runner.take().argv());
    }

    @Test
    void secretGet_byLabel_peekAndRefresh() {
        runner.enqueue("{}").enqueue("{}");
        tools.secretGet(null, "db-password", SecretRevision.PEEK);
        tools.secretGet("secret:abc", "db-password", SecretRevision.REFRESH);

        assertEquals(List.of("secret-get", "--format=json", "--label", "db-password", "--peek"), runner.take().argv());
        assertEquals(List.of("secret-get", "--format=json", "secret:abc", "--label", "db-password", "--refresh"),
                runner.take().argv());
    }

    @Test
    void secretGet_notFound_isASecretNotFoundError() {
        runner.enqueue(failure("ERROR secret \"cq2t3\" not found"));

        SecretNotFoundError e = assertThrows(SecretNotFoundError.class,
                () -> tools.secretGet("secret:cq2t3", null, SecretRevision.TRACKED));
        assertTrue(e.getMessage().contains("secret-get failed (exit 1)"), e.getMessage());
    }

    @Test
    void secretGet_otherFailure_staysAModelError() {
        runner.enqueue(failure("ERROR permission denied"));

        ModelError e = assertThrows(ModelError.class, () -> tools.secretGet("secret:x", null, SecretRevision.TRACKED));
        assertEquals(ModelError.class, e.getClass());
    }

    @Test
    void secretGet_garbage_isAModelError_withoutTheContent() {
        runner.enqueue("{\"password\": \"" + SECRET_VALUE.replace("\n", "\\n").replace("\"", "\\\"") + "\" oops");

        ModelError e = assertThrows(ModelError.class, () -> tools.secretGet("secret:x", null, SecretRevision.TRACKED));
        assertTrue(e.getMessage().startsWith("secret-get output is not a JSON map of strings"), e.getMessage());
        assertFalse(e.getMessage().contains("pa55"), e.getMessage());
    }

    // ---- secret-add and secret-set: content in a private file ------------------------------------

    @Test
    void secretAdd_unitOwned_exactArgv_andReturnsTheId() {
        runner.enqueue("secret:cq2t3tmb2d8s73b0ncv0\n");
        SecretMetadata meta = SecretMetadata.labelled("db-password").withDescription("the database password");

        String id = tools.secretAdd(SecretContent.of(Map.of("password", SECRET_VALUE)), meta, true);

        assertEquals("secret:cq2t3tmb2d8s73b0ncv0", id);
        Request r = runner.take();
        assertEquals(List.of("secret-add", "--owner", "unit", "--label", "db-password",
                "--description", "the database password", "--file", r.path().orElseThrow().toString()), r.argv());
    }

    @Test
    void secretAdd_contentGoesInAPrivateFile_removedAfterwards_neverInArgv() {
        runner.enqueue("secret:abc");
        Map<String, String> content = new LinkedHashMap<>();
        content.put("username", "operator");
        content.put("password", SECRET_VALUE);

        tools.secretAdd(SecretContent.of(content), SecretMetadata.none(), false);

        Request r = runner.take();
        assertEquals("rw-------", r.mode().orElseThrow());
        assertEquals("\"username\": \"operator\"\n\"password\": \"pa55: \\\"word\\\"\\n# not a comment\"\n",
                r.file().orElseThrow());
        assertFalse(Files.exists(r.path().orElseThrow()), "the content file is deleted");
        assertTrue(r.argv().stream().noneMatch(a -> a.contains("pa55") || a.contains("operator")), r.argv()::toString);
        assertEquals(List.of("secret-add", "--owner", "application", "--file"), r.argv().subList(0, 4));
    }

    @Test
    void secretAdd_failing_stillRemovesTheFile() {
        runner.enqueue(failure("ERROR cannot create application secret: not the leader"));

        assertThrows(ModelError.class,
                () -> tools.secretAdd(SecretContent.of(Map.of("password", "pw")), SecretMetadata.none(), false));
        assertFalse(Files.exists(runner.take().path().orElseThrow()));
    }

    @Test
    void secretAdd_noId_isAModelError() {
        runner.enqueue("  \n");

        ModelError e = assertThrows(ModelError.class,
                () -> tools.secretAdd(SecretContent.of(Map.of("password", "pw")), SecretMetadata.none(), true));
        assertEquals("secret-add did not answer with a secret id", e.getMessage());
    }

    @Test
    void secretSet_newContentAndMetadata_exactArgv() {
        SecretMetadata meta = SecretMetadata.none().withExpire(Instant.parse("2030-01-02T03:04:05.678Z"))
                .withRotate(SecretInfo.Rotation.MONTHLY);

        tools.secretSet("secret:abc", SecretContent.of(Map.of("password", "new")), meta);

        Request r = runner.take();
        assertEquals(List.of("secret-set", "secret:abc", "--expire", "2030-01-02T03:04:05Z", "--rotate", "monthly",
                "--file", r.path().orElseThrow().toString()), r.argv());
        assertEquals("\"password\": \"new\"\n", r.file().orElseThrow());
        assertFalse(Files.exists(r.path().orElseThrow()));
    }

    @Test
    void secretSet_metadataOnly_hasNoFile() {
        tools.secretSet("secret:abc", null, SecretMetadata.labelled("tls"));

        assertEquals(List.of("secret-set", "secret:abc", "--label", "tls"), runner.take().argv());
    }

    @Test
    void secretSet_unknownSecret_isASecretNotFoundError() {
        runner.enqueue(failure("ERROR secret \"abc\" not found"));

        assertThrows(SecretNotFoundError.class,
                () -> tools.secretSet("secret:abc", SecretContent.of(Map.of("password", "pw")), SecretMetadata.none()));
    }

    // ---- secret-info-get -----------------------------------------------------------------------

    @Test
    void secretInfoGet_parsesJujusAnswer() {
        runner.enqueue("{\"cq2t3tmb2d8s73b0ncv0\":{\"revision\":3,\"label\":\"db-password\",\"owner\":\"application\","
                + "\"rotation\":\"daily\",\"expiry\":\"2030-01-02T03:04:05Z\",\"rotates\":\"2030-01-01T00:00:00+01:00\"}}");

        SecretInfo info = tools.secretInfoGet("secret:cq2t3tmb2d8s73b0ncv0", null);

        assertEquals(List.of("secret-info-get", "--format=json", "secret:cq2t3tmb2d8s73b0ncv0"), runner.take().argv());
        assertEquals(new SecretInfo("secret:cq2t3tmb2d8s73b0ncv0", "application", 3, Optional.of("db-password"),
                Optional.empty(), Optional.of(Instant.parse("2030-01-02T03:04:05Z")),
                Optional.of(SecretInfo.Rotation.DAILY), Optional.of(Instant.parse("2029-12-31T23:00:00Z"))), info);
    }

    @Test
    void secretInfoGet_byLabel_sendsOnlyTheLabel() {
        runner.enqueue("{\"abc\":{\"revision\":1,\"owner\":\"unit\"}}");

        SecretInfo info = tools.secretInfoGet(null, "tls");

        assertEquals(List.of("secret-info-get", "--format=json", "--label", "tls"), runner.take().argv());
        assertEquals("secret:abc", info.id());
        assertEquals("unit", info.owner());
    }

    @Test
    void secretInfoGet_garbage_isAClearModelError() {
        runner.enqueue("not json")
                .enqueue("{}")
                .enqueue("{\"abc\":{\"revision\":\"two\"}}")
                .enqueue("{\"abc\":{\"revision\":1,\"expiry\":\"tomorrow\"}}")
                .enqueue("{\"abc\":{\"revision\":1,\"label\":7}}");
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            messages.add(assertThrows(ModelError.class, () -> tools.secretInfoGet("secret:abc", null)).getMessage());
        }

        assertTrue(messages.get(0).startsWith("secret-info-get output is not a JSON object"), messages::toString);
        assertEquals("secret-info-get answered 0 entries, expected one secret's metadata", messages.get(1));
        assertEquals("secret-info-get revision is a string, expected a positive integer", messages.get(2));
        assertEquals("secret-info-get expiry is not an RFC 3339 time", messages.get(3));
        assertEquals("secret-info-get label is a number, expected a string", messages.get(4));
    }

    // ---- grants and removal --------------------------------------------------------------------

    @Test
    void secretGrantRevokeRemove_exactArgv() {
        tools.secretGrant("secret:abc", "db:2", null);
        tools.secretGrant("secret:abc", "db:2", "mediawiki/6");
        tools.secretRevoke("secret:abc", "db:2", "mediawiki/6");
        tools.secretRemove("secret:abc", OptionalInt.of(4));
        tools.secretRemove("secret:abc", OptionalInt.empty());

        assertEquals(List.of("secret-grant", "secret:abc", "-r", "db:2"), runner.take().argv());
        assertEquals(List.of("secret-grant", "secret:abc", "-r", "db:2", "--unit", "mediawiki/6"), runner.take().argv());
        assertEquals(List.of("secret-revoke", "secret:abc", "-r", "db:2", "--unit", "mediawiki/6"), runner.take().argv());
        assertEquals(List.of("secret-remove", "secret:abc", "--revision", "4"), runner.take().argv());
        assertEquals(List.of("secret-remove", "secret:abc"), runner.take().argv());
    }

    @Test
    void secretGrant_relationGone_isARelationNotFoundError() {
        runner.enqueue(failure("ERROR invalid value \"db:2\" for option -r: relation not found"));

        assertThrows(RelationNotFoundError.class, () -> tools.secretGrant("secret:abc", "db:2", null));
    }

    // ---- storage -------------------------------------------------------------------------------

    @Test
    void storage_listAndLocation_exactArgv() {
        runner.enqueue("[\"data/0\",\"data/1\"]").enqueue("\"/var/lib/juju/storage/data/0\"\n");

        assertEquals(List.of("data/0", "data/1"), tools.storageList("data"));
        assertEquals("/var/lib/juju/storage/data/0", tools.storageLocation("data/0"));
        assertEquals(List.of("storage-list", "--format=json", "data"), runner.take().argv());
        assertEquals(List.of("storage-get", "--format=json", "-s", "data/0", "location"), runner.take().argv());
    }

    @Test
    void storage_garbage_isAClearModelError() {
        runner.enqueue("{\"data\":0}").enqueue("/not/json").enqueue("42");

        assertTrue(assertThrows(ModelError.class, () -> tools.storageList("data")).getMessage()
                .startsWith("storage-list output is not a JSON list of strings"));
        assertTrue(assertThrows(ModelError.class, () -> tools.storageLocation("data/0")).getMessage()
                .startsWith("storage-get output is not JSON"));
        assertEquals("storage-get location answered a number, expected a path",
                assertThrows(ModelError.class, () -> tools.storageLocation("data/0")).getMessage());
    }
}
