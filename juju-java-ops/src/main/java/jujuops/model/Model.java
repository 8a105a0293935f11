package jujuops.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jujuops.hooktools.HookTools;

/**
 * The Juju model as this unit sees it during one dispatch. Reads go to the hook tools lazily and are
 * cached for the dispatch; writes go through at once (Juju itself buffers relation data until the hook
 * exits 0).
 */
public final class Model {

    private final HookTools tools;
    private final String unitName;
    private final String modelName;
    private final String modelUuid;
    private final Optional<String> breakingRelationId;
    private final Runnable beforeUnitStatusSet;
    private Boolean leader;
    private Config config;
    private Status unitStatus;
    private final Map<String, List<String>> relationIds = new HashMap<>();
    private final Map<String, Relation> peers = new HashMap<>();
    private final Map<String, Relation> known = new HashMap<>();
    private final Map<String, Storage> storages = new HashMap<>();

    /**
     * @param breakingRelationId the relation a {@code -relation-broken} dispatch is about: Juju still
     *                           lists it, the model does not (as in Python ops)
     */
    public Model(HookTools tools, String unitName, String modelName, String modelUuid, Optional<String> breakingRelationId) {
        this(tools, unitName, modelName, modelUuid, breakingRelationId, () -> { });
    }

    /**
     * @param beforeUnitStatusSet runs before each {@code status-set} of the unit: the status shows at once,
     *                            whatever becomes of the dispatch, so the framework's record of the shown
     *                            status must not outlive it
     */
    public Model(HookTools tools, String unitName, String modelName, String modelUuid, Optional<String> breakingRelationId,
            Runnable beforeUnitStatusSet) {
        this.tools = tools;
        this.unitName = unitName;
        this.modelName = modelName;
        this.modelUuid = modelUuid;
        this.breakingRelationId = breakingRelationId;
        this.beforeUnitStatusSet = beforeUnitStatusSet;
    }

    public String unitName() {
        return unitName;
    }

    public String appName() {
        return unitName.substring(0, unitName.indexOf('/'));
    }

    public String modelName() {
        return modelName;
    }

    public String modelUuid() {
        return modelUuid;
    }

    public boolean isLeader() {
        if (leader == null) {
            leader = tools.isLeader();
        }
        return leader;
    }

    /** How many units of this application Juju intends to run, this one included. */
    public int plannedUnits() {
        return tools.plannedUnits();
    }

    public Config config() {
        if (config == null) {
            config = new Config(tools.configGet());
        }
        return config;
    }

    /** Every relation on an endpoint. */
    public List<Relation> relations(String endpoint) {
        List<Relation> out = new ArrayList<>();
        for (String id : relationIds(endpoint)) {
            out.add(relationObject(endpoint, id));
        }
        return out;
    }

    /** The relation on an endpoint with {@code limit: 1}, if there is one. */
    public Optional<Relation> relation(String endpoint) {
        List<Relation> all = relations(endpoint);
        if (all.size() > 1) {
            throw new ModelError("endpoint " + endpoint + " has " + all.size() + " relations, expected at most one");
        }
        return all.stream().findFirst();
    }

    /**
     * The peer relation on an endpoint declared under {@code peers:} in metadata.yaml. Every unit may
     * read its application's data there; only the leader may write it.
     */
    public Optional<Relation> peers(String endpoint) {
        List<String> ids = relationIds(endpoint);
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        Relation relation = peers.get(endpoint);
        if (relation == null) {
            relation = new Relation(this, tools, endpoint, ids.get(0), true);
            peers.put(endpoint, relation);
        }
        return Optional.of(relation);
    }

    /** One object per relation for the dispatch, so its data is read from Juju once. */
    private Relation relationObject(String endpoint, String id) {
        Relation relation = known.get(id);
        if (relation == null) {
            relation = new Relation(this, tools, endpoint, id, false);
            known.put(id, relation);
        }
        return relation;
    }

    /**
     * Relation ids on an endpoint but the breaking one, asked once per dispatch: Juju's view does not
     * change during a hook.
     */
    private List<String> relationIds(String endpoint) {
        List<String> ids = relationIds.get(endpoint);
        if (ids == null) {
            ids = new ArrayList<>(tools.relationIds(endpoint));
            if (breakingRelationId.isPresent()) {
                ids.remove(breakingRelationId.get());
            }
            relationIds.put(endpoint, ids);
        }
        return ids;
    }

    /**
     * A relation known by its id, e.g. from an event's snapshot; empty when it no longer exists. During
     * its {@code -relation-broken} the breaking relation is still found here, though no list shows it.
     */
    public Optional<Relation> relationById(String endpoint, String relationId) {
        boolean breaking = breakingRelationId.isPresent() && breakingRelationId.get().equals(relationId)
                && relationId.startsWith(endpoint + ":");
        if (!breaking && !relationIds(endpoint).contains(relationId)) {
            return Optional.empty();
        }
        return Optional.of(relationObject(endpoint, relationId));
    }

    /** The unit status as this dispatch last read or set it, without asking Juju. */
    public Optional<Status> knownUnitStatus() {
        return Optional.ofNullable(unitStatus);
    }

    public Status unitStatus() {
        if (unitStatus == null) {
            unitStatus = tools.statusGet(false);
        }
        return unitStatus;
    }

    public void setUnitStatus(Status status) {
        beforeUnitStatusSet.run();
        tools.statusSet(status, false);
        unitStatus = status;
    }

    public Status appStatus() {
        requireLeader("read the application status");
        return tools.statusGet(true);
    }

    public void setAppStatus(Status status) {
        requireLeader("set the application status");
        tools.statusSet(status, true);
    }

    /** The content of a Juju secret this unit may read. */
    public Map<String, String> secret(String uri) {
        return tools.secretGet(uri);
    }

    /**
     * A secret this unit owns or may read, by id, with its content read now (as Python ops does), so a
     * secret that is gone fails here.
     *
     * @throws SecretNotFoundError when Juju does not know it or this unit may not see it
     */
    public Secret getSecret(String id) {
        return getSecret(id, null);
    }

    /** A secret by this charm's label for it; see {@link #getSecret(String)}. */
    public Secret getSecretByLabel(String label) {
        return getSecret(null, label);
    }

    /**
     * A secret by id and/or label. With both, Juju attaches the label to the secret for this charm, so
     * later events name it by that label.
     */
    public Secret getSecret(String id, String label) {
        String canonical = id == null ? null : Secret.canonicalId(id);
        Map<String, String> content = tools.secretGet(canonical, label, HookTools.SecretRevision.TRACKED);
        return new Secret(tools, canonical, label, content);
    }

    /**
     * Creates a secret. An application-owned secret can be created and managed by the leader only; a
     * unit-owned one belongs to this unit.
     */
    public Secret addSecret(Secret.Owner owner, Map<String, String> content, SecretMetadata metadata) {
        SecretContent checked = SecretContent.of(content);
        String id = tools.secretAdd(checked, metadata, owner == Secret.Owner.UNIT);
        return new Secret(tools, id, metadata.label().orElse(null), checked.asMap());
    }

    /** The attached instances of a storage declared in metadata.yaml, e.g. {@code data}. */
    public List<Storage> storage(String name) {
        List<Storage> out = new ArrayList<>();
        for (String id : tools.storageList(name)) {
            out.add(storageById(id));
        }
        return out;
    }

    /** A storage instance by Juju's id ({@code data/0}), e.g. from a storage event's {@code JUJU_STORAGE_ID}. */
    public Storage storageById(String storageId) {
        Storage storage = storages.get(storageId);
        if (storage == null) {
            storage = new Storage(tools, storageId);
            storages.put(storageId, storage);
        }
        return storage;
    }

    void requireLeader(String what) {
        if (!isLeader()) {
            throw new RelationDataAccessError("only the leader unit may " + what);
        }
    }
}
