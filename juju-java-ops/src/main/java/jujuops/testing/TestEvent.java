package jujuops.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An event to run, as Juju would announce it: the dispatch path and the environment variables that go
 * with it. The real {@code Dispatcher} turns these into an event, exactly as in production.
 */
public record TestEvent(String dispatchPath, Map<String, String> env, Map<String, Object> actionParams) {

    public TestEvent {
        env = Map.copyOf(env);
        actionParams = Map.copyOf(actionParams);
    }

    public static TestEvent hook(String name) {
        return new TestEvent("hooks/" + name, Map.of(), Map.of());
    }

    /** @param what one of created, joined, changed, departed, broken */
    public static TestEvent relation(String what, RelationState relation) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JUJU_RELATION", relation.endpoint());
        env.put("JUJU_RELATION_ID", relation.id());
        env.put("JUJU_REMOTE_APP", relation.remoteApp());
        if (!what.equals("broken") && !what.equals("created") && !relation.remoteUnitsData().isEmpty()) {
            env.put("JUJU_REMOTE_UNIT", relation.remoteUnitsData().keySet().iterator().next());
        }
        return new TestEvent("hooks/" + relation.endpoint() + "-relation-" + what, env, Map.of());
    }

    public static TestEvent pebbleReady(String container) {
        return new TestEvent("hooks/" + container + "-pebble-ready", Map.of("JUJU_WORKLOAD_NAME", container), Map.of());
    }

    /** An observer hears that the secret has a new revision. */
    public static TestEvent secretChanged(SecretState secret) {
        return secretEvent("secret-changed", secret, null);
    }

    /** The owner is asked to rotate the secret. */
    public static TestEvent secretRotate(SecretState secret) {
        return secretEvent("secret-rotate", secret, null);
    }

    /** The owner hears that a revision has expired. */
    public static TestEvent secretExpired(SecretState secret, int revision) {
        return secretEvent("secret-expired", secret, revision);
    }

    /** The owner hears that no observer tracks a revision any more, so it may be removed. */
    public static TestEvent secretRemove(SecretState secret, int revision) {
        return secretEvent("secret-remove", secret, revision);
    }

    private static TestEvent secretEvent(String hook, SecretState secret, Integer revision) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JUJU_SECRET_ID", secret.id());
        secret.label().ifPresent(l -> env.put("JUJU_SECRET_LABEL", l));
        if (revision != null) {
            env.put("JUJU_SECRET_REVISION", Integer.toString(revision));
        }
        return new TestEvent("hooks/" + hook, env, Map.of());
    }

    public static TestEvent storageAttached(StorageState storage) {
        return new TestEvent("hooks/" + storage.name() + "-storage-attached", Map.of("JUJU_STORAGE_ID", storage.id()), Map.of());
    }

    public static TestEvent storageDetaching(StorageState storage) {
        return new TestEvent("hooks/" + storage.name() + "-storage-detaching", Map.of("JUJU_STORAGE_ID", storage.id()), Map.of());
    }

    public static TestEvent action(String name, Map<String, Object> params) {
        return new TestEvent("actions/" + name,
                Map.of("JUJU_ACTION_NAME", name, "JUJU_ACTION_UUID", "1"), params);
    }

    public static TestEvent action(String name) {
        return action(name, Map.of());
    }

    public boolean isAction() {
        return dispatchPath.startsWith("actions/");
    }
}
