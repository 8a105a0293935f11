package jujuops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class JujuContextTest {

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("JUJU_UNIT_NAME", "postgresql-k8s/0");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void fullEnvironment_isReadIntoTheContext() {
        JujuContext ctx = JujuContext.fromEnv(env(
                "JUJU_DISPATCH_PATH", "hooks/update-status",
                "JUJU_MODEL_NAME", "dev",
                "JUJU_MODEL_UUID", "uuid-1",
                "JUJU_VERSION", "3.6.4",
                "JUJU_CHARM_DIR", "/var/lib/juju/charm"));

        assertEquals("postgresql-k8s/0", ctx.unitName());
        assertEquals("postgresql-k8s", ctx.appName());
        assertEquals("dev", ctx.modelName());
        assertEquals("uuid-1", ctx.modelUuid());
        assertEquals("3.6.4", ctx.jujuVersion());
        assertEquals(Path.of("/var/lib/juju/charm"), ctx.charmDir());
        assertEquals("hooks/update-status", ctx.dispatchPath());
        assertFalse(ctx.isAction());
    }

    @Test
    void actionDispatchPath_isAnAction() {
        JujuContext ctx = JujuContext.fromEnv(env("JUJU_DISPATCH_PATH", "actions/create-backup"));
        assertTrue(ctx.isAction());
    }

    @Test
    void missingDispatchPath_fallsBackToHookName() {
        JujuContext ctx = JujuContext.fromEnv(env("JUJU_HOOK_NAME", "config-changed"));
        assertEquals("hooks/config-changed", ctx.dispatchPath());
    }

    @Test
    void missingDispatchPath_fallsBackToActionName() {
        JujuContext ctx = JujuContext.fromEnv(env("JUJU_ACTION_NAME", "list-backups"));
        assertEquals("actions/list-backups", ctx.dispatchPath());
        assertTrue(ctx.isAction());
    }

    @Test
    void blankDispatchPath_fallsBackToHookName() {
        JujuContext ctx = JujuContext.fromEnv(env("JUJU_DISPATCH_PATH", "  ", "JUJU_HOOK_NAME", "start"));
        assertEquals("hooks/start", ctx.dispatchPath());
    }

    @Test
    void noDispatchPathNorHookNorActionName_isNotJuju() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JujuContext.fromEnv(env()));
        assertTrue(e.getMessage().contains("JUJU_DISPATCH_PATH"), e.getMessage());
    }

    @Test
    void missingUnitName_isNotJuju() {
        Map<String, String> env = Map.of("JUJU_DISPATCH_PATH", "hooks/install");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JujuContext.fromEnv(env));
        assertTrue(e.getMessage().contains("JUJU_UNIT_NAME"), e.getMessage());
    }

    @Test
    void unitNameWithoutSlash_isRefused() {
        Map<String, String> env = env("JUJU_DISPATCH_PATH", "hooks/install", "JUJU_UNIT_NAME", "postgresql-k8s");
        assertThrows(IllegalArgumentException.class, () -> JujuContext.fromEnv(env));
    }

    @Test
    void missingOptionalVariables_defaultToEmptyAndWorkingDirectory() {
        JujuContext ctx = JujuContext.fromEnv(env("JUJU_DISPATCH_PATH", "hooks/install"));
        assertEquals("", ctx.modelName());
        assertEquals("", ctx.modelUuid());
        assertEquals("", ctx.jujuVersion());
        assertEquals(Path.of(System.getProperty("user.dir")), ctx.charmDir());
    }

    @Test
    void get_treatsEmptyVariablesAsAbsent() {
        JujuContext ctx = JujuContext.fromEnv(env("JUJU_DISPATCH_PATH", "hooks/install",
                "JUJU_REMOTE_UNIT", "", "JUJU_REMOTE_APP", "s3"));
        assertEquals(Optional.empty(), ctx.get("JUJU_REMOTE_UNIT"));
        assertEquals(Optional.empty(), ctx.get("JUJU_NOT_SET"));
        assertEquals(Optional.of("s3"), ctx.get("JUJU_REMOTE_APP"));
    }

    @Test
    void environment_isCopied() {
        Map<String, String> env = env("JUJU_DISPATCH_PATH", "hooks/install", "X", "1");
        JujuContext ctx = JujuContext.fromEnv(env);
        env.put("X", "2");
        assertEquals(Optional.of("1"), ctx.get("X"));
    }
}
