package jujuops.hooktools;

import java.util.List;
import java.util.Map;

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
}
