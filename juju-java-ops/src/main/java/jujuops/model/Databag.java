package jujuops.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jujuops.hooktools.HookTools;

/**
 * One databag of a relation, with the access rules Juju enforces: application data only by the leader,
 * the remote side read-only, values strings, an empty string deletes.
 */
public final class Databag {

    enum Side { LOCAL, PEER, REMOTE }

    private final HookTools tools;
    private final Model model;
    private final String relationId;
    private final String member;
    private final boolean app;
    private final Side side;
    private Map<String, String> content;

    Databag(HookTools tools, Model model, String relationId, String member, boolean app, Side side) {
        this.tools = tools;
        this.model = model;
        this.relationId = relationId;
        this.member = member;
        this.app = app;
        this.side = side;
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(content().get(key));
    }

    /** All keys and values, as Juju holds them. */
    public Map<String, String> asMap() {
        return Map.copyOf(content());
    }

    public void put(String key, String value) {
        putAll(java.util.Collections.singletonMap(key, value));
    }

    public void remove(String key) {
        putAll(java.util.Collections.singletonMap(key, ""));
    }

    /** Writes several keys in one `relation-set`; empty values delete their keys. */
    public void putAll(Map<String, String> changes) {
        checkWritable();
        for (Map.Entry<String, String> e : changes.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty()) {
                throw new IllegalArgumentException("relation data keys must be non-empty strings");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("relation data values must be strings; use \"\" to delete " + e.getKey());
            }
        }
        if (changes.isEmpty()) {
            return;
        }
        tools.relationSet(relationId, changes, app);
        if (content != null) {
            Map<String, String> updated = new LinkedHashMap<>(content);
            changes.forEach((k, v) -> {
                if (v.isEmpty()) {
                    updated.remove(k);
                } else {
                    updated.put(k, v);
                }
            });
            content = updated;
        }
    }

    private Map<String, String> content() {
        if (content == null) {
            if (side == Side.LOCAL && app && !model.isLeader()) {
                throw new RelationDataAccessError(
                        "only the leader unit may read this application's data in " + relationId);
            }
            content = tools.relationGet(relationId, member, app);
        }
        return content;
    }

    private void checkWritable() {
        if (side == Side.REMOTE) {
            throw new RelationDataAccessError("the remote side's data in " + relationId + " is read-only");
        }
        if (app && !model.isLeader()) {
            throw new RelationDataAccessError(
                    "only the leader unit may write this application's data in " + relationId);
        }
    }

    @Override
    public String toString() {
        return relationId + "/" + member + (app ? " (app)" : "");
    }
}
