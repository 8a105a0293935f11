package jujuops.model;

import java.util.Map;
import java.util.Optional;

import jujuops.hooktools.HookTools;

/** The running action: its parameters and its progress log. Results and failure come from the outcome. */
public final class ActionContext {

    private final HookTools tools;
    private final String name;
    private Map<String, Object> params;

    public ActionContext(HookTools tools, String name) {
        this.tools = tools;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Parameters after Juju applied the actions.yaml schema and its defaults. */
    public Map<String, Object> params() {
        if (params == null) {
            params = Map.copyOf(tools.actionGet().entrySet().stream()
                    .filter(e -> e.getValue() != null)
                    .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        }
        return params;
    }

    /** A string parameter; empty when absent. A non-string value is reported, never coerced. */
    public Optional<String> stringParam(String key) {
        Object v = params().get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String)) {
            throw new IllegalArgumentException("parameter " + key + " must be a string");
        }
        return Optional.of((String) v);
    }

    /** A progress line the operator sees while the action runs (`juju run` prints it). */
    public void log(String message) {
        tools.actionLog(message);
    }
}
