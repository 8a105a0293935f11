package jujuops;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.hooktools.HookTools;
import jujuops.hooktools.ProcessCommandRunner;
import jujuops.hooktools.ProcessHookTools;
import jujuops.logging.JujuLog;
import jujuops.store.DeferredEvent;
import jujuops.store.FileUnitStateStore;
import jujuops.store.UnitState;
import jujuops.store.UnitStateStore;

/**
 * The whole life of one dispatch, in one place: read the environment, build the charm, re-emit deferred
 * events, emit this event, collect status, commit. A dispatch is a transaction: when a handler throws,
 * nothing it deferred or dropped is saved, and the process exits non-zero (a genuine bug; Juju retries).
 */
public final class Dispatcher {

    private static final Logger LOG = Logs.get(Dispatcher.class);

    /** Exit codes. */
    public static final int OK = 0;
    public static final int BUG = 1;
    public static final int NOT_JUJU = 2;

    private Dispatcher() {}

    /** The production entry point: real environment, real hook tools, the state file in the charm dir. */
    public static void main(CharmFactory charm) {
        Map<String, String> env = System.getenv();
        JujuContext context;
        try {
            context = JujuContext.fromEnv(env);
        } catch (IllegalArgumentException e) {
            System.err.println("dispatch: " + e.getMessage());
            System.exit(NOT_JUJU);
            return;
        }
        HookTools tools = new ProcessHookTools(new ProcessCommandRunner());
        UnitStateStore store = new FileUnitStateStore(context.charmDir().resolve(FileUnitStateStore.FILE_NAME));
        System.exit(run(charm, context, tools, store));
    }

    /** Runs one dispatch and returns the process exit code. */
    public static int run(CharmFactory charm, JujuContext context, HookTools tools, UnitStateStore store) {
        JujuLog.install(new JujuLog.Sink() {
            @Override
            public void log(HookTools.LogLevel level, String message) {
                tools.jujuLog(level, message);
            }
        });
        try {
            Event event = Event.fromDispatch(context);
            UnitState before = load(store);
            // A status a handler sets shows at once, and stays shown if this process dies before its commit
            // (SIGKILL, the node lost): the record of the last collect-status must not then claim otherwise,
            // or the next dispatch would take Juju to show what it proposes and never set it.
            Framework framework = new Framework(context, tools, before.stored(), before.nextSeq(), event,
                    () -> forgetShownStatus(store, before));
            try {
                charm.setUp(framework);
                List<DeferredEvent> kept = reemitDeferred(framework, before.deferred());
                emit(framework, event);
                framework.collectStatus();
                commit(store, before, kept, framework);
                return OK;
            } catch (RuntimeException | Error e) {
                forgetShownStatus(store, before);
                return failed(context, tools, event, e);
            }
        } finally {
            JujuLog.reset();
        }
    }

    private static UnitState load(UnitStateStore store) {
        try {
            return store.load();
        } catch (FileUnitStateStore.CorruptStateException e) {
            Object aside = store instanceof FileUnitStateStore ? ((FileUnitStateStore) store).quarantine() : "nowhere";
            LOG.error("unit state unreadable ({}); moved to {} and starting with no deferred events", e.getMessage(), aside);
            return UnitState.EMPTY;
        }
    }

    private static List<DeferredEvent> reemitDeferred(Framework framework, List<DeferredEvent> deferred) {
        List<DeferredEvent> kept = new ArrayList<>();
        for (DeferredEvent d : deferred) {
            if (framework.reemit(d)) {
                kept.add(d);
            }
        }
        return kept;
    }

    private static void emit(Framework framework, Event event) {
        if (!framework.hasObservers(event)) {
            // Juju fires hooks a charm may not know (e.g. after a rollback): ignoring them is correct.
            LOG.debug("no observer for {}; nothing to do", event.name());
            return;
        }
        framework.emit(event);
    }

    private static void commit(UnitStateStore store, UnitState before, List<DeferredEvent> kept, Framework framework) {
        List<DeferredEvent> all = new ArrayList<>(kept);
        for (DeferredEvent d : framework.newlyDeferred()) {
            // The same handler deferring the same event again (e.g. on every relation-changed) is one notice.
            boolean known = false;
            for (DeferredEvent k : all) {
                known |= sameNotice(k, d);
            }
            if (!known) {
                all.add(d);
            }
        }
        UnitState after = new UnitState(all, framework.storedSnapshot(),
                framework.newlyDeferred().isEmpty() ? before.nextSeq() : framework.nextSeq());
        if (!after.equals(before)) {
            store.save(after);
        }
    }

    /**
     * A failed dispatch keeps the statuses its handlers set (Juju does) but not its state: the next
     * collect-status must not trust the status it recorded before, so that one key alone is dropped. The
     * same is done before a handler's first status-set, for a dispatch that dies without a word.
     */
    private static void forgetShownStatus(UnitStateStore store, UnitState before) {
        if (before.stored().containsKey(StoredState.SHOWN_UNIT_STATUS)) {
            Map<String, String> stored = new java.util.LinkedHashMap<>(before.stored());
            stored.remove(StoredState.SHOWN_UNIT_STATUS);
            try {
                store.save(new UnitState(before.deferred(), stored, before.nextSeq()));
            } catch (RuntimeException e) {
                LOG.warn("could not forget the shown unit status: {}", e.getMessage());
            }
        }
    }

    private static boolean sameNotice(DeferredEvent a, DeferredEvent b) {
        return a.eventName().equals(b.eventName()) && a.observer().equals(b.observer()) && a.snapshot().equals(b.snapshot());
    }

    private static int failed(JujuContext context, HookTools tools, Event event, Throwable e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        LOG.error("uncaught {} while handling {}; nothing deferred in this dispatch was saved\n{}",
                e.getClass().getSimpleName(), event.name(), trace);
        System.err.println("dispatch " + context.dispatchPath() + " failed: " + trace);
        if (event.isAction()) {
            try {
                tools.actionFail("Unexpected error in " + event.name() + " (" + e.getClass().getSimpleName()
                        + "); see juju debug-log");
            } catch (RuntimeException ignored) {
                // already failing; the exit code says it
            }
        }
        return BUG;
    }
}
