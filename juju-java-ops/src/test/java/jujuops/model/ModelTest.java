package jujuops.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import jujuops.Framework;
import jujuops.HookEvent;
import jujuops.HookObserver;
import jujuops.HookOutcome;
import jujuops.TestCharm;
import jujuops.testing.Context;
import jujuops.testing.RelationState;
import jujuops.testing.Result;
import jujuops.testing.State;
import jujuops.testing.TestEvent;

/**
 * The model as a charm sees it, through the real dispatch code and the fake hook tools. Each test runs a
 * probe inside an install handler; the probe's answer (or the exception it caught) lands in stored state.
 */
class ModelTest {

    private static final String UNIT = "postgresql-k8s/0";
    private static final RelationState S3 = RelationState.of("s3-parameters", 3, "s3-integrator")
            .withRemoteAppData(Map.of("bucket", "backups"));

    private static Result probe(State in, Function<Framework, String> probe) {
        Context ctx = new Context(fw -> fw.observe(HookEvent.INSTALL, "ModelTest.probe", event -> {
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

    private static Relation s3(Framework fw) {
        return fw.model().relation("s3-parameters").orElseThrow();
    }

    private static boolean anyCallStartsWith(Result result, String prefix) {
        return result.calls().stream().anyMatch(c -> c.startsWith(prefix));
    }

    // ---- application data: leader only --------------------------------------------------------

    @Test
    void leader_writingAppData_landsInOutputState() {
        Result result = probe(State.empty().withLeader(true).withRelation(S3), fw -> {
            s3(fw).localAppData().put("endpoint", "https://s3");
            return s3(fw).localAppData().get("endpoint").orElse("missing");
        });

        assertEquals("https://s3", answer(result));
        assertEquals(Map.of("endpoint", "https://s3"), result.state().relationOn("s3-parameters").localAppData());
        assertTrue(result.calls().contains("relation-set -r s3-parameters:3 --app --file - [endpoint]"),
                result.calls()::toString);
    }

    @Test
    void nonLeader_writingAppData_isRefused() {
        Result result = probe(State.empty().withLeader(false).withRelation(S3), fw -> {
            s3(fw).localAppData().put("endpoint", "https://s3");
            return "written";
        });

        assertEquals("threw RelationDataAccessError", answer(result));
        assertFalse(anyCallStartsWith(result, "relation-set"), result.calls()::toString);
        assertEquals(Map.of(), result.state().relationOn("s3-parameters").localAppData());
    }

    @Test
    void nonLeader_readingAppData_isRefused() {
        RelationState withAppData = S3.withLocalAppData(Map.of("secret-ish", "x"));
        Result result = probe(State.empty().withLeader(false).withRelation(withAppData),
                fw -> s3(fw).localAppData().get("secret-ish").orElse("missing"));

        assertEquals("threw RelationDataAccessError", answer(result));
        assertFalse(anyCallStartsWith(result, "relation-get"), result.calls()::toString);
    }

    @Test
    void leader_readingAppData_isAllowed() {
        RelationState withAppData = S3.withLocalAppData(Map.of("k", "v"));
        Result result = probe(State.empty().withLeader(true).withRelation(withAppData),
                fw -> s3(fw).localAppData().asMap().toString());

        assertEquals("{k=v}", answer(result));
    }

    // ---- the remote side is read-only -----------------------------------------------------------

    @Test
    void writingRemoteAppData_isRefused_evenForTheLeader() {
        Result result = probe(State.empty().withLeader(true).withRelation(S3), fw -> {
            s3(fw).remoteAppData().put("bucket", "mine");
            return "written";
        });

        assertEquals("threw RelationDataAccessError", answer(result));
        assertFalse(anyCallStartsWith(result, "relation-set"), result.calls()::toString);
        assertEquals(Map.of("bucket", "backups"), result.state().relationOn("s3-parameters").remoteAppData());
    }

    @Test
    void writingRemoteUnitData_isRefused() {
        Result result = probe(State.empty().withLeader(true).withRelation(S3), fw -> {
            s3(fw).remoteUnitData("s3-integrator/0").remove("x");
            return "written";
        });

        assertEquals("threw RelationDataAccessError", answer(result));
    }

    @Test
    void remoteAppData_isReadable_byANonLeader() {
        Result result = probe(State.empty().withLeader(false).withRelation(S3),
                fw -> s3(fw).remoteApp() + ":" + s3(fw).remoteAppData().get("bucket").orElse("missing"));

        assertEquals("s3-integrator:backups", answer(result));
    }

    // ---- unit data ---------------------------------------------------------------------------

    @Test
    void emptyString_deletesAKey() {
        RelationState withUnitData = S3.withLocalUnitData(Map.of("a", "1", "b", "2", "c", "3"));
        Result result = probe(State.empty().withRelation(withUnitData), fw -> {
            Databag bag = s3(fw).localUnitData();
            String before = bag.asMap().keySet().stream().sorted().toList().toString();
            bag.put("a", "");
            bag.remove("b");
            return before + "->" + bag.asMap();
        });

        assertEquals("[a, b, c]->{c=3}", answer(result));
        assertEquals(Map.of("c", "3"), result.state().relationOn("s3-parameters").localUnitData());
    }

    @Test
    void putAll_writesSeveralKeysInOneRelationSet() {
        Result result = probe(State.empty().withRelation(S3), fw -> {
            s3(fw).localUnitData().putAll(Map.of("x", "1", "y", "2"));
            return "ok";
        });

        assertEquals(Map.of("x", "1", "y", "2"), result.state().relationOn("s3-parameters").localUnitData());
        assertEquals(1, result.calls().stream().filter(c -> c.startsWith("relation-set")).count());
    }

    @Test
    void putAll_withNullValue_isRejectedBeforeAnyWrite() {
        Map<String, String> changes = new HashMap<>();
        changes.put("ok", "1");
        changes.put("bad", null);
        Result result = probe(State.empty().withRelation(S3), fw -> {
            s3(fw).localUnitData().putAll(changes);
            return "written";
        });

        assertEquals("threw IllegalArgumentException", answer(result));
        assertFalse(anyCallStartsWith(result, "relation-set"), result.calls()::toString);
    }

    /** Databag says it rejects nulls with IllegalArgumentException ("use \"\" to delete"); put must too. */
    @Test
    void put_withNullValue_isRejectedWithIllegalArgument() {
        Result result = probe(State.empty().withRelation(S3), fw -> {
            try {
                s3(fw).localUnitData().put("bad", null);
                return "written";
            } catch (NullPointerException e) {
                return "threw NullPointerException";
            }
        });

        assertEquals("threw IllegalArgumentException", answer(result));
    }

    @Test
    void emptyKey_isRejected() {
        Result result = probe(State.empty().withRelation(S3), fw -> {
            s3(fw).localUnitData().put("", "v");
            return "written";
        });

        assertEquals("threw IllegalArgumentException", answer(result));
    }

    // ---- finding relations --------------------------------------------------------------------

    @Test
    void relation_isEmptyWhenTheEndpointHasNone() {
        Result result = probe(State.empty(), fw -> String.valueOf(fw.model().relation("s3-parameters").isPresent()));

        assertEquals("false", answer(result));
    }

    @Test
    void relation_withTwoRelationsOnTheEndpoint_isAModelError() {
        State in = State.empty().withRelation(S3).withRelation(RelationState.of("s3-parameters", 4, "other-s3"));
        Result result = probe(in, fw -> fw.model().relation("s3-parameters").toString());

        assertEquals("threw ModelError", answer(result));
    }

    @Test
    void relations_listsEveryRelationOnTheEndpoint() {
        State in = State.empty().withRelation(S3).withRelation(RelationState.of("s3-parameters", 4, "other-s3"));
        Result result = probe(in, fw -> fw.model().relations("s3-parameters").toString());

        assertEquals("[s3-parameters:3, s3-parameters:4]", answer(result));
    }

    @Test
    void relationById_ofAGoneRelation_isEmpty() {
        Result result = probe(State.empty(),
                fw -> String.valueOf(fw.model().relationById("s3-parameters", "s3-parameters:3").isPresent()));

        assertEquals("false", answer(result));
    }

    @Test
    void relationById_ofALiveRelation_knowsItsPartsAndUnits() {
        Result result = probe(State.empty().withRelation(S3), fw -> {
            Relation r = fw.model().relationById("s3-parameters", "s3-parameters:3").orElseThrow();
            return r.endpoint() + "|" + r.id() + "|" + r.number() + "|" + r.remoteApp() + "|" + r.remoteUnits();
        });

        assertEquals("s3-parameters|s3-parameters:3|3|s3-integrator|[s3-integrator/0]", answer(result));
    }

    // ---- relation-broken: the breaking relation is gone from the lists, not from the event ----------

    private static final RelationState S3_OTHER = RelationState.of("s3-parameters", 4, "other-s3");

    /** What an s3-parameters observer sees of the endpoint's relations during {@code what}. */
    private static String seenDuring(String what) {
        Context ctx = new Context(fw -> {
            HookObserver observer = event -> {
                Model m = fw.model();
                String id = event.relationId().orElseThrow();
                fw.stored().put("answer", m.relations("s3-parameters") + " by id " + id + ": "
                        + m.relationById("s3-parameters", id).map(Relation::id).orElse("none")
                        + ", on another endpoint: " + m.relationById("certificates", id).isPresent());
                return HookOutcome.done();
            };
            fw.observe(HookEvent.relationChanged("s3-parameters"), "ModelTest.probe", observer);
            fw.observe(HookEvent.relationBroken("s3-parameters"), "ModelTest.probe", observer);
        }, TestCharm.DIR, UNIT, "dev");
        State in = State.empty().withRelation(S3).withRelation(S3_OTHER);
        Result result = ctx.run(TestEvent.relation(what, S3), in);
        assertEquals(0, result.exitCode(), result.logs()::toString);
        return answer(result);
    }

    @Test
    void relationBroken_leavesTheBreakingRelationOutOfTheList_butFindsItById() {
        assertEquals("[s3-parameters:4] by id s3-parameters:3: s3-parameters:3, on another endpoint: false",
                seenDuring("broken"));
    }

    @Test
    void otherRelationHooks_listEveryRelation() {
        assertEquals("[s3-parameters:3, s3-parameters:4] by id s3-parameters:3: s3-parameters:3, on another endpoint: false",
                seenDuring("changed"));
    }

    @Test
    void relationBroken_theOnlyRelation_leavesNone() {
        Context ctx = new Context(fw -> fw.observe(HookEvent.relationBroken("s3-parameters"), "ModelTest.probe", event -> {
            fw.stored().put("answer", String.valueOf(fw.model().relation("s3-parameters").isPresent()));
            return HookOutcome.done();
        }), TestCharm.DIR, UNIT, "dev");

        Result result = ctx.run(TestEvent.relation("broken", S3), State.empty().withRelation(S3));

        assertEquals("false", answer(result));
    }

    // ---- the unit, the config, secrets, status -------------------------------------------------

    @Test
    void names_comeFromTheEnvironment() {
        Result result = probe(State.empty(),
                fw -> fw.model().unitName() + "|" + fw.model().appName() + "|" + fw.model().modelName());

        assertEquals("postgresql-k8s/0|postgresql-k8s|dev", answer(result));
    }

    @Test
    void plannedUnits_comesFromGoalState() {
        State in = new State(false, Map.of(), List.of(), Status.unknown(), Status.unknown(), List.of(), Map.of(),
                Map.of(), 3);
        Result result = probe(in, fw -> String.valueOf(fw.model().plannedUnits()));

        assertEquals("3", answer(result));
        assertTrue(result.calls().contains("goal-state"), result.calls()::toString);
    }

    @Test
    void isLeader_isAskedOncePerDispatch() {
        Result result = probe(State.empty().withLeader(true),
                fw -> fw.model().isLeader() + "," + fw.model().isLeader());

        assertEquals("true,true", answer(result));
        assertEquals(1, result.calls().stream().filter("is-leader"::equals).count());
    }

    private static final Map<String, Object> CONFIG = Map.of(
            "s3-bucket", "backups", "blank", "  ", "tls", true, "port", 5432L);

    @Test
    void config_typedGettersReadTheirTypes() {
        Result result = probe(State.empty().withConfig(CONFIG), fw -> {
            Config c = fw.model().config();
            return c.getString("s3-bucket").orElse("?") + "|" + c.getString("blank").isPresent() + "|"
                    + c.getBoolean("tls").orElse(false) + "|" + c.getInt("port").orElse(0L) + "|"
                    + c.getString("unset").isPresent();
        });

        assertEquals("backups|false|true|5432|false", answer(result));
    }

    @Test
    void config_wrongType_isAModelError() {
        assertEquals("threw ModelError", answer(probe(State.empty().withConfig(CONFIG),
                fw -> fw.model().config().getInt("s3-bucket").toString())));
        assertEquals("threw ModelError", answer(probe(State.empty().withConfig(CONFIG),
                fw -> fw.model().config().getString("port").toString())));
        assertEquals("threw ModelError", answer(probe(State.empty().withConfig(CONFIG),
                fw -> fw.model().config().getBoolean("s3-bucket").toString())));
    }

    @Test
    void secret_returnsItsContent() {
        State in = State.empty().withSecret("secret:abc", Map.of("access-key", "AK"));
        Result result = probe(in, fw -> fw.model().secret("secret:abc").toString());

        assertEquals("{access-key=AK}", answer(result));
    }

    @Test
    void secret_unknown_isAModelError() {
        assertEquals("threw ModelError", answer(probe(State.empty(), fw -> fw.model().secret("secret:nope").toString())));
    }

    @Test
    void unitStatus_isReadBack_afterBeingSet() {
        Result result = probe(State.empty().withUnitStatus(Status.waiting("before")), fw -> {
            String before = fw.model().unitStatus().toString();
            fw.model().setUnitStatus(Status.active("after"));
            return before + "->" + fw.model().unitStatus();
        });

        assertEquals("waiting: before->active: after", answer(result));
        assertEquals(Status.active("after"), result.unitStatus());
    }

    @Test
    void nonLeader_settingAppStatus_isRefused() {
        Result result = probe(State.empty().withLeader(false), fw -> {
            fw.model().setAppStatus(Status.active());
            return "set";
        });

        assertEquals("threw RelationDataAccessError", answer(result));
        assertFalse(anyCallStartsWith(result, "status-set"), result.calls()::toString);
    }

    @Test
    void leader_settingAppStatus_landsInOutputState() {
        Result result = probe(State.empty().withLeader(true), fw -> {
            fw.model().setAppStatus(Status.blocked("needs s3"));
            return fw.model().appStatus().toString();
        });

        assertEquals("blocked: needs s3", answer(result));
        assertEquals(Status.blocked("needs s3"), result.state().appStatus());
    }
}
