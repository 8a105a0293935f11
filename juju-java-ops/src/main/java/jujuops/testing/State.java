package jujuops.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jujuops.model.Status;
import jujuops.store.DeferredEvent;

/**
 * The world as one unit sees it, before or after an event: leadership, config, relations with their
 * data, statuses, deferred events, stored state and secrets. Immutable; {@code with*} methods return
 * changed copies.
 */
public record State(
        boolean leader,
        Map<String, Object> config,
        List<RelationState> relations,
        Status unitStatus,
        Status appStatus,
        List<DeferredEvent> deferred,
        Map<String, String> stored,
        Map<String, Map<String, String>> secrets,
        int planned) {

    public State {
        config = Map.copyOf(config);
        relations = List.copyOf(relations);
        deferred = List.copyOf(deferred);
        stored = Map.copyOf(stored);
        secrets = Map.copyOf(secrets);
    }

    public static State empty() {
        return new State(false, Map.of(), List.of(), Status.unknown(), Status.unknown(), List.of(), Map.of(), Map.of(), 1);
    }

    public State withLeader(boolean isLeader) {
        return new State(isLeader, config, relations, unitStatus, appStatus, deferred, stored, secrets, planned);
    }

    public State withConfig(Map<String, Object> newConfig) {
        return new State(leader, newConfig, relations, unitStatus, appStatus, deferred, stored, secrets, planned);
    }

    /** Adds the relation, or replaces the one with the same id. */
    public State withRelation(RelationState relation) {
        List<RelationState> list = new ArrayList<>();
        for (RelationState r : relations) {
            if (!r.id().equals(relation.id())) {
                list.add(r);
            }
        }
        list.add(relation);
        return new State(leader, config, list, unitStatus, appStatus, deferred, stored, secrets, planned);
    }

    public State withoutRelation(String id) {
        List<RelationState> list = new ArrayList<>(relations);
        list.removeIf(r -> r.id().equals(id));
        return new State(leader, config, list, unitStatus, appStatus, deferred, stored, secrets, planned);
    }

    public State withUnitStatus(Status status) {
        return new State(leader, config, relations, status, appStatus, deferred, stored, secrets, planned);
    }

    public State withAppStatus(Status status) {
        return new State(leader, config, relations, unitStatus, status, deferred, stored, secrets, planned);
    }

    public State withDeferred(List<DeferredEvent> events) {
        return new State(leader, config, relations, unitStatus, appStatus, events, stored, secrets, planned);
    }

    public State withStored(Map<String, String> values) {
        return new State(leader, config, relations, unitStatus, appStatus, deferred, values, secrets, planned);
    }

    /** How many units `goal-state` reports for this application. */
    public State withPlannedUnits(int units) {
        return new State(leader, config, relations, unitStatus, appStatus, deferred, stored, secrets, units);
    }

    public State withSecret(String uri, Map<String, String> content) {
        Map<String, Map<String, String>> all = new LinkedHashMap<>(secrets);
        all.put(uri, content);
        return new State(leader, config, relations, unitStatus, appStatus, deferred, stored, all, planned);
    }

    public Optional<RelationState> relation(String id) {
        return relations.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** The only relation on an endpoint; fails the test when there is none. */
    public RelationState relationOn(String endpoint) {
        return relations.stream().filter(r -> r.endpoint().equals(endpoint)).findFirst()
                .orElseThrow(() -> new AssertionError("no relation on " + endpoint));
    }
}
