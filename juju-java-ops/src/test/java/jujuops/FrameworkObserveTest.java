package jujuops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jujuops.hooktools.ProcessHookTools;

/** Registration checks an observed name against the charm's metadata.yaml and actions.yaml. */
class FrameworkObserveTest {

    private static final HookObserver HOOK = event -> HookOutcome.done();
    private static final ActionObserver ACTION = event -> ActionOutcome.done();

    @TempDir
    Path emptyDir;

    private static Framework framework(Path charmDir) {
        JujuContext context = JujuContext.fromEnv(Map.of(
                "JUJU_UNIT_NAME", "test-charm/0",
                "JUJU_DISPATCH_PATH", "hooks/install",
                "JUJU_CHARM_DIR", charmDir.toString()));
        ProcessHookTools tools = new ProcessHookTools((argv, stdin) -> {
            throw new AssertionError("registering observers calls no hook tool, not " + argv);
        });
        return new Framework(context, tools, Map.of(), 1, Event.fromDispatch(context));
    }

    private static String refusal(Runnable registration) {
        return assertThrows(IllegalArgumentException.class, registration::run).getMessage();
    }

    @Test
    void declaredNames_areAccepted() {
        Framework fw = framework(TestCharm.DIR);

        fw.observe(HookEvent.relationChanged("s3-parameters"), "k", HOOK);
        fw.observe(HookEvent.relationJoined("metrics-endpoint"), "k", HOOK);
        fw.observe(HookEvent.relationBroken("cluster"), "k", HOOK);
        fw.observe(HookEvent.pebbleReady("workload"), "k", HOOK);
        fw.observe(HookEvent.storageAttached("data"), "k", HOOK);
        fw.observe(ActionEvent.named("restore"), "k", ACTION);

        assertTrue(fw.hasObservers(new Event("s3-parameters-relation-changed", Event.Kind.RELATION, Map.of())));
        assertTrue(fw.hasObservers(new Event("restore", Event.Kind.ACTION, Map.of())));
    }

    @Test
    void misspeltRelationEndpoint_isRefusedWithWhatMetadataDeclares() {
        Framework fw = framework(TestCharm.DIR);

        assertEquals("no relation endpoint \"s3-paramters\" in metadata.yaml "
                + "(it declares s3-parameters, metrics-endpoint, cluster)",
                refusal(() -> fw.observe(HookEvent.relationChanged("s3-paramters"), "k", HOOK)));
    }

    @Test
    void unknownContainerStorageOrAction_isRefused() {
        Framework fw = framework(TestCharm.DIR);

        assertEquals("no container \"postgresql\" in metadata.yaml (it declares workload)",
                refusal(() -> fw.observe(HookEvent.pebbleReady("postgresql"), "k", HOOK)));
        assertEquals("no storage \"pgdata\" in metadata.yaml (it declares data)",
                refusal(() -> fw.observe(HookEvent.storageDetaching("pgdata"), "k", HOOK)));
        assertEquals("no action \"create-backups\" in actions.yaml (it declares create-backup, restore)",
                refusal(() -> fw.observe(ActionEvent.named("create-backups"), "k", ACTION)));
    }

    @Test
    void aContainerName_isNoRelationEndpoint() {
        Framework fw = framework(TestCharm.DIR);

        refusal(() -> fw.observe(HookEvent.relationChanged("workload"), "k", HOOK));
        refusal(() -> fw.observe(HookEvent.pebbleReady("s3-parameters"), "k", HOOK));
    }

    @Test
    void fixedAndCustomHooks_needNoMetadata() {
        Framework fw = framework(emptyDir);

        fw.observe(HookEvent.UPDATE_STATUS, "k", HOOK);
        fw.observe(HookEvent.custom("s3-credentials-changed"), "k", HOOK);

        assertTrue(fw.hasObservers(new Event("update-status", Event.Kind.HOOK, Map.of())));
    }

    @Test
    void missingMetadata_isAClearErrorAtTheFirstCheck() {
        Framework fw = framework(emptyDir);

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> fw.observe(HookEvent.relationChanged("db"), "k", HOOK));

        assertEquals("no metadata.yaml in the charm directory " + emptyDir
                + ": cannot check the names observers are registered for", e.getMessage());
    }

    @Test
    void charmWithoutActionsYaml_hasNoActions() {
        Framework fw = framework(emptyDir);

        assertEquals("no action \"restore\" in actions.yaml", refusal(() -> fw.observe(ActionEvent.named("restore"), "k", ACTION)));
    }

    @Test
    void metadata_isReadOncePerDispatch() throws IOException {
        Path dir = Files.createDirectories(emptyDir.resolve("charm"));
        Files.writeString(dir.resolve("metadata.yaml"), "requires:\n  db:\n    interface: pgsql\n");
        Framework fw = framework(dir);
        fw.observe(HookEvent.relationChanged("db"), "k", HOOK);
        Files.delete(dir.resolve("metadata.yaml"));

        fw.observe(HookEvent.relationBroken("db"), "k", HOOK);

        refusal(() -> fw.observe(HookEvent.relationBroken("dbs"), "k", HOOK));
    }
}
