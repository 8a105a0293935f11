package fakejuju;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import fakejuju.FakeJuju.Dispatched;
import fakejuju.FakeJuju.Event;
import fakejuju.FakeJuju.Run;
import fakejuju.FakeJuju.Settlement;
import fakejuju.FakeJuju.Status;

/**
 * The stand-in agent with several units of one application, driving a shell charm whose dispatch logs
 * each event it gets ("unit hook remote=... departing=... sees=[...]") and calls hook tools.
 */
class FakeJujuTest {

    private static final String PEERS = "database-peers:0";
    private static final String CHANGED = "database-peers-relation-changed";
    private static final String JOINED = "database-peers-relation-joined";
    private static final String DEPARTED = "database-peers-relation-departed";
    private static final String DISPATCH = """
            #!/bin/sh
            if [ "$JUJU_ACTION_NAME" = progress ]; then
              action-log "step 1"
              while [ ! -f "$EVENTS_LOG.release" ]; do sleep 0.05; done
              action-log "step 2"
              exit 0
            fi
            if [ -n "$JUJU_ACTION_NAME" ]; then
              n=$(action-get n | tr -dc 0-9)
              echo "$JUJU_UNIT_NAME $JUJU_ACTION_NAME started $n" >> "$EVENTS_LOG"
              sleep 1
              action-set "n=$n"
              echo "$JUJU_UNIT_NAME $JUJU_ACTION_NAME ended $n" >> "$EVENTS_LOG"
              exit 0
            fi
            sees=""
            [ -n "$JUJU_RELATION_ID" ] && sees=$(relation-list -r "$JUJU_RELATION_ID" --format=json)
            echo "$JUJU_UNIT_NAME $JUJU_HOOK_NAME remote=$JUJU_REMOTE_UNIT app=$JUJU_REMOTE_APP" \
              "departing=$JUJU_DEPARTING_UNIT sees=$sees" >> "$EVENTS_LOG"
            status-set --application=False active -- "did $JUJU_HOOK_NAME"
            if [ -n "$PING_PONG" ] && [ "$JUJU_HOOK_NAME" = database-peers-relation-changed ]; then
              echo "{\\"n\\": \\"$(date +%s%N)\\"}" | relation-set -r database-peers:0 --file -
            fi
            """;

    @TempDir
    Path tmp;

    private Path charm() throws IOException {
        Path charm = Files.createDirectories(tmp.resolve("charm"));
        Path dispatch = charm.resolve("dispatch");
        Files.writeString(dispatch, DISPATCH);
        Files.setPosixFilePermissions(dispatch, PosixFilePermissions.fromString("rwxr-xr-x"));
        return charm;
    }

    private FakeJuju model(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("EVENTS_LOG", tmp.resolve("events.log").toString());
        FakeJuju juju = FakeJuju.model(tmp.resolve("model"), "pg", "m1", all);
        juju.peers(PEERS, Map.of());
        return juju;
    }

    /** Three units, pg/0 the leader, every start-up event settled. */
    private FakeJuju threeUnits(Map<String, String> env) throws IOException {
        FakeJuju juju = model(env);
        Path charm = charm();
        juju.addUnit(charm, true, "install", "leader-elected");
        juju.addUnit(charm, false, "install", "leader-settings-changed");
        juju.addUnit(charm, false, "install", "leader-settings-changed");
        assertTrue(juju.settle().settled());
        clearLog();
        juju.clearCalls();
        return juju;
    }

    private List<String> log() throws IOException {
        Path log = tmp.resolve("events.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private void clearLog() throws IOException {
        Files.deleteIfExists(tmp.resolve("events.log"));
    }

    private static Run sh(Unit unit, String script) {
        return unit.exec("sh", "-c", script);
    }

    private static String ok(Run run) {
        assertEquals(0, run.exitCode(), run.stderr());
        return run.stdout().strip();
    }

    private static JsonNode json(Run run) {
        return FakeJuju.read(ok(run));
    }

    /** An event on the peer relation. */
    private static Event event(String hook, String remoteUnit) {
        return new Event(hook, PEERS, remoteUnit, null);
    }

    /** An event on no relation. */
    private static Event plain(String hook) {
        return new Event(hook, null, null, null);
    }

    private static List<String> units(Settlement settlement) {
        return settlement.dispatched().stream().map(Dispatched::unit).toList();
    }

    @Test
    void eachUnit_answersFromWhereItStands() throws IOException {
        FakeJuju juju = threeUnits(Map.of());
        Unit pg0 = juju.unit("pg/0");
        Unit pg1 = juju.unit("pg/1");
        assertEquals("[\"pg/1\", \"pg/2\"]", ok(pg0.exec("relation-list", "-r", PEERS, "--format=json")));
        assertEquals("[\"pg/0\", \"pg/2\"]", ok(pg1.exec("relation-list", "-r", PEERS, "--format=json")));
        assertEquals("true", ok(pg0.exec("is-leader", "--format=json")));
        assertEquals("false", ok(pg1.exec("is-leader", "--format=json")));

        ok(sh(pg1, "echo '{\"host\": \"pg-1\"}' | relation-set -r " + PEERS + " --file -"));
        assertEquals("{\"host\": \"pg-1\"}", ok(pg0.exec("relation-get", "-r", PEERS, "-", "pg/1")));
        assertEquals("{}", ok(pg0.exec("relation-get", "-r", PEERS, "-", "pg/0")));
        assertEquals(Map.of("host", "pg-1"), pg1.unitData(PEERS));
        assertEquals(List.of("relation-list -r database-peers:0 --format=json", "is-leader --format=json",
                "relation-set -r database-peers:0 --file -"), pg1.callLines());
        assertEquals(List.of("relation-list -r database-peers:0 --format=json", "is-leader --format=json",
                "relation-get -r database-peers:0 - pg/1", "relation-get -r database-peers:0 - pg/0"), pg0.callLines());
    }

    @Test
    void appData_onlyTheLeaderWritesIt_anyUnitReadsThePeerBag_onlyTheLeaderItsBagElsewhere() throws IOException {
        FakeJuju juju = threeUnits(Map.of());
        juju.relate("s3-parameters:5", "s3-integrator", Map.of("bucket", "b"));
        Unit pg0 = juju.unit("pg/0");
        Unit pg1 = juju.unit("pg/1");

        Run refused = sh(pg1, "echo '{\"k\": \"v\"}' | relation-set -r " + PEERS + " --app --file -");
        assertEquals(1, refused.exitCode());
        assertEquals("ERROR cannot write relation settings: unit is not the leader\n", refused.stderr());
        assertEquals(Map.of(), juju.appData(PEERS));

        ok(sh(pg0, "echo '{\"k\": \"v\"}' | relation-set -r " + PEERS + " --app --file -"));
        assertEquals(Map.of("k", "v"), juju.appData(PEERS));
        assertEquals("{\"k\": \"v\"}", ok(pg1.exec("relation-get", "-r", PEERS, "--app", "-", "pg")));

        Run denied = pg1.exec("relation-get", "-r", "s3-parameters:5", "--app", "-", "pg");
        assertEquals("ERROR permission denied\n", denied.stderr());
        assertEquals("{}", ok(pg0.exec("relation-get", "-r", "s3-parameters:5", "--app", "-", "pg")));
        assertEquals("{\"bucket\": \"b\"}",
                ok(pg1.exec("relation-get", "-r", "s3-parameters:5", "--app", "-", "s3-integrator")));
    }

    @Test
    void failedDispatch_rollsBackOnlyThatUnitsWrites_andQueuesNothing() throws IOException {
        FakeJuju juju = threeUnits(Map.of());
        Unit pg0 = juju.unit("pg/0");
        Unit pg1 = juju.unit("pg/1");
        ok(sh(pg0, "echo '{\"a\": \"0\"}' | relation-set -r " + PEERS + " --file -"));
        assertTrue(juju.settle().settled());

        Run failed = sh(pg1, "echo '{\"b\": \"1\"}' | relation-set -r " + PEERS + " --file - &&"
                + " status-set --application=False blocked -- kept && exit 1");
        assertEquals(1, failed.exitCode());
        assertEquals(Map.of(), pg1.unitData(PEERS));
        assertEquals(Map.of("a", "0"), pg0.unitData(PEERS));
        assertEquals(new Status("blocked", "kept"), pg1.status(), "statuses are not rolled back");
        assertEquals(List.of(), pg0.pending());

        Run failedLeader = sh(pg0, "echo '{\"k\": \"v\"}' | relation-set -r " + PEERS + " --app --file - && exit 1");
        assertEquals(1, failedLeader.exitCode());
        assertEquals(Map.of(), juju.appData(PEERS));
    }

    @Test
    void peerUnitBagWrite_queuesRelationChanged_onTheOthers_fromTheWriter() throws IOException {
        FakeJuju juju = threeUnits(Map.of());
        Unit pg1 = juju.unit("pg/1");
        ok(sh(pg1, "echo '{\"host\": \"pg-1\"}' | relation-set -r " + PEERS + " --file -"));
        assertEquals(List.of(event(CHANGED, "pg/1")), juju.unit("pg/0").pending());
        assertEquals(List.of(event(CHANGED, "pg/1")), juju.unit("pg/2").pending());
        assertEquals(List.of(), pg1.pending());

        ok(sh(pg1, "echo '{\"host\": \"pg-1b\"}' | relation-set -r " + PEERS + " --file -"));
        assertEquals(List.of(event(CHANGED, "pg/1")), juju.unit("pg/0").pending(), "coalesced");

        Settlement settlement = juju.settle();
        assertEquals(List.of("pg/0", "pg/2"), units(settlement));
        assertEquals(List.of(
                "pg/0 database-peers-relation-changed remote=pg/1 app=pg departing= sees=[\"pg/1\", \"pg/2\"]",
                "pg/2 database-peers-relation-changed remote=pg/1 app=pg departing= sees=[\"pg/0\", \"pg/1\"]"), log());
    }

    @Test
    void leaderAppBagWrite_queuesRelationChanged_withTheAppOnly_andOtherRelationsQueueNothing() throws IOException {
        FakeJuju juju = threeUnits(Map.of());
        juju.relate("s3-parameters:5", "s3-integrator", Map.of());
        Unit pg0 = juju.unit("pg/0");
        ok(sh(pg0, "echo '{\"bucket\": \"b\"}' | relation-set -r s3-parameters:5 --app --file -"
                + " && echo '{\"x\": \"y\"}' | relation-set -r s3-parameters:5 --file -"));
        assertEquals(List.of(), juju.unit("pg/1").pending());

        ok(sh(pg0, "echo '{\"k\": \"v\"}' | relation-set -r " + PEERS + " --app --file -"));
        assertEquals(List.of(event(CHANGED, null)), juju.unit("pg/1").pending());
        assertEquals(List.of(event(CHANGED, null)), juju.unit("pg/2").pending());
        assertEquals(List.of(), pg0.pending());
    }

    @Test
    void addUnit_queuesItsHooks_thenJoinedOnBothSides_inItsOwnCharmDir() throws IOException {
        FakeJuju juju = model(Map.of());
        Path charm = charm();
        Files.writeString(charm.resolve(".unit-state.json"), "{}");
        Unit pg0 = juju.addUnit(charm, true, "install");
        Unit pg1 = juju.addUnit(charm, false, "install", "database-peers-relation-created");
        assertEquals("pg/1", pg1.name());
        assertEquals(List.of(plain("install"), event(JOINED, "pg/1")), pg0.pending());
        assertEquals(List.of(plain("install"), new Event("database-peers-relation-created", PEERS, null, null),
                event(JOINED, "pg/0")), pg1.pending());

        assertEquals(tmp.resolve("model/units/pg-1").toAbsolutePath(), pg1.charmDir());
        assertEquals(charm.resolve("dispatch").toAbsolutePath(), Files.readSymbolicLink(pg1.charmDir().resolve("dispatch")));
        assertFalse(Files.exists(pg1.charmDir().resolve(".unit-state.json"), LinkOption.NOFOLLOW_LINKS));
        assertNotEquals(pg0.charmDir(), pg1.charmDir());

        assertTrue(juju.settle().settled());
        assertTrue(log().contains("pg/1 database-peers-relation-joined remote=pg/0 app=pg departing= sees=[\"pg/0\"]"),
                log().toString());
    }

    @Test
    void removeUnit_queuesDeparted_dropsItFromGoalStateAtOnce_andItLeavesAfterStop() throws IOException {
        FakeJuju juju = threeUnits(Map.of());
        Unit pg0 = juju.unit("pg/0");
        juju.removeUnit(juju.unit("pg/1"));
        assertEquals(List.of("pg/0", "pg/2"), unitNames(json(pg0.exec("goal-state", "--format=json")).get("units")));
        Event departed = new Event(DEPARTED, PEERS, "pg/1", "pg/1");
        assertEquals(List.of(departed), pg0.pending());
        assertEquals(List.of(departed), juju.unit("pg/2").pending());
        assertEquals(List.of(new Event(DEPARTED, PEERS, "pg/0", "pg/1"), new Event(DEPARTED, PEERS, "pg/2", "pg/1"),
                plain("stop")), juju.unit("pg/1").pending());

        assertTrue(juju.settle().settled());
        assertEquals(List.of(
                "pg/0 database-peers-relation-departed remote=pg/1 app=pg departing=pg/1 sees=[\"pg/2\"]",
                "pg/1 database-peers-relation-departed remote=pg/0 app=pg departing=pg/1 sees=[\"pg/2\"]",
                "pg/2 database-peers-relation-departed remote=pg/1 app=pg departing=pg/1 sees=[\"pg/0\"]",
                "pg/1 database-peers-relation-departed remote=pg/2 app=pg departing=pg/1 sees=[]",
                "pg/1 stop remote= app= departing= sees="), log());
        assertEquals(List.of(pg0, juju.unit("pg/2")), juju.units());
        assertFalse(juju.modelState().at("/relations/database-peers:0/local-units").has("pg/1"));
    }

    @Test
    void removingTheLeader_leavesNoLeader_untilTheLeaseRunsOut_thenElectsTheLowestRemainingUnit() throws IOException {
        FakeJuju juju = threeUnits(Map.of());
        juju.removeUnit(juju.unit("pg/0"));
        juju.settle();
        assertFalse(juju.unit("pg/1").isLeader());
        assertEquals("false", ok(juju.unit("pg/1").exec("is-leader", "--format=json")));
        juju.electLeader();
        juju.settle();
        assertTrue(juju.unit("pg/1").isLeader());
        assertTrue(log().contains("pg/1 leader-elected remote= app= departing= sees="), log().toString());
        assertTrue(log().contains("pg/2 leader-settings-changed remote= app= departing= sees="), log().toString());
    }

    @Test
    void setLeader_flipsTheFlags_andQueuesElectedOnTheNewLeader_settingsChangedOnTheOthers() throws IOException {
        FakeJuju juju = threeUnits(Map.of());
        juju.setLeader(juju.unit("pg/2"));
        assertEquals(List.of(false, false, true), juju.units().stream().map(Unit::isLeader).toList());
        assertEquals("true", ok(juju.unit("pg/2").exec("is-leader", "--format=json")));
        assertEquals(List.of(plain("leader-settings-changed")), juju.unit("pg/0").pending());
        assertEquals(List.of(plain("leader-settings-changed")), juju.unit("pg/1").pending());
        assertEquals(List.of(plain("leader-elected")), juju.unit("pg/2").pending());
        assertEquals("""
                Unit   Workload  Message
                pg/0   active    did database-peers-relation-joined
                pg/1   active    did database-peers-relation-joined
                pg/2*  active    did database-peers-relation-joined
                """, juju.statusTable());
    }

    @Test
    void settle_stopsAtItsBound_roundRobin_andSaysWhatIsLeft() throws IOException {
        FakeJuju juju = model(Map.of("PING_PONG", "1"));
        Path charm = charm();
        juju.addUnit(charm, true);
        juju.addUnit(charm, false);
        Settlement start = juju.settle();
        assertEquals(List.of("pg/0", "pg/1"), units(start));

        ok(sh(juju.unit("pg/0"), "echo '{\"n\": \"0\"}' | relation-set -r " + PEERS + " --file -"));
        Settlement bounded = juju.settle(5);
        assertFalse(bounded.settled());
        assertEquals(1, bounded.pending());
        assertEquals(List.of("pg/1", "pg/0", "pg/1", "pg/0", "pg/1"), units(bounded));
        Dispatched first = bounded.dispatched().get(0);
        assertEquals(new Dispatched("pg/1", event(CHANGED, "pg/0"), 0, new Status("active", "did " + CHANGED)), first);
    }

    @Test
    void goalState_listsThePlannedUnits() throws IOException {
        FakeJuju juju = model(Map.of());
        Path charm = charm();
        juju.addUnit(charm, true);
        juju.addUnit(charm, false);
        JsonNode goal = json(juju.unit("pg/1").exec("goal-state", "--format=json"));
        assertEquals(List.of("pg/0", "pg/1"), unitNames(goal.get("units")));
        assertEquals("active", goal.at("/units/pg~10/status").asText());
    }

    @Test
    void init_isTheOneUnitModel_dispatchedInItsCharmDir() throws IOException {
        FakeJuju juju = FakeJuju.init(tmp.resolve("one"), charm(), "probe/3", true, "m2",
                Map.of("EVENTS_LOG", tmp.resolve("events.log").toString()));
        assertEquals(0, juju.hook("install").exitCode());
        assertEquals(List.of("probe/3 install remote= app= departing= sees="), log());
        assertEquals("probe/3", juju.state().get("unit").asText());
        assertEquals("did install", juju.state().at("/unit-status/message").asText());
        assertEquals(tmp.resolve("charm").toAbsolutePath(), juju.units().get(0).charmDir());

        juju.edit(s -> s.put("leader", false));
        assertEquals("false", ok(juju.units().get(0).exec("is-leader", "--format=json")));
        assertEquals(List.of("status-set --application=False active -- did install", "is-leader --format=json"),
                juju.callLines());
    }

    private static List<String> unitNames(JsonNode units) {
        List<String> out = new ArrayList<>();
        units.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void aNewUnit_takesTheLowestFreeNumber_asAStatefulSetsPodOrdinal() throws IOException {
        FakeJuju juju = threeUnits(Map.of());
        juju.removeUnit(juju.unit("pg/1"));
        juju.settle();
        Unit again = juju.addUnit(charm(), false, "install");
        assertEquals("pg/1", again.name());
        assertEquals("pg/3", juju.addUnit(charm(), false, "install").name());
    }

    // ---- secrets and storage -------------------------------------------------------------------------------

    /** A content file as the framework writes it for secret-add/secret-set --file: one "key": "value" a line. */
    private Path secretFile(String name, String yaml) throws IOException {
        return Files.writeString(tmp.resolve(name), yaml);
    }

    private static void fails(Run run, String stderr) {
        assertEquals(1, run.exitCode(), run.stdout());
        assertEquals("ERROR " + stderr + "\n", run.stderr());
    }

    @Test
    void appSecret_theLeaderAddsAndSetsIt_everyUnitReadsTheLatest_andNoContentIsLogged() throws IOException {
        FakeJuju juju = threeUnits(Map.of());
        Unit pg0 = juju.unit("pg/0");
        Unit pg1 = juju.unit("pg/1");
        Path first = secretFile("one.yaml", "\"password\": \"s3cr:et\"\nuser: bob\n");
        String id = ok(pg0.exec("secret-add", "--owner", "application", "--label", "creds", "--description", "db",
                "--file", first.toString()));
        assertTrue(id.matches("secret:[0-9a-v]{20}"), id);
        assertEquals(Map.of("password", "s3cr:et", "user", "bob"),
                FakeJuju.bag(json(pg1.exec("secret-get", "--format=json", "--label", "creds"))));

        Path second = secretFile("two.yaml", "\"password\": \"n3w\"\n");
        ok(pg0.exec("secret-set", id, "--file", second.toString()));
        assertEquals(Map.of("password", "n3w"), FakeJuju.bag(json(pg1.exec("secret-get", "--format=json", id))));
        JsonNode info = json(pg0.exec("secret-info-get", "--format=json", "--label", "creds"));
        assertEquals(2, info.path(id.substring("secret:".length())).path("revision").asInt(), info.toString());
        assertEquals("application", info.path(id.substring("secret:".length())).path("owner").asText());
        assertEquals("db", info.path(id.substring("secret:".length())).path("description").asText());

        fails(pg1.exec("secret-set", id, "--file", second.toString()), "permission denied");
        fails(pg1.exec("secret-add", "--owner", "application", "--file", first.toString()), "permission denied");
        fails(pg0.exec("secret-add", "--owner", "application", "--label", "creds", "--file", first.toString()),
                "secret with label \"creds\" already exists");
        String calls = juju.calls().toString() + juju.modelState().path("units");
        assertFalse(calls.contains("s3cr") || calls.contains("n3w"), calls);
    }

    @Test
    void unitSecret_belongsToItsUnit_andKeyValueArguments_areNotRecorded() throws IOException {
        FakeJuju juju = threeUnits(Map.of());
        Unit pg1 = juju.unit("pg/1");
        String id = ok(pg1.exec("secret-add", "--owner", "unit", "--label", "mine", "token=t0k3n"));
        assertEquals("{\"token\": \"t0k3n\"}", ok(pg1.exec("secret-get", "--format=json", "--label", "mine")));
        assertEquals("unit", json(pg1.exec("secret-info-get", "--format=json", id)).path(id.substring(7)).path("owner").asText());
        fails(juju.unit("pg/0").exec("secret-get", "--format=json", id), "permission denied");
        fails(juju.unit("pg/0").exec("secret-get", "--format=json", "--label", "mine"), "secret with label \"mine\" not found");
        fails(pg1.exec("secret-add", "--owner", "unit", "k=v"), "invalid key \"k\"");
        assertEquals(List.of("secret-add --owner unit --label mine token=<redacted>"), pg1.callLines().subList(0, 1));
    }

    @Test
    void remoteSecret_anObserverTracksItsRevision_untilItRefreshes_peekShowsTheLatest() throws IOException {
        FakeJuju juju = threeUnits(Map.of());
        juju.relate("s3-parameters:5", "s3-integrator", Map.of());
        String id = juju.addRemoteSecret("s3-integrator", "s3-parameters:5", Map.of("secret-key", "one"));
        Unit pg1 = juju.unit("pg/1");
        assertEquals("{\"secret-key\": \"one\"}", ok(pg1.exec("secret-get", "--format=json", id, "--label", "s3")));

        juju.setRemoteSecret(id, Map.of("secret-key", "two"), true);
        assertEquals(List.of(plain("secret-changed")), pg1.pending(), "only the unit tracking revision 1");
        assertEquals(List.of(), juju.unit("pg/0").pending());
        assertEquals("{\"secret-key\": \"one\"}", ok(pg1.exec("secret-get", "--format=json", "--label", "s3")));
        assertEquals("{\"secret-key\": \"two\"}", ok(pg1.exec("secret-get", "--format=json", id, "--peek")));
        assertEquals("{\"secret-key\": \"one\"}", ok(pg1.exec("secret-get", "--format=json", id)));
        assertEquals("{\"secret-key\": \"two\"}", ok(pg1.exec("secret-get", "--format=json", id, "--refresh")));
        assertEquals("{\"secret-key\": \"two\"}", ok(pg1.exec("secret-get", "--format=json", id)));
        fails(pg1.exec("secret-info-get", "--format=json", id), "permission denied");
        fails(pg1.exec("secret-set", id, "secret-key=three"), "permission denied");

        juju.unrelate("s3-parameters:5");
        fails(pg1.exec("secret-get", "--format=json", id), "permission denied");
    }

    @Test
    void grantAndRevoke_nameTheRemoteApplicationOrAUnit_onARelationThatIsThere() throws IOException {
        FakeJuju juju = threeUnits(Map.of());
        juju.relate("certificates:6", "self-signed-certificates", Map.of());
        Unit pg0 = juju.unit("pg/0");
        String id = ok(pg0.exec("secret-add", "--owner", "application", "pass-word=x"));
        ok(pg0.exec("secret-grant", id, "-r", "certificates:6"));
        ok(pg0.exec("secret-grant", id, "-r", PEERS, "--unit", "pg/2"));
        assertEquals("{\"certificates:6\":[\"self-signed-certificates\"],\"database-peers:0\":[\"pg/2\"]}",
                juju.secret(id).path("grants").toString());
        ok(pg0.exec("secret-revoke", id, "-r", "certificates:6"));
        assertEquals("{\"database-peers:0\":[\"pg/2\"]}", juju.secret(id).path("grants").toString());

        fails(pg0.exec("secret-grant", id, "-r", "nope:9"), "invalid value \"nope:9\" for option -r: relation not found");
        fails(pg0.exec("secret-grant", id, "-r", "certificates:6", "--unit", "other/0"),
                "unit other/0 is not in relation certificates:6");
        fails(juju.unit("pg/1").exec("secret-grant", id, "-r", "certificates:6"), "permission denied");
    }

    @Test
    void unknownSecretsAndRevisions_failWithNotFound_andRemoveTakesARevisionOrAll() throws IOException {
        FakeJuju juju = threeUnits(Map.of());
        Unit pg0 = juju.unit("pg/0");
        fails(pg0.exec("secret-get", "--format=json", "secret:cs000000000000000099"), "secret \"cs000000000000000099\" not found");
        fails(pg0.exec("secret-get", "--format=json", "--label", "nope"), "secret with label \"nope\" not found");
        fails(pg0.exec("secret-info-get", "--format=json", "--label", "nope"), "secret with label \"nope\" not found");

        String id = ok(pg0.exec("secret-add", "--label", "l", "aaa=1"));
        ok(pg0.exec("secret-set", id, "aaa=2"));
        fails(pg0.exec("secret-remove", id, "--revision", "7"), "revision 7 of secret \"" + id.substring(7) + "\" not found");
        ok(pg0.exec("secret-remove", id, "--revision", "1"));
        assertEquals("{\"aaa\": \"2\"}", ok(pg0.exec("secret-get", "--format=json", id)));
        ok(pg0.exec("secret-remove", id));
        fails(pg0.exec("secret-get", "--format=json", id), "secret \"" + id.substring(7) + "\" not found");
    }

    @Test
    void storage_eachUnitHasItsPgdata_atTheImagesPath() throws IOException {
        FakeJuju juju = threeUnits(Map.of());
        Unit pg1 = juju.unit("pg/1");
        assertEquals("[\"pgdata/1\"]", ok(pg1.exec("storage-list", "--format=json", "pgdata")));
        assertEquals("\"/var/lib/postgresql/data\"", ok(pg1.exec("storage-get", "--format=json", "-s", "pgdata/1", "location")));
        fails(pg1.exec("storage-get", "--format=json", "-s", "pgdata/0", "location"),
                "invalid value \"pgdata/0\" for option -s: storage not found");
    }

    @Test
    void removeRelation_queuesDepartedThenBroken_onEveryUnit_andTheRelationGoesAfterTheLast() throws IOException {
        FakeJuju juju = threeUnits(Map.of());
        juju.relate("certificates:6", "self-signed-certificates", Map.of());
        juju.removeRelation("certificates:6");
        String remote = "self-signed-certificates/0";
        assertEquals(List.of(new Event("certificates-relation-departed", "certificates:6", remote, remote),
                new Event("certificates-relation-broken", "certificates:6", null, null)), juju.unit("pg/2").pending());
        assertTrue(juju.settle().settled());
        assertEquals(List.of(
                "pg/0 certificates-relation-departed remote=self-signed-certificates/0 app=self-signed-certificates"
                        + " departing=self-signed-certificates/0 sees=[]",
                "pg/1 certificates-relation-departed remote=self-signed-certificates/0 app=self-signed-certificates"
                        + " departing=self-signed-certificates/0 sees=[]",
                "pg/2 certificates-relation-departed remote=self-signed-certificates/0 app=self-signed-certificates"
                        + " departing=self-signed-certificates/0 sees=[]",
                "pg/0 certificates-relation-broken remote= app=self-signed-certificates departing= sees=",
                "pg/1 certificates-relation-broken remote= app=self-signed-certificates departing= sees=",
                "pg/2 certificates-relation-broken remote= app=self-signed-certificates departing= sees="), log());
        assertFalse(juju.modelState().path("relations").has("certificates:6"));
    }

    /**
     * Juju's machine lock: a second action of a unit started while one runs waits and then runs, with its
     * own parameters and results; actions of two units run at the same time.
     */
    @Test
    void twoActionsOfOneUnit_runOneAfterTheOther_withTheirOwnResults_twoUnitsAtOnce() throws Exception {
        FakeJuju juju = threeUnits(Map.of());
        Path out = Files.createDirectories(tmp.resolve("out"));
        Process first = juju.unit("pg/1").startAction(out.resolve("1"), "probe", "n=1");
        Process second = juju.unit("pg/1").startAction(out.resolve("2"), "probe", "n=2");
        Process other = juju.unit("pg/2").startAction(out.resolve("3"), "probe", "n=3");
        for (Process p : List.of(first, second, other)) {
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the action ended");
            assertEquals(0, p.exitValue());
        }
        List<String> pg1 = log().stream().filter(l -> l.startsWith("pg/1 ")).toList();
        assertEquals(4, pg1.size(), "two actions on pg/1: " + log());
        // whichever got the lock first ends before the other starts
        assertTrue(pg1.get(0).contains("started") && pg1.get(1).contains("ended") && pg1.get(2).contains("started")
                && pg1.get(3).contains("ended"), "one after the other: " + pg1);
        assertEquals(pg1.get(0).substring(pg1.get(0).length() - 1), pg1.get(1).substring(pg1.get(1).length() - 1));
        List<String> all = log();
        assertTrue(all.indexOf("pg/2 probe started 3") < all.indexOf(pg1.get(3)) && all.indexOf("pg/2 probe ended 3") > all.indexOf(pg1.get(0)),
                "pg/2's action overlapped pg/1's: " + all);
        assertTrue(Files.readString(out.resolve("1")).contains("n: 1"), Files.readString(out.resolve("1")));
        assertTrue(Files.readString(out.resolve("2")).contains("n: 2"), Files.readString(out.resolve("2")));
    }

    /** As real {@code juju run}: action-log lines show while the action runs, timed, before its results. */
    @Test
    void actionLogLines_areShownWhileTheActionRuns() throws Exception {
        FakeJuju juju = threeUnits(Map.of());
        Path out = tmp.resolve("progress.out");
        Process action = juju.unit("pg/1").startAction(out, "progress");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!(Files.exists(out) && Files.readString(out).contains("step 1")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        String whileRunning = Files.readString(out);
        assertTrue(action.isAlive(), "the action still runs: " + whileRunning);
        assertTrue(whileRunning.matches("(?s)Running operation \\d+ with 1 task\n\\d\\d:\\d\\d:\\d\\d step 1\n"), whileRunning);
        Files.writeString(tmp.resolve("events.log.release"), "");
        assertTrue(action.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the action ended");
        String all = Files.readString(out);
        assertTrue(all.matches("(?s)Running operation \\d+ with 1 task\n\\S+ step 1\n\\S+ step 2\nAction id \\d+: completed\n"), all);
        assertEquals(List.of("step 1", "step 2"), List.of(juju.unit("pg/1").lastAction().get("log").get(0).asText(),
                juju.unit("pg/1").lastAction().get("log").get(1).asText()));
    }
}
