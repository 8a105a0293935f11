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
 * data, statuses, deferred events, stored state, secrets and storage. Immutable; {@code with*} methods return
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
        Map<String, SecretState> secrets,
        int planned,
        List<StorageState> storages) {

    public State {
        config = Map.copyOf(config);
        relations = List.copyOf(relations);
        deferred = List.copyOf(deferred);
        stored = Map.copyOf(stored);
        secrets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(secrets));
        storages = List.copyOf(storages);
    }

    /** The world without storage, as before storage was modelled. */
    public State(boolean leader, Map<String, Object> config, List<RelationState> relations, Status unitStatus,
            Status appStatus, List<DeferredEvent> deferred, Map<String, String> stored,
            Map<String, SecretState> secrets, int planned) {
        this(leader, config, relations, unitStatus, appStatus, deferred, stored, secrets, planned, List.of());
    }

    public static State empty() {
        return new State(false, Map.of(), List.of(), Status.unknown(), Status.unknown(), List.of(), Map.of(), Map.of(), 1, List.of());
    }

    public State withLeader(boolean isLeader) {
        return new State(isLeader, config, relations, unitStatus, appStatus, deferred, stored, secrets, planned, storages);
    }

    public State withConfig(Map<String, Object> newConfig) {
        return new State(leader, newConfig, relations, unitStatus, appStatus, deferred, stored, secrets, planned, storages);
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
        return new State(leader, config, list, unitStatus, appStatus, deferred, stored, secrets, planned, storages);
    }

    public State withoutRelation(String id) {
        List<RelationState> list = new ArrayList<>(relations);
        list.removeIf(r -> r.id().equals(id));
        return new State(leader, config, list, unitStatus, appStatus, deferred, stored, secrets, planned, storages);
    }

    public State withUnitStatus(Status status) {
        return new State(leader, config, relations, status, appStatus, deferred, stored, secrets, planned, storages);
    }

    public State withAppStatus(Status status) {
        return new State(leader, config, relations, unitStatus, status, deferred, stored, secrets, planned, storages);
    }

    public State withDeferred(List<DeferredEvent> events) {
        return new State(leader, config, relations, unitStatus, appStatus, events, stored, secrets, planned, storages);
    }

    public State withStored(Map<String, String> values) {
        return new State(leader, config, relations, unitStatus, appStatus, deferred, values, secrets, planned, storages);
    }

    /** How many units `goal-state` reports for this application. */
    public State withPlannedUnits(int units) {
        return new State(leader, config, relations, unitStatus, appStatus, deferred, stored, secrets, units, storages);
    }

    /** Another application's secret this unit may read, at revision 1. */
    public State withSecret(String uri, Map<String, String> content) {
        return withSecret(SecretState.observed(uri, content));
    }

    /** Adds the secret, or replaces the one with the same id. */
    public State withSecret(SecretState secret) {
        Map<String, SecretState> all = new LinkedHashMap<>(secrets);
        all.put(secret.id(), secret);
        return withSecrets(all);
    }

    public State withoutSecret(String id) {
        Map<String, SecretState> all = new LinkedHashMap<>(secrets);
        all.remove(id);
        return withSecrets(all);
    }

    public State withSecrets(Map<String, SecretState> all) {
        return new State(leader, config, relations, unitStatus, appStatus, deferred, stored, all, planned, storages);
    }

    /** The secret with this id; fails the test when there is none. */
    public SecretState secret(String id) {
        SecretState s = secrets.get(id.startsWith("secret:") ? id : "secret:" + id);
        if (s == null) {
            throw new AssertionError("no secret " + id + " in " + secrets.keySet());
        }
        return s;
    }

    /** The secret with this label; fails the test when there is none. */
    public SecretState secretLabelled(String label) {
        return secrets.values().stream().filter(s -> s.label().equals(Optional.of(label))).findFirst()
                .orElseThrow(() -> new AssertionError("no secret labelled " + label));
    }

    /** Adds the storage instance, or replaces the one with the same id. */
    public State withStorage(StorageState storage) {
        List<StorageState> list = new ArrayList<>(storages);
        list.removeIf(s -> s.id().equals(storage.id()));
        list.add(storage);
        return new State(leader, config, relations, unitStatus, appStatus, deferred, stored, secrets, planned, list);
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
