package jujuops;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What Juju tells a dispatch through its environment, read once at start-up.
 *
 * @param unitName      {@code JUJU_UNIT_NAME}, e.g. {@code postgresql-k8s/0}
 * @param dispatchPath  {@code JUJU_DISPATCH_PATH}, e.g. {@code hooks/update-status} or {@code actions/restore}
 */
public record JujuContext(
        String unitName,
        String modelName,
        String modelUuid,
        String jujuVersion,
        Path charmDir,
        String dispatchPath,
        Map<String, String> env) {

    public static final String DISPATCH_PATH = "JUJU_DISPATCH_PATH";

    public JujuContext {
        env = Map.copyOf(env);
    }

    /**
     * Reads the context from an environment map.
     *
     * @throws IllegalArgumentException when the variables every dispatch has are missing: this process
     *         was not started by Juju.
     */
    public static JujuContext fromEnv(Map<String, String> env) {
        String unit = require(env, "JUJU_UNIT_NAME");
        String dispatchPath = env.get(DISPATCH_PATH);
        if (dispatchPath == null || dispatchPath.isBlank()) {
            // Juju before 2.8 ran hooks/<name> directly and set only JUJU_HOOK_NAME / JUJU_ACTION_NAME.
            if (env.get("JUJU_ACTION_NAME") != null) {
                dispatchPath = "actions/" + env.get("JUJU_ACTION_NAME");
            } else if (env.get("JUJU_HOOK_NAME") != null) {
                dispatchPath = "hooks/" + env.get("JUJU_HOOK_NAME");
            } else {
                throw new IllegalArgumentException(DISPATCH_PATH + " is not set: not started by Juju");
            }
        }
        if (!unit.contains("/")) {
            throw new IllegalArgumentException("JUJU_UNIT_NAME is not of the form <app>/<number>");
        }
        String charmDir = env.getOrDefault("JUJU_CHARM_DIR", System.getProperty("user.dir"));
        return new JujuContext(
                unit,
                env.getOrDefault("JUJU_MODEL_NAME", ""),
                env.getOrDefault("JUJU_MODEL_UUID", ""),
                env.getOrDefault("JUJU_VERSION", ""),
                Path.of(charmDir),
                dispatchPath.trim(),
                env);
    }

    private static String require(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is not set: not started by Juju");
        }
        return value;
    }

    /** The application part of the unit name. */
    public String appName() {
        return unitName.substring(0, unitName.indexOf('/'));
    }

    public Optional<String> get(String variable) {
        String value = env.get(variable);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** True when this dispatch runs an action rather than a hook. */
    public boolean isAction() {
        return dispatchPath.startsWith("actions/");
    }
}
