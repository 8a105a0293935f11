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
