package jujuops.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jujuops.Framework;
import jujuops.HookEvent;
import jujuops.HookOutcome;
import jujuops.TestCharm;
import jujuops.testing.Context;
import jujuops.testing.RelationState;
import jujuops.testing.Result;
import jujuops.testing.SecretState;
import jujuops.testing.State;
import jujuops.testing.TestEvent;

/**
 * Secrets through the real dispatch code and the fake hook tools, with a tiny charm: the leader creates
 * the database password and grants it to the client relation; an observer follows secret-changed to the
 * latest revision; the owner removes a revision nobody tracks any more.
 */
class SecretTest {

    private static final String UNIT = "postgresql-k8s/0";
    private static final RelationState DB = RelationState.of("database", 2, "mediawiki");
    private static final SecretState S3_CREDENTIALS =
            SecretState.observed("secret:s3creds", Map.of("access-key", "AK1")).withNewRevision(Map.of("access-key", "AK2"));

    /** The tiny charm. Answers land in stored state (a real charm would not store secret content). */
    private static void tinyCharm(Framework fw) {
        fw.observe(HookEvent.INSTALL, "Tiny.createPassword", event -> {
            Secret s = fw.model().addSecret(Secret.Owner.APPLICATION, Map.of("password", "pw-1"),
                    SecretMetadata.labelled("db-password").withDescription("database password"));
            fw.model().relation("database").ifPresent(s::grant);
            fw.stored().put("secret-id", s.id().orElseThrow());
            fw.stored().put("shown", s.toString());
            return HookOutcome.done();
        });
        fw.observe(HookEvent.SECRET_CHANGED, "Tiny.followCredentials", event -> {
            Secret s = fw.model().getSecret(event.secretId().orElseThrow(), event.secretLabel().orElse(null));
            fw.stored().put("before", s.content().get("access-key"));
            fw.stored().put("after", s.refreshContent().get("access-key"));
            return HookOutcome.done();
        });
        fw.observe(HookEvent.SECRET_REMOVE, "Tiny.dropRevision", event -> {
            if (!fw.stored().get("seen-remove").isPresent()) {
                fw.stored().put("seen-remove", "yes");
                return HookOutcome.defer();
            }
            fw.model().getSecret(event.secretId().orElseThrow()).removeRevision(event.secretRevision().getAsInt());
            return HookOutcome.done();
        });
    }

    private static Result run(TestEvent event, State in) {
        return new Context(SecretTest::tinyCharm, TestCharm.DIR, UNIT, "dev").run(event, in);
    }

    private static Result probe(State in, java.util.function.Function<Framework, String> probe) {
        Context ctx = new Context(fw -> fw.observe(HookEvent.INSTALL, "SecretTest.probe", event -> {
            String answer;
            try {
                answer = probe.apply(fw);
            } catch (ModelError | IllegalArgumentException e) {
                answer = "threw " + e.getClass().getSimpleName();
            }
            fw.stored().put("answer", answer);
            return HookOutcome.done();
        }), TestCharm.DIR, UNIT, "dev");
        Result result = ctx.run(TestEvent.hook("install"), in);
        assertEquals(0, result.exitCode(), result.logs()::toString);
        return result;
    }

    private static String answer(Result result) {
        return result.state().stored().get("answer");
    }

    @Test
    void leader_addsAnApplicationSecret_andGrantsIt_allInTheOutputState() {
        Result result = run(TestEvent.hook("install"), State.empty().withLeader(true).withRelation(DB));

        assertEquals(0, result.exitCode(), result.logs()::toString);
        SecretState created = result.state().secretLabelled("db-password");
        assertEquals(result.state().stored().get("secret-id"), created.id());
        assertEquals(Optional.of(Secret.Owner.APPLICATION), created.owner());
        assertEquals(Map.of("password", "pw-1"), created.latestContent());
        assertEquals(Optional.of("database password"), created.description());
        assertEquals(Map.of("database:2", Set.of("mediawiki")), created.grants());
        assertFalse(result.state().stored().get("shown").contains("pw-1"));
        assertFalse(created.toString().contains("pw-1"), created.toString());
        assertTrue(result.calls().contains("secret-add --owner application --label db-password"
                + " --description database password --file [password]"), result.calls()::toString);
    }

    @Test
    void nonLeader_cannotAddAnApplicationSecret_andTheFailedHookLeavesNoSecret() {
        Result result = run(TestEvent.hook("install"), State.empty().withLeader(false));

        assertNotEquals(0, result.exitCode());
        assertTrue(result.state().secrets().isEmpty());
    }

    @Test
    void secretChanged_observerTracksItsRevision_untilItRefreshes() {
        State in = State.empty().withSecret(S3_CREDENTIALS.withLabel("s3"));

        Result result = run(TestEvent.secretChanged(in.secret("secret:s3creds")), in);

        assertEquals(0, result.exitCode(), result.logs()::toString);
        assertEquals("AK1", result.state().stored().get("before"));
        assertEquals("AK2", result.state().stored().get("after"));
        assertEquals(2, result.state().secret("secret:s3creds").tracked());
        assertTrue(result.calls().contains("secret-get secret:s3creds --label s3 --refresh"), result.calls()::toString);
    }

    @Test
    void peek_readsTheLatest_withoutMovingTheTrackedRevision() {
        Result result = probe(State.empty().withSecret(S3_CREDENTIALS), fw -> {
            Secret s = fw.model().getSecret("s3creds");
            return s.content().get("access-key") + "/" + s.peekContent().get("access-key");
        });

        assertEquals("AK1/AK2", answer(result));
        assertEquals(1, result.state().secret("secret:s3creds").tracked());
    }

    @Test
    void owner_setContent_makesANewRevision_andSeesIt() {
        State in = State.empty().withLeader(true)
                .withSecret(SecretState.owned("secret:pw", Secret.Owner.APPLICATION, "db-password", Map.of("password", "a")));

        Result result = probe(in, fw -> {
            Secret s = fw.model().getSecretByLabel("db-password");
            s.setContent(Map.of("password", "b"));
            return s.content().get("password") + " rev " + s.info().revision();
        });

        assertEquals("b rev 2", answer(result));
        assertEquals(Set.of(1, 2), result.state().secret("secret:pw").revisions().keySet());
    }

    @Test
    void unknownSecret_isASecretNotFoundError() {
        assertEquals("threw SecretNotFoundError", answer(probe(State.empty(), fw -> fw.model().getSecret("secret:nope").toString())));
        assertEquals("threw SecretNotFoundError", answer(probe(State.empty(), fw -> fw.model().getSecretByLabel("nope").toString())));
    }

    @Test
    void observer_cannotChangeOrInspectAnotherApplicationsSecret() {
        State in = State.empty().withSecret(S3_CREDENTIALS);

        assertEquals("threw ModelError", answer(probe(in, fw -> {
            fw.model().getSecret("secret:s3creds").setContent(Map.of("access-key", "mine"));
            return "changed";
        })));
        assertEquals("threw ModelError", answer(probe(in, fw -> fw.model().getSecret("secret:s3creds").info().toString())));
    }

    @Test
    void secretRemove_isDeferredWithItsRevision_andRemovesItWhenReemitted() {
        SecretState pw = SecretState.owned("secret:pw", Secret.Owner.UNIT, "db-password", Map.of("password", "a"))
                .withNewRevision(Map.of("password", "b"));
        State in = State.empty().withSecret(pw);

        Result first = run(TestEvent.secretRemove(pw, 1), in);
        assertEquals(List.of("secret-remove"), first.state().deferred().stream().map(d -> d.eventName()).toList());
        assertEquals(Map.of("secret-uri", "secret:pw", "secret-label", "db-password", "secret-revision", "1"),
                first.state().deferred().get(0).snapshot());

        Result second = run(TestEvent.hook("update-status"), first.state());
        assertEquals(0, second.exitCode(), second.logs()::toString);
        assertTrue(second.state().deferred().isEmpty());
        assertEquals(Set.of(2), second.state().secret("secret:pw").revisions().keySet());
        assertTrue(second.calls().contains("secret-remove secret:pw --revision 1"), second.calls()::toString);
    }

    @Test
    void revoke_andRemoveAll_showInTheOutputState() {
        SecretState pw = SecretState.owned("secret:pw", Secret.Owner.APPLICATION, null, Map.of("password", "a"))
                .withGrant("database:2", "mediawiki");
        State in = State.empty().withLeader(true).withRelation(DB).withSecret(pw)
                .withSecret(SecretState.owned("secret:old", Secret.Owner.APPLICATION, null, Map.of("password", "z")));

        Result result = probe(in, fw -> {
            fw.model().getSecret("secret:pw").revoke(fw.model().relation("database").orElseThrow());
            fw.model().getSecret("secret:old").removeAllRevisions();
            return "done";
        });

        assertEquals("done", answer(result));
        assertEquals(Map.of(), result.state().secret("secret:pw").grants());
        assertFalse(result.state().secrets().containsKey("secret:old"));
    }
}
