package jujuops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jujuops.hooktools.CommandRunner;
import jujuops.hooktools.ProcessHookTools;
import jujuops.model.HookToolOutputError;
import jujuops.model.Status;
import jujuops.store.DeferredEvent;
import jujuops.store.FileUnitStateStore;
import jujuops.store.UnitState;
import jujuops.testing.Context;
import jujuops.testing.RelationState;
import jujuops.testing.Result;
import jujuops.testing.State;
import jujuops.testing.TestEvent;

/**
 * One dispatch at a time through the real {@link Dispatcher}, state in and state out. The test charms
 * below record what their observers saw in stored state under {@code trace}, so the order of handling
 * is part of the output state.
 */
class DispatcherTest {

    private static final String UNIT = "postgresql-k8s/0";
    private static final RelationState S3 = RelationState.of("s3-parameters", 3, "s3-integrator");
    private static final HookEvent S3_CHANGED = HookEvent.relationChanged("s3-parameters");
    private static final HookEvent CREDENTIALS_CHANGED = HookEvent.custom("s3-credentials-changed");
    private static final ActionEvent CREATE_BACKUP = ActionEvent.named("create-backup");
    private static final ActionEvent RESTORE = ActionEvent.named("restore");
    private static final Map<String, String> S3_SNAPSHOT = Map.of(
            Event.RELATION_ENDPOINT, "s3-parameters",
            Event.RELATION_ID, "s3-parameters:3",
            Event.REMOTE_APP, "s3-integrator",
            Event.REMOTE_UNIT, "s3-integrator/0");

    // ---- test charm building blocks ------------------------------------------------------------

    /** Appends the label to stored "trace" and returns the outcome. */
    private static HookObserver tracing(Framework fw, String label, HookOutcome outcome) {
        return event -> {
            trace(fw, label);
            return outcome;
        };
    }

    /** Appends the label to stored "trace"; defers until stored "ready" is set. */
    private static HookObserver tracingUntilReady(Framework fw, String label) {
        return event -> {
            trace(fw, label);
            return fw.stored().get("ready").isPresent() ? HookOutcome.done() : HookOutcome.defer();
        };
    }

    private static void trace(Framework fw, String label) {
        String before = fw.stored().get("trace").orElse("");
        fw.stored().put("trace", before.isEmpty() ? label : before + "," + label);
    }

    private static String traceOf(Result result) {
        return result.state().stored().getOrDefault("trace", "");
    }

    /** Observes each event name with key {@code Charm.<event>}, deferring until stored "ready". */
    private static Context deferringCharm(HookEvent... events) {
        return new Context(fw -> {
            for (HookEvent event : events) {
                fw.observe(event, "Charm." + event.name(), tracingUntilReady(fw, event.name()));
            }
        }, TestCharm.DIR, UNIT, "dev");
    }

    private static DeferredEvent deferred(long seq, String event, String observer) {
        return new DeferredEvent(seq, event, Event.Kind.HOOK, observer, Map.of());
    }

    // ---- events nobody observes --------------------------------------------------------------

    @Test
    void unknownEvent_withNoObservers_exitsZeroAndTouchesNothing() {
        Context ctx = new Context(fw -> fw.observe(HookEvent.INSTALL, "Charm.onInstall",
                tracing(fw, "install", HookOutcome.done())), TestCharm.DIR, UNIT, "dev");
        State in = State.empty().withStored(Map.of("k", "v"));

        Result result = ctx.run(TestEvent.hook("leader-settings-changed"), in);

        assertEquals(0, result.exitCode());
        assertEquals(List.of(), result.calls());
        assertEquals(in, result.state());
    }

    // ---- deferral ------------------------------------------------------------------------------

    @Test
    void deferringHandler_leavesDeferredEventWithNameObserverKeyAndSnapshot() {
        Context ctx = deferringCharm(S3_CHANGED);

        Result result = ctx.run(TestEvent.relation("changed", S3), State.empty().withRelation(S3));

        assertEquals(0, result.exitCode());
        assertEquals(List.of(new DeferredEvent(1, "s3-parameters-relation-changed", Event.Kind.RELATION,
                "Charm.s3-parameters-relation-changed", S3_SNAPSHOT)), result.state().deferred());
        assertEquals("deferred s3-parameters-relation-changed[1]",
                "deferred " + result.state().deferred().get(0).handle());
    }

    @Test
    void sameHandlerDeferringTheSameEventAgain_keepsOneNotice_atItsFirstPlace() {
        Context ctx = deferringCharm(S3_CHANGED, HookEvent.UPDATE_STATUS);
        State in = State.empty().withRelation(S3);

        Result first = ctx.run(TestEvent.relation("changed", S3), in);
        Result second = ctx.run(TestEvent.hook("update-status"), first.state());
        Result third = ctx.run(TestEvent.relation("changed", S3), second.state());

        assertEquals(List.of("s3-parameters-relation-changed[1]", "update-status[2]"),
                third.state().deferred().stream().map(DeferredEvent::handle).toList());
    }

    @Test
    void deferredEvents_areReemittedBeforeTheNewEvent_inTheOrderFirstDeferred() {
        Context ctx = deferringCharm(HookEvent.UPDATE_STATUS, HookEvent.CONFIG_CHANGED, HookEvent.INSTALL);
        State in = State.empty()
                .withDeferred(List.of(deferred(4, "update-status", "Charm.update-status"),
                        deferred(7, "config-changed", "Charm.config-changed")))
                .withStored(Map.of("ready", "yes"));

        Result result = ctx.run(TestEvent.hook("install"), in);

        assertEquals(0, result.exitCode());
        assertEquals("update-status,config-changed,install", traceOf(result));
        assertEquals(List.of(), result.state().deferred());
    }

    @Test
    void deferralsAcrossThreeDispatches_keepFirstDeferredOrder() {
        Context ctx = deferringCharm(HookEvent.UPDATE_STATUS, HookEvent.CONFIG_CHANGED, HookEvent.INSTALL);

        Result first = ctx.run(TestEvent.hook("update-status"), State.empty());
        Result second = ctx.run(TestEvent.hook("config-changed"), first.state());
        Result third = ctx.run(TestEvent.hook("install"), second.state().withStored(
                Map.of("ready", "yes", "trace", "")));

        assertEquals(List.of(deferred(1, "update-status", "Charm.update-status")), first.state().deferred());
        assertEquals("update-status,update-status,config-changed", traceOf(second));
        assertEquals(List.of(deferred(1, "update-status", "Charm.update-status"),
                deferred(2, "config-changed", "Charm.config-changed")), second.state().deferred());
        assertEquals("update-status,config-changed,install", traceOf(third));
        assertEquals(List.of(), third.state().deferred());
    }

    @Test
    void reemittedEventThatIsDone_isDropped_andOneThatDefersAgainKeepsSeqAndPosition() {
        Context ctx = new Context(fw -> {
            fw.observe(HookEvent.UPDATE_STATUS, "Charm.onUpdateStatus", tracing(fw, "update-status", HookOutcome.defer()));
            fw.observe(HookEvent.CONFIG_CHANGED, "Charm.onConfigChanged", tracing(fw, "config-changed", HookOutcome.done()));
            fw.observe(HookEvent.START, "Charm.onStart", tracing(fw, "start", HookOutcome.defer()));
            fw.observe(HookEvent.INSTALL, "Charm.onInstall", tracing(fw, "install", HookOutcome.defer()));
        }, TestCharm.DIR, UNIT, "dev");
        State in = State.empty().withDeferred(List.of(
                deferred(5, "update-status", "Charm.onUpdateStatus"),
                deferred(6, "config-changed", "Charm.onConfigChanged"),
                deferred(9, "start", "Charm.onStart")));

        Result result = ctx.run(TestEvent.hook("install"), in);

        assertEquals("update-status,config-changed,start,install", traceOf(result));
        assertEquals(List.of(
                deferred(5, "update-status", "Charm.onUpdateStatus"),
                deferred(9, "start", "Charm.onStart"),
                deferred(10, "install", "Charm.onInstall")), result.state().deferred());
    }

    @Test
    void reemittedEvent_seesItsOriginalSnapshot() {
        Context ctx = new Context(fw -> fw.observe(S3_CHANGED, "Charm.onS3", event -> {
            trace(fw, event.relationId().orElse("none") + "@" + event.get(Event.REMOTE_UNIT).orElse("none"));
            return HookOutcome.done();
        }), TestCharm.DIR, UNIT, "dev");
        State in = State.empty().withRelation(S3).withDeferred(List.of(new DeferredEvent(
                1, "s3-parameters-relation-changed", Event.Kind.RELATION, "Charm.onS3", S3_SNAPSHOT)));

        Result result = ctx.run(TestEvent.hook("update-status"), in);

        assertEquals("s3-parameters:3@s3-integrator/0", traceOf(result));
        assertEquals(List.of(), result.state().deferred());
    }

    @Test
    void deferredEventWhoseObserverIsGone_isDroppedWithAWarning() {
        Context ctx = new Context(fw -> fw.observe(HookEvent.UPDATE_STATUS, "Charm.onUpdateStatus",
                tracing(fw, "update-status", HookOutcome.done())), TestCharm.DIR, UNIT, "dev");
        State in = State.empty().withDeferred(List.of(deferred(3, "update-status", "OldCharm.onUpdateStatus")));

        Result result = ctx.run(TestEvent.hook("install"), in);

        assertEquals(0, result.exitCode());
        assertEquals(List.of(), result.state().deferred());
        assertEquals("", traceOf(result));
        assertEquals(List.of("WARNING Framework: dropping deferred update-status[3]: no observer OldCharm.onUpdateStatus any more"),
                result.logs());
    }

    // ---- custom events ------------------------------------------------------------------------

    private static Context charmWithCustomEvent(HookOutcome customOutcome) {
        return new Context(fw -> {
            fw.observe(S3_CHANGED, "S3Requirer.onChanged", event -> {
                trace(fw, "relation-changed");
                fw.emit(Event.custom(CREDENTIALS_CHANGED, Map.of("bucket", "backups")));
                return HookOutcome.done();
            });
            fw.observe(CREDENTIALS_CHANGED, "Charm.onCredentialsChanged", event -> {
                trace(fw, "credentials-changed:" + event.get("bucket").orElse("?") + ":" + event.kind());
                return customOutcome;
            });
        }, TestCharm.DIR, UNIT, "dev");
    }

    @Test
    void customEvent_reachesItsObserverDuringTheEmittingHandler() {
        Result result = charmWithCustomEvent(HookOutcome.done())
                .run(TestEvent.relation("changed", S3), State.empty().withRelation(S3));

        assertEquals(0, result.exitCode());
        assertEquals("relation-changed,credentials-changed:backups:CUSTOM", traceOf(result));
        assertEquals(List.of(), result.state().deferred());
    }

    @Test
    void customEvent_canBeDeferred_andIsReemittedNextDispatch() {
        Result first = charmWithCustomEvent(HookOutcome.defer())
                .run(TestEvent.relation("changed", S3), State.empty().withRelation(S3));
        Result second = charmWithCustomEvent(HookOutcome.done())
                .run(TestEvent.hook("update-status"), first.state().withStored(Map.of()));

        assertEquals(List.of(new DeferredEvent(1, "s3-credentials-changed", Event.Kind.CUSTOM,
                "Charm.onCredentialsChanged", Map.of("bucket", "backups"))), first.state().deferred());
        assertEquals("credentials-changed:backups:CUSTOM", traceOf(second));
        assertEquals(List.of(), second.state().deferred());
    }

    // ---- a failing dispatch is rolled back ------------------------------------------------------

    @Test
    void handlerThrowing_afterAnotherDeferred_rollsBackDeferralsStoredStateAndRelationData() {
        Context ctx = new Context(fw -> {
            fw.observe(HookEvent.CONFIG_CHANGED, "Charm.first", tracing(fw, "first", HookOutcome.defer()));
            fw.observe(HookEvent.CONFIG_CHANGED, "Charm.second", event -> {
                fw.stored().put("k", "changed");
                fw.model().relation("s3-parameters").orElseThrow().localUnitData().put("written", "yes");
                fw.model().setUnitStatus(Status.maintenance("half way"));
                throw new IllegalStateException("boom");
            });
        }, TestCharm.DIR, UNIT, "dev");
        List<DeferredEvent> alreadyDeferred = List.of(deferred(2, "update-status", "Charm.gone"));
        State in = State.empty().withRelation(S3).withDeferred(alreadyDeferred).withStored(Map.of("k", "v"));

        Result result = ctx.run(TestEvent.hook("config-changed"), in);

        assertEquals(1, result.exitCode());
        assertEquals(alreadyDeferred, result.state().deferred());
        assertEquals(Map.of("k", "v"), result.state().stored());
        assertEquals(Map.of(), result.state().relationOn("s3-parameters").localUnitData());
        assertTrue(result.calls().contains("relation-set -r s3-parameters:3 --file - [written]"), result.calls()::toString);
        assertEquals(Status.maintenance("half way"), result.unitStatus());
        assertTrue(result.logs().stream().anyMatch(l ->
                l.startsWith("ERROR Dispatcher: uncaught IllegalStateException while handling config-changed")),
                result.logs()::toString);
    }

    // ---- a hook tool's unreadable answer is bad input, not a bug ---------------------------------------

    @Test
    void hookToolAnswerUnreadable_defersThatObserver_theOthersRun_andTheDispatchSucceeds() {
        Context ctx = new Context(fw -> {
            fw.observe(HookEvent.CONFIG_CHANGED, "Charm.reads", event -> {
                trace(fw, "reads");
                throw new HookToolOutputError("relation-get output is not a JSON map of strings: expected a JSON object, got a string");
            });
            fw.observe(HookEvent.CONFIG_CHANGED, "Charm.after", tracing(fw, "after", HookOutcome.done()));
        }, TestCharm.DIR, UNIT, "dev");

        Result result = ctx.run(TestEvent.hook("config-changed"), State.empty());

        assertEquals(0, result.exitCode());
        assertEquals("reads,after", traceOf(result));
        assertEquals(List.of("config-changed Charm.reads"),
                result.state().deferred().stream().map(d -> d.eventName() + " " + d.observer()).toList());
        assertTrue(result.logs().stream().anyMatch(l -> l.startsWith("ERROR Framework: Charm.reads stopped: a hook tool's answer "
                + "could not be read (relation-get output is not a JSON map of strings") && l.endsWith("config-changed is deferred to the next dispatch")),
                result.logs()::toString);
    }

    @Test
    void hookToolAnswerUnreadable_theDeferredObserverRunsAgainNextDispatch_andIsDoneWhenTheAnswerReads() {
        boolean[] garbled = {true};
        Context ctx = new Context(fw -> fw.observe(HookEvent.CONFIG_CHANGED, "Charm.reads", event -> {
            trace(fw, "reads");
            if (garbled[0]) {
                throw new HookToolOutputError("config-get output is not a JSON object: expected a JSON object, got a number");
            }
            return HookOutcome.done();
        }), TestCharm.DIR, UNIT, "dev");
        Result first = ctx.run(TestEvent.hook("config-changed"), State.empty());
        garbled[0] = false;

        Result second = ctx.run(TestEvent.hook("update-status"), first.state());

        assertEquals(0, second.exitCode());
        assertEquals("reads,reads", traceOf(second), "re-emitted at the start of the next dispatch");
        assertEquals(List.of(), second.state().deferred());
    }

    @Test
    void hookToolAnswerUnreadable_inAnAction_failsItWithTheReason_andTheDispatchSucceeds() {
        Context ctx = new Context(fw -> fw.observe(CREATE_BACKUP, "Charm.onCreateBackup", event -> {
            throw new HookToolOutputError("action-get output is not a JSON object: expected a JSON object, got an array");
        }), TestCharm.DIR, UNIT, "dev");

        Result result = ctx.run(TestEvent.action("create-backup"), State.empty());

        assertEquals(0, result.exitCode());
        assertEquals(Optional.of("Juju's hook tools answered something unreadable (action-get output is not a JSON object: "
                + "expected a JSON object, got an array); the action stopped there, see juju debug-log"), result.actionFailure());
    }

    @Test
    void hookToolFailing_isStillAFailedDispatch() {
        Context ctx = new Context(fw -> fw.observe(HookEvent.CONFIG_CHANGED, "Charm.writes", event -> {
            throw new jujuops.model.ModelError("relation-set failed (exit 1): ERROR permission denied");
        }), TestCharm.DIR, UNIT, "dev");

        Result result = ctx.run(TestEvent.hook("config-changed"), State.empty());

        assertEquals(1, result.exitCode(), "Juju refusing an operation is the charm's bug (or Juju's), and Juju retries the hook");
        assertEquals(List.of(), result.state().deferred());
    }

    @Test
    void handlerReturningNull_isABug() {
        Context ctx = new Context(fw -> fw.observe(HookEvent.INSTALL, "Charm.onInstall", event -> null), TestCharm.DIR, UNIT, "dev");

        Result result = ctx.run(TestEvent.hook("install"), State.empty());

        assertEquals(1, result.exitCode());
    }

    @Test
    void observerRegisteredTwiceForOneEvent_isABug() {
        Context ctx = new Context(fw -> {
            fw.observe(HookEvent.INSTALL, "Charm.onInstall", event -> HookOutcome.done());
            fw.observe(HookEvent.INSTALL, "Charm.onInstall", event -> HookOutcome.done());
        }, TestCharm.DIR, UNIT, "dev");

        assertEquals(1, ctx.run(TestEvent.hook("install"), State.empty()).exitCode());
    }

    // ---- actions -------------------------------------------------------------------------------

    @Test
    void actionHandlerThrowing_failsTheActionWithoutLeakingTheExceptionMessage() {
        Context ctx = new Context(fw -> fw.observe(RESTORE, "Charm.onRestore", event -> {
            throw new IllegalArgumentException("password=hunter2");
        }), TestCharm.DIR, UNIT, "dev");

        Result result = ctx.run(TestEvent.action("restore"), State.empty());

        assertEquals(1, result.exitCode());
        assertEquals(Optional.of("Unexpected error in restore (IllegalArgumentException); see juju debug-log"),
                result.actionFailure());
    }

    @Test
    void actionHandlerFailing_reportsItsMessage() {
        Context ctx = new Context(fw -> fw.observe(CREATE_BACKUP, "Charm.onCreateBackup",
                event -> ActionOutcome.fail("Relation with s3-integrator charm missing")), TestCharm.DIR, UNIT, "dev");

        Result result = ctx.run(TestEvent.action("create-backup"), State.empty());

        assertEquals(0, result.exitCode());
        assertEquals(Optional.of("Relation with s3-integrator charm missing"), result.actionFailure());
        assertEquals(Map.of(), result.actionResults());
    }

    @Test
    void actionHandlerResults_becomeActionResults_andParamsAndLogReachTheHandler() {
        Context ctx = new Context(fw -> fw.observe(CREATE_BACKUP, "Charm.onCreateBackup", event -> {
            String type = fw.action().orElseThrow().stringParam("type").orElse("?");
            fw.action().orElseThrow().log("backing up " + type);
            return ActionOutcome.results(Map.of("backup-status", "backup created", "backup.type", type));
        }), TestCharm.DIR, UNIT, "dev");

        Result result = ctx.run(TestEvent.action("create-backup", Map.of("type", "full")), State.empty());

        assertEquals(0, result.exitCode());
        assertEquals(Map.of("backup-status", "backup created", "backup.type", "full"), result.actionResults());
        assertEquals(List.of("backing up full"), result.actionLogs());
        assertEquals(Optional.empty(), result.actionFailure());
    }

    @Test
    void hookDispatch_hasNoActionContext() {
        Context ctx = new Context(fw -> fw.observe(HookEvent.INSTALL, "Charm.onInstall", event -> {
            trace(fw, "action:" + fw.action().isPresent());
            return HookOutcome.done();
        }), TestCharm.DIR, UNIT, "dev");

        assertEquals("action:false", traceOf(ctx.run(TestEvent.hook("install"), State.empty())));
    }

    // ---- stored state --------------------------------------------------------------------------

    @Test
    void storedState_isSavedWhenTheDispatchSucceeds() {
        Context ctx = new Context(fw -> fw.observe(HookEvent.INSTALL, "Charm.onInstall", event -> {
            fw.stored().put("installed", "true");
            fw.stored().remove("old");
            return HookOutcome.done();
        }), TestCharm.DIR, UNIT, "dev");

        Result result = ctx.run(TestEvent.hook("install"), State.empty().withStored(Map.of("old", "x", "keep", "y")));

        assertEquals(Map.of("installed", "true", "keep", "y"), result.state().stored());
    }

    // ---- with the real state file, one Dispatcher.run per "process" ----------------------------

    @TempDir
    Path charmDir;

    private final List<List<String>> toolCalls = new ArrayList<>();

    /** Hook tools over a runner that records argv and answers every tool with exit 0 and no output. */
    private ProcessHookTools recordingTools() {
        CommandRunner runner = (argv, stdin) -> {
            toolCalls.add(List.copyOf(argv));
            return new CommandRunner.Result(0, "", "");
        };
        return new ProcessHookTools(runner);
    }

    private int dispatch(CharmFactory charm, String hook) {
        JujuContext context = JujuContext.fromEnv(Map.of(
                "JUJU_UNIT_NAME", UNIT,
                "JUJU_DISPATCH_PATH", "hooks/" + hook,
                "JUJU_CHARM_DIR", charmDir.toString()));
        FileUnitStateStore store = new FileUnitStateStore(charmDir.resolve(FileUnitStateStore.FILE_NAME));
        return Dispatcher.run(charm, context, recordingTools(), store);
    }

    private UnitState savedState() {
        return new FileUnitStateStore(charmDir.resolve(FileUnitStateStore.FILE_NAME)).load();
    }

    private static final CharmFactory ALWAYS_DEFERS = fw -> {
        fw.observe(HookEvent.INSTALL, "Charm.onInstall", event -> HookOutcome.defer());
        fw.observe(HookEvent.UPDATE_STATUS, "Charm.onUpdateStatus", event -> HookOutcome.defer());
    };

    @Test
    void deferrals_surviveFromOneProcessToTheNext_inAPrivateStateFile() throws IOException {
        assertEquals(0, dispatch(ALWAYS_DEFERS, "install"));
        UnitState afterFirst = savedState();
        assertEquals(0, dispatch(ALWAYS_DEFERS, "update-status"));

        assertEquals(new UnitState(List.of(deferred(1, "install", "Charm.onInstall")), Map.of(), 2), afterFirst);
        assertEquals(new UnitState(List.of(deferred(1, "install", "Charm.onInstall"),
                deferred(2, "update-status", "Charm.onUpdateStatus")), Map.of(), 3), savedState());
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(charmDir.resolve(FileUnitStateStore.FILE_NAME))));
    }

    @Test
    void failedDispatch_leavesTheStateFileAsItWas() throws IOException {
        assertEquals(0, dispatch(ALWAYS_DEFERS, "install"));
        Path file = charmDir.resolve(FileUnitStateStore.FILE_NAME);
        String before = Files.readString(file);
        CharmFactory deferThenThrow = fw -> {
            fw.observe(HookEvent.INSTALL, "Charm.onInstall", event -> HookOutcome.defer());
            fw.observe(HookEvent.UPDATE_STATUS, "Charm.onUpdateStatus", event -> {
                fw.stored().put("k", "v");
                throw new IllegalStateException("boom");
            });
        };

        assertEquals(1, dispatch(deferThenThrow, "update-status"));

        assertEquals(before, Files.readString(file));
    }

    /** Hook tools as above, whose status-get answers the status of the last status-set (active before any). */
    private ProcessHookTools toolsRememberingStatus(String[] shown) {
        CommandRunner runner = (argv, stdin) -> {
            toolCalls.add(List.copyOf(argv));
            if (argv.get(0).equals("status-set")) {
                shown[0] = argv.get(2) + ":" + argv.get(argv.size() - 1);
            }
            if (argv.get(0).equals("status-get")) {
                String[] kindAndMessage = shown[0].split(":", 2);
                return new CommandRunner.Result(0, "{\"status\": \"" + kindAndMessage[0] + "\", \"message\": \""
                        + kindAndMessage[1] + "\"}", "");
            }
            return new CommandRunner.Result(0, "", "");
        };
        return new ProcessHookTools(runner);
    }

    private int dispatch(CharmFactory charm, String hook, ProcessHookTools tools) {
        JujuContext context = JujuContext.fromEnv(Map.of(
                "JUJU_UNIT_NAME", UNIT,
                "JUJU_DISPATCH_PATH", "hooks/" + hook,
                "JUJU_CHARM_DIR", charmDir.toString()));
        return Dispatcher.run(charm, context, tools, new FileUnitStateStore(charmDir.resolve(FileUnitStateStore.FILE_NAME)));
    }

    /**
     * A handler's status-set shows at once; a process killed before its commit (SIGKILL mid-action) saves
     * nothing. The state file as the kill leaves it must not claim that the last collect-status's Active is
     * shown, or the next dispatch would skip setting Active and leave the handler's Maintenance for good.
     */
    @Test
    void statusSetByAHandler_thenTheProcessKilled_theNextDispatchSetsTheCollectedStatusAgain() throws IOException {
        String[] shown = {"active:"};
        UnitState[] atTheKill = new UnitState[1];
        CharmFactory charm = fw -> {
            fw.observeCollectUnitStatus("Charm.status", statuses -> statuses.add(Status.active("")));
            fw.observe(HookEvent.UPDATE_STATUS, "Charm.onUpdateStatus", event -> HookOutcome.done());
            fw.observe(HookEvent.CONFIG_CHANGED, "Charm.onConfigChanged", event -> {
                fw.model().setUnitStatus(Status.maintenance("Creating backup"));
                atTheKill[0] = savedState(); // what SIGKILL here would leave
                return HookOutcome.done();
            });
        };
        assertEquals(0, dispatch(charm, "update-status", toolsRememberingStatus(shown)));
        assertEquals(0, dispatch(charm, "config-changed", toolsRememberingStatus(shown)));
        new FileUnitStateStore(charmDir.resolve(FileUnitStateStore.FILE_NAME)).save(atTheKill[0]);
        shown[0] = "maintenance:Creating backup";
        toolCalls.clear();

        assertEquals(0, dispatch(charm, "update-status", toolsRememberingStatus(shown)));

        assertEquals("active:", shown[0], toolCalls::toString);
    }

    @Test
    void corruptStateFile_isQuarantined_andTheDispatchGoesOn() throws IOException {
        Files.writeString(charmDir.resolve(FileUnitStateStore.FILE_NAME), "{ half a state", StandardCharsets.UTF_8);

        assertEquals(0, dispatch(ALWAYS_DEFERS, "install"));

        assertEquals(List.of(deferred(1, "install", "Charm.onInstall")), savedState().deferred());
        try (Stream<Path> files = Files.list(charmDir)) {
            List<Path> aside = files.filter(p -> p.getFileName().toString()
                    .startsWith(FileUnitStateStore.FILE_NAME + ".corrupt-")).toList();
            assertEquals(1, aside.size());
            assertEquals("{ half a state", Files.readString(aside.get(0)));
        }
        assertTrue(toolCalls.stream().anyMatch(argv -> argv.size() == 5
                && argv.subList(0, 4).equals(List.of("juju-log", "--log-level", "ERROR", "--"))
                && argv.get(4).startsWith("Dispatcher: unit state unreadable")), toolCalls::toString);
    }
}
