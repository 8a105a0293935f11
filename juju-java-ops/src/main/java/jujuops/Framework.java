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
import jujuops.model.Model;
import jujuops.model.Status;
import jujuops.store.DeferredEvent;

/**
 * What a charm sees of one dispatch: the model, the running action, stored state, and the observer
 * registry. Handlers return {@link Outcome}s; {@link #apply} is the one place that turns them into
 * hook-tool calls.
 */
public final class Framework {

    private static final Logger LOG = Logs.get(Framework.class);

    private record Registration(String key, Observer observer) {}

    private final JujuContext context;
    private final HookTools tools;
    private final Model model;
    private final ActionContext action;
    private final StoredState stored;
    private final Map<String, List<Registration>> observers = new LinkedHashMap<>();
    private final List<DeferredEvent> deferred = new ArrayList<>();
    private final Map<String, StatusCollector> unitCollectors = new LinkedHashMap<>();
    private final Map<String, StatusCollector> appCollectors = new LinkedHashMap<>();
    private long nextSeq;

    Framework(JujuContext context, HookTools tools, Map<String, String> stored, long nextSeq, Event current) {
        this.context = context;
        this.tools = tools;
        this.model = new Model(tools, context.unitName(), context.modelName(), context.modelUuid());
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
     * Registers an observer for an event name.
     *
     * @param key a name that stays the same across charm versions (a deferred event is stored with it),
     *            unique among the observers of this event, e.g. {@code "BackupFlows.onCreateBackup"}
     */
    public void observe(String eventName, String key, Observer observer) {
        List<Registration> list = observers.get(eventName);
        if (list == null) {
            list = new ArrayList<>();
            observers.put(eventName, list);
        }
        for (Registration r : list) {
            if (r.key().equals(key)) {
                throw new IllegalStateException("observer " + key + " is registered twice for " + eventName);
            }
        }
        list.add(new Registration(key, observer));
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

    /** Emits an event raised by charm code (e.g. a relation library's custom event) to its observers now. */
    public void emit(Event event) {
        for (Registration r : observersOf(event.name())) {
            if (deliver(event, r) == Outcome.Verdict.DEFER) {
                deferred.add(DeferredEvent.of(nextSeq++, event, r.key()));
            }
        }
    }

    boolean hasObservers(String eventName) {
        return !observersOf(eventName).isEmpty();
    }

    /** Runs one deferred pair again; true when it asked to stay deferred. */
    boolean reemit(DeferredEvent d) {
        for (Registration r : observersOf(d.eventName())) {
            if (r.key().equals(d.observer())) {
                LOG.debug("re-emitting {} to {}", d.handle(), d.observer());
                return deliver(d.event(), r) == Outcome.Verdict.DEFER;
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
        Optional<Status> unit = collect(unitCollectors);
        if (unit.isPresent()) {
            model.setUnitStatus(unit.get());
        }
        if (!appCollectors.isEmpty() && model.isLeader()) {
            Optional<Status> app = collect(appCollectors);
            if (app.isPresent()) {
                model.setAppStatus(app.get());
            }
        }
    }

    private static Optional<Status> collect(Map<String, StatusCollector> collectors) {
        CollectStatus statuses = new CollectStatus();
        for (StatusCollector c : collectors.values()) {
            c.collect(statuses);
        }
        return statuses.mostUrgent();
    }

    private List<Registration> observersOf(String eventName) {
        return observers.getOrDefault(eventName, List.of());
    }

    private Outcome.Verdict deliver(Event event, Registration r) {
        Outcome outcome = r.observer().handle(event);
        if (outcome == null) {
            throw new IllegalStateException("observer " + r.key() + " returned no outcome for " + event.name());
        }
        apply(event, r.key(), outcome);
        return outcome.verdict();
    }

    /** The one place where a handler's decision becomes hook-tool calls. */
    private void apply(Event event, String observerKey, Outcome outcome) {
        if (!event.isAction()) {
            if (outcome.verdict() == Outcome.Verdict.FAIL || !outcome.results().isEmpty()) {
                throw new IllegalStateException(observerKey + " returned an action outcome for hook " + event.name());
            }
        } else if (outcome.verdict() == Outcome.Verdict.DEFER) {
            throw new IllegalStateException(observerKey + " tried to defer action " + event.name() + "; actions cannot be deferred");
        }
        if (outcome.status().isPresent()) {
            model.setUnitStatus(outcome.status().get());
        }
        if (!outcome.results().isEmpty()) {
            tools.actionSet(outcome.results());
        }
        if (outcome.verdict() == Outcome.Verdict.FAIL) {
            tools.actionFail(outcome.failure().orElseThrow());
        }
        if (outcome.verdict() == Outcome.Verdict.DEFER) {
            LOG.debug("{} deferred {}", observerKey, event.name());
        }
    }
}
