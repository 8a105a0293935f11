package jujuops.hooktools;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import jujuops.model.SecretContent;
import jujuops.model.SecretInfo;
import jujuops.model.SecretMetadata;
import jujuops.model.Status;

/**
 * The hook tools a charm uses, one method each. {@link ProcessHookTools} runs the real executables;
 * {@code jujuops.testing} has a fake holding a model in memory.
 *
 * <p>Relation ids are Juju's strings ({@code s3-parameters:3}). Failures are {@link jujuops.model.ModelError}s,
 * {@link jujuops.model.RelationNotFoundError} when the relation is gone.
 */
public interface HookTools {

    /** Log levels `juju-log` accepts. */
    enum LogLevel { DEBUG, INFO, WARNING, ERROR }

    boolean isLeader();

    /** How many units of this application Juju intends to run (`goal-state`), dying ones excluded. */
    int plannedUnits();

    Map<String, Object> configGet();

    List<String> relationIds(String endpoint);

    /** Remote unit names in the relation. */
    List<String> relationList(String relationId);

    /** The remote application's name, which Juju knows even when no remote unit has joined. */
    String relationRemoteApp(String relationId);

    /** @param member a unit name, or an application name when {@code app} is true */
    Map<String, String> relationGet(String relationId, String member, boolean app);

    /** Merges {@code data} into this unit's (or, with {@code app}, this application's) databag; "" deletes. */
    void relationSet(String relationId, Map<String, String> data, boolean app);

    void statusSet(Status status, boolean app);

    Status statusGet(boolean app);

    Map<String, Object> actionGet();

    /** Sets flat, dotted result keys. */
    void actionSet(Map<String, String> results);

    void actionFail(String message);

    void actionLog(String message);

    void jujuLog(LogLevel level, String message);

    Map<String, String> secretGet(String uri);

    // ---- secrets: unknown secrets are SecretNotFoundErrors; content never goes in argv ---------

    /** Which revision {@code secret-get} reads. */
    enum SecretRevision {
        /** The one this unit tracks (for the owner: the latest). */
        TRACKED,
        /** The latest, this once. */
        PEEK,
        /** The latest, tracked from now on. */
        REFRESH
    }

    /**
     * @param id    the secret URI, or null to find it by label
     * @param label this charm's label for the secret, or null; with an id, sets the label
     */
    Map<String, String> secretGet(String id, String label, SecretRevision revision);

    /** Creates a secret owned by the application (leader only) or by this unit; returns its URI. */
    String secretAdd(SecretContent content, SecretMetadata metadata, boolean unitOwned);

    /** A new revision with {@code content} (null to keep it) and/or changed metadata. */
    void secretSet(String id, SecretContent content, SecretMetadata metadata);

    /** @param id the secret URI, or null to find it by {@code label} */
    SecretInfo secretInfoGet(String id, String label);

    /** @param unit a remote unit to grant to alone, or null for the whole remote application */
    void secretGrant(String id, String relationId, String unit);

    void secretRevoke(String id, String relationId, String unit);

    /** Removes one revision, or the whole secret when {@code revision} is empty. */
    void secretRemove(String id, OptionalInt revision);

    // ---- storage -------------------------------------------------------------------------------

    /** Ids ({@code data/0}) of the attached instances of a storage name. */
    List<String> storageList(String name);

    /** The mount point of a storage instance, by id. */
    String storageLocation(String storageId);
}
