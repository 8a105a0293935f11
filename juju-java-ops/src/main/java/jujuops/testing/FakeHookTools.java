package jujuops.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Pattern;

import jujuops.hooktools.HookTools;
import jujuops.model.ModelError;
import jujuops.model.RelationNotFoundError;
import jujuops.model.SecretContent;
import jujuops.model.SecretInfo;
import jujuops.model.SecretMetadata;
import jujuops.model.Status;

/**
 * Hook tools over a {@link State} held in memory, refusing what Juju refuses. It records every call as
 * a line (tool name and arguments, as the real argv would carry them) for assertions.
 */
final class FakeHookTools implements HookTools {

    private static final Pattern ACTION_KEY =
            Pattern.compile("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$");

    private final String unitName;
    private final boolean action;
    private final Map<String, Object> actionParams;
    private State state;
    final List<String> calls = new ArrayList<>();
    final List<String> logs = new ArrayList<>();
    final List<String> actionLogs = new ArrayList<>();
    final Map<String, String> actionResults = new LinkedHashMap<>();
    final List<Status> statusHistory = new ArrayList<>();
    String actionFailure;
    private final FakeSecretTools secrets = new FakeSecretTools(this);

    FakeHookTools(State state, String unitName, boolean action, Map<String, Object> actionParams) {
        this.state = state;
        this.unitName = unitName;
        this.action = action;
        this.actionParams = actionParams;
    }

    State state() {
        return state;
    }

    void replaceState(State changed) {
        state = changed;
    }

    private String appName() {
        return unitName.substring(0, unitName.indexOf('/'));
    }

    @Override
    public boolean isLeader() {
        calls.add("is-leader");
        return state.leader();
    }

    @Override
    public int plannedUnits() {
        calls.add("goal-state");
        return state.planned();
    }

    @Override
    public Map<String, Object> configGet() {
        calls.add("config-get");
        return state.config();
    }

    @Override
    public List<String> relationIds(String endpoint) {
        calls.add("relation-ids " + endpoint);
        List<String> ids = new ArrayList<>();
        for (RelationState r : state.relations()) {
            if (r.endpoint().equals(endpoint)) {
                ids.add(r.id());
            }
        }
        return ids;
    }

    @Override
    public List<String> relationList(String relationId) {
        calls.add("relation-list -r " + relationId);
        return List.copyOf(relation(relationId).remoteUnitsData().keySet());
    }

    @Override
    public String relationRemoteApp(String relationId) {
        calls.add("relation-list -r " + relationId + " --app");
        return relation(relationId).remoteApp();
    }

    @Override
    public Map<String, String> relationGet(String relationId, String member, boolean app) {
        calls.add("relation-get -r " + relationId + (app ? " --app" : "") + " - " + member);
        RelationState r = relation(relationId);
        if (app && member.equals(appName())) {
            boolean peer = r.remoteApp().equals(appName());
            if (!state.leader() && !peer) {
                throw new ModelError("relation-get: permission denied (only the leader reads its application data)");
            }
            return r.localAppData();
        }
        if (app && member.equals(r.remoteApp())) {
            return r.remoteAppData();
        }
        if (!app && member.equals(unitName)) {
            return r.localUnitData();
        }
        if (!app && r.remoteUnitsData().containsKey(member)) {
            return r.remoteUnitsData().get(member);
        }
        throw new ModelError("relation-get: cannot read settings for " + member + " in " + relationId);
    }

    @Override
    public void relationSet(String relationId, Map<String, String> data, boolean app) {
        calls.add("relation-set -r " + relationId + (app ? " --app" : "") + " --file - " + data.keySet());
        RelationState r = relation(relationId);
        if (app && !state.leader()) {
            throw new ModelError("relation-set: cannot write application settings: unit is not the leader");
        }
        Map<String, String> bag = new LinkedHashMap<>(app ? r.localAppData() : r.localUnitData());
        data.forEach((k, v) -> {
            if (v.isEmpty()) {
                bag.remove(k);
            } else {
                bag.put(k, v);
            }
        });
        state = state.withRelation(app ? r.withLocalAppData(bag) : r.withLocalUnitData(bag));
    }

    @Override
    public void statusSet(Status status, boolean app) {
        calls.add("status-set --application=" + (app ? "True" : "False") + " " + status.kind().jujuName() + " -- " + status.message());
        if (app) {
            if (!state.leader()) {
                throw new ModelError("status-set: cannot set application status: unit is not the leader");
            }
            state = state.withAppStatus(status);
        } else {
            statusHistory.add(status);
            state = state.withUnitStatus(status);
        }
    }

    @Override
    public Status statusGet(boolean app) {
        calls.add("status-get --application=" + app);
        if (app && !state.leader()) {
            throw new ModelError("status-get: finding application status: this unit is not the leader");
        }
        return app ? state.appStatus() : state.unitStatus();
    }

    @Override
    public Map<String, Object> actionGet() {
        calls.add("action-get");
        requireAction("action-get");
        return actionParams;
    }

    @Override
    public void actionSet(Map<String, String> results) {
        calls.add("action-set " + results);
        requireAction("action-set");
        for (String key : results.keySet()) {
            if (!ACTION_KEY.matcher(key).matches()) {
                throw new ModelError("action-set: invalid key " + key);
            }
        }
        actionResults.putAll(results);
    }

    @Override
    public void actionFail(String message) {
        calls.add("action-fail -- " + message);
        requireAction("action-fail");
        actionFailure = message;
    }

    @Override
    public void actionLog(String message) {
        calls.add("action-log -- " + message);
        requireAction("action-log");
        actionLogs.add(message);
    }

    @Override
    public void jujuLog(LogLevel level, String message) {
        calls.add("juju-log --log-level " + level + " -- " + message);
        logs.add(level + " " + message);
    }

    @Override
    public Map<String, String> secretGet(String uri) {
        calls.add("secret-get " + uri);
        SecretState secret = state.secrets().get(uri);
        if (secret == null) {
            throw new ModelError("secret-get: secret " + uri + " not found");
        }
        return secret.trackedContent();
    }

    @Override
    public Map<String, String> secretGet(String id, String label, SecretRevision revision) {
        return secrets.secretGet(id, label, revision);
    }

    @Override
    public String secretAdd(SecretContent content, SecretMetadata metadata, boolean unitOwned) {
        return secrets.secretAdd(content, metadata, unitOwned);
    }

    @Override
    public void secretSet(String id, SecretContent content, SecretMetadata metadata) {
        secrets.secretSet(id, content, metadata);
    }

    @Override
    public SecretInfo secretInfoGet(String id, String label) {
        return secrets.secretInfoGet(id, label);
    }

    @Override
    public void secretGrant(String id, String relationId, String unit) {
        secrets.secretGrant(id, relationId, unit);
    }

    @Override
    public void secretRevoke(String id, String relationId, String unit) {
        secrets.secretRevoke(id, relationId, unit);
    }

    @Override
    public void secretRemove(String id, OptionalInt revision) {
        secrets.secretRemove(id, revision);
    }

    @Override
    public List<String> storageList(String name) {
        return secrets.storageList(name);
    }

    @Override
    public String storageLocation(String storageId) {
        return secrets.storageLocation(storageId);
    }

    private RelationState relation(String relationId) {
        return state.relation(relationId)
                .orElseThrow(() -> new RelationNotFoundError("invalid value \"" + relationId + "\" for option -r: relation not found"));
    }

    private void requireAction(String tool) {
        if (!action) {
            throw new ModelError(tool + " is only available in actions");
        }
    }
}
