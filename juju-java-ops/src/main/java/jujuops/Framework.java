package jujuops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import jujuops.logging.Logs;

import jujuops.hooktools.HookTools;
import jujuops.model.ActionContext;
import jujuops.model.HookToolOutputError;
import jujuops.model.Model;
import jujuops.model.Status;
import jujuops.store.DeferredEvent;

/**
 * What a charm sees of one dispatch: the model, the running action, stored state, and the observer
 * registry. Observers return {@link HookOutcome}s and {@link ActionOutcome}s; the two {@code apply}
 * methods are the one place that turns them into hook-tool calls.
 */
public final class Framework {

    private static final Logger LOG = Logs.get(Framework.class);

    private record HookRegistration(String key, HookObserver observer) {}

    private record ActionRegistration(String key, ActionObserver observer) {}

    private final JujuContext context;
    private final HookTools tools;
    private final Model model;
    private final ActionContext action;
    private final StoredState stored;
    private final CharmMetadata metadata;
    private final Map<String, List<HookRegistration>> hookObservers = new LinkedHashMap<>();
    private final Map<String, List<ActionRegistration>> actionObservers = new LinkedHashMap<>();
    private final List<DeferredEvent> deferred = new ArrayList<>();
    private final Map<String, StatusCollector> unitCollectors = new LinkedHashMap<>();
    private final Map<String, StatusCollector> appCollectors = new LinkedHashMap<>();
    private long nextSeq;
    private boolean collecting;

    Framework(JujuContext context, HookTools tools, Map<String, String> stored, long nextSeq, Event current) {
        this(context, tools, stored, nextSeq, current, () -> { });
    }

    /**
     * @param handlerSetsStatus runs before a handler's first {@code status-set} of the unit (not
     *                          collect-status's, which the commit right after it records)
     */
    Framework(JujuContext context, HookTools tools, Map<String, String> stored, long nextSeq, Event current,
            Runnable handlerSetsStatus) {
        this.context = context;
        this.tools = tools;
        Runnable once = new Runnable() {
            private boolean ran;

            @Override
            public void run() {
                if (!ran && !collecting) {
                    ran = true;
                    handlerSetsStatus.run();
                }
            }
        };
        this.model = new Model(tools, context.unitName(), context.modelName(), context.modelUuid(),
                current.breakingRelationId(), once);
        this.metadata = new CharmMetadata(context.charmDir());
        this.action = current.isAction() ? new ActionContext(tools, current.name()) : null;
        this.stored = new StoredState(stored);
        this.nextSeq = nextSeq;
    }

    public JujuContext context() {
        return context;
    }

    public Model model() {
        return model;
    }

    /** The running action, when this dispatch is one. */
    public Optional<ActionContext> action() {
        return Optional.ofNullable(action);
    }

    public StoredState stored() {
        return stored;
    }

    /**
     * Registers an observer for a hook or a charm library's event.
     *
     * @param key a name that stays the same across charm versions (a deferred event is stored with it),
     *            unique among the observers of this event, e.g. {@code "BackupFlows.onUpdateStatus"}
     * @throws IllegalArgumentException when metadata.yaml does not declare the event's endpoint,
     *         container or storage
     */
    public void observe(HookEvent event, String key, HookObserver observer) {
        metadata.check(event);
        List<HookRegistration> list = hookObservers.get(event.name());
        if (list == null) {
            list = new ArrayList<>();
            hookObservers.put(event.name(), list);
        }
        for (HookRegistration r : list) {
            requireNewKey(r.key(), key, event.name());
        }
        list.add(new HookRegistration(key, observer));
    }

    /**
     * Registers an observer for an action.
     *
     * @param key a name unique among the observers of this action, e.g. {@code "BackupFlows.onCreateBackup"}
     * @throws IllegalArgumentException when actions.yaml does not declare the action
     */
    public void observe(ActionEvent event, String key, ActionObserver observer) {
        metadata.check(event);
        List<ActionRegistration> list = actionObservers.get(event.name());
        if (list == null) {
            list = new ArrayList<>();
            actionObservers.put(event.name(), list);
        }
        for (ActionRegistration r : list) {
            requireNewKey(r.key(), key, event.name());
        }
        list.add(new ActionRegistration(key, observer));
    }

    private static void requireNewKey(String registered, String key, String eventName) {
        if (registered.equals(key)) {
            throw new IllegalStateException("observer " + key + " is registered twice for " + eventName);
        }
    }

    /**
     * Registers a collector of the unit's status ("collect-status"): at the end of every dispatch that
     * succeeded, all collectors run and the most urgent status they propose is set.
     */
    public void observeCollectUnitStatus(String key, StatusCollector collector) {
        register(unitCollectors, key, collector);
    }

    /** Like {@link #observeCollectUnitStatus}, for the application's status; run only on the leader. */
    public void observeCollectAppStatus(String key, StatusCollector collector) {
        register(appCollectors, key, collector);
    }

    private static void register(Map<String, StatusCollector> collectors, String key, StatusCollector collector) {
        if (collectors.putIfAbsent(key, collector) != null) {
            throw new IllegalStateException("status collector " + key + " is registered twice");
        }
    }

    /**
     * Emits an event to its observers now: the dispatch's own event, or one raised by charm code
     * ({@link Event#custom}, e.g. a relation library's credentials-changed).
     */
    public void emit(Event event) {
        if (event.isAction()) {
            for (ActionRegistration r : actionObservers.getOrDefault(event.name(), List.of())) {
                ActionOutcome outcome;
                try {
                    outcome = r.observer().handle(event);
                } catch (HookToolOutputError e) {
                    LOG.error("{} stopped: a hook tool's answer could not be read ({}); the action fails", r.key(), e.getMessage());
                    outcome = ActionOutcome.fail("Juju's hook tools answered something unreadable (" + e.getMessage()
                            + "); the action stopped there, see juju debug-log");
                }
                apply(event, r.key(), requireOutcome(outcome, r.key(), event));
            }
            return;
        }
        for (HookRegistration r : hookObserversOf(event.name())) {
            if (deliver(event, r)) {
                deferred.add(DeferredEvent.of(nextSeq++, event, r.key()));
            }
        }
    }

    boolean hasObservers(Event event) {
        return event.isAction() ? actionObservers.containsKey(event.name()) : hookObservers.containsKey(event.name());
    }

    /** Runs one deferred pair again; true when it asked to stay deferred. */
    boolean reemit(DeferredEvent d) {
        for (HookRegistration r : hookObserversOf(d.eventName())) {
            if (r.key().equals(d.observer())) {
                LOG.debug("re-emitting {} to {}", d.handle(), d.observer());
                return deliver(d.event(), r);
            }
        }
        LOG.warn("dropping deferred {}: no observer {} any more", d.handle(), d.observer());
        return false;
    }

    List<DeferredEvent> newlyDeferred() {
        return deferred;
    }

    long nextSeq() {
        return nextSeq;
    }

    Map<String, String> storedSnapshot() {
        return stored.snapshot();
    }

    /** The collect-status phase: the unit's collectors, then, on the leader, the application's. */
    void collectStatus() {
        collecting = true;
        try {
            collectStatusOnce();
        } catch (HookToolOutputError e) {
            // the statuses stay as Juju shows them; the next dispatch collects them again
            LOG.error("collect-status stopped: a hook tool's answer could not be read ({})", e.getMessage());
        }
    }

    private void collectStatusOnce() {
        Optional<Status> unit = collect(unitCollectors);
        if (unit.isPresent() && !isShown(unit.get())) {
            model.setUnitStatus(unit.get());
            stored.putReserved(StoredState.SHOWN_UNIT_STATUS, encode(unit.get()));
        }
        if (!appCollectors.isEmpty() && model.isLeader()) {
            Optional<Status> app = collect(appCollectors);
            if (app.isPresent()) {
                model.setAppStatus(app.get());
            }
        }
    }

    /**
     * Juju shows this status already: this dispatch set or read it; else the last collect-status set it;
     * else (no record: the first dispatch of this charm, or one after a failure) Juju is asked. Saves a
     * status-set on most dispatches.
     */
    private boolean isShown(Status status) {
        Optional<Status> known = model.knownUnitStatus();
        Optional<String> recorded = stored.getReserved(StoredState.SHOWN_UNIT_STATUS);
        boolean shown;
        if (known.isPresent()) {
            shown = known.get().equals(status);
        } else if (recorded.isPresent()) {
            shown = recorded.get().equals(encode(status));
        } else {
            shown = model.unitStatus().equals(status);
        }
        if (shown) {
            stored.putReserved(StoredState.SHOWN_UNIT_STATUS, encode(status));
        }
        return shown;
    }

    private static String encode(Status status) {
        return status.kind().jujuName() + ":" + status.message();
    }

    private static Optional<Status> collect(Map<String, StatusCollector> collectors) {
        CollectStatus statuses = new CollectStatus();
        for (StatusCollector c : collectors.values()) {
            c.collect(statuses);
        }
        return statuses.mostUrgent();
    }

    private List<HookRegistration> hookObserversOf(String eventName) {
        return hookObservers.getOrDefault(eventName, List.of());
    }

    /** Runs one hook observer and applies its outcome; true when it deferred. */
    private boolean deliver(Event event, HookRegistration r) {
        HookOutcome outcome;
        try {
            outcome = r.observer().handle(event);
        } catch (HookToolOutputError e) {
            // bad input from the environment, not a bug: the observer runs again at the next dispatch
            LOG.error("{} stopped: a hook tool's answer could not be read ({}); {} is deferred to the next dispatch",
                    r.key(), e.getMessage(), event.name());
            outcome = HookOutcome.defer();
        }
        outcome = requireOutcome(outcome, r.key(), event);
        apply(event, r.key(), outcome);
        return outcome.deferred();
    }

    private static <T> T requireOutcome(T outcome, String key, Event event) {
        if (outcome == null) {
            throw new IllegalStateException("observer " + key + " returned no outcome for " + event.name());
        }
        return outcome;
    }

    /** Where a hook observer's decision becomes hook-tool calls. */
    private void apply(Event event, String observerKey, HookOutcome outcome) {
        if (outcome.status().isPresent()) {
            model.setUnitStatus(outcome.status().get());
        }
        if (outcome.deferred()) {
            LOG.debug("{} deferred {}", observerKey, event.name());
        }
    }

    /** Where an action observer's decision becomes hook-tool calls. */
    private void apply(Event event, String observerKey, ActionOutcome outcome) {
        if (outcome.status().isPresent()) {
            model.setUnitStatus(outcome.status().get());
        }
        if (!outcome.results().isEmpty()) {
            tools.actionSet(outcome.results());
        }
        if (outcome.failure().isPresent()) {
            LOG.debug("{} failed {}", observerKey, event.name());
            tools.actionFail(outcome.failure().get());
        }
    }
}
