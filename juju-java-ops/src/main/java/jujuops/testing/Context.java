package jujuops.testing;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jujuops.CharmFactory;
import jujuops.Dispatcher;
import jujuops.JujuContext;
import jujuops.store.DeferredEvent;
import jujuops.store.MemoryUnitStateStore;
import jujuops.store.UnitState;

/**
 * Runs one event through the real {@link Dispatcher} against a fake hook-tool backend: state in,
 * state out. Like Juju, it keeps statuses set by a failed dispatch but throws away its relation data
 * writes, secret changes, deferrals and stored state. The charm directory is the charm's own (its
 * metadata.yaml and actions.yaml declare what observers may be registered for); nothing is written there.
 */
public final class Context {

    private final CharmFactory charm;
    private final Path charmDir;
    private final String unitName;
    private final String modelName;
    private final Map<String, String> extraEnv;

    /** @param charmDir the directory holding the charm's metadata.yaml and actions.yaml */
    public Context(CharmFactory charm, Path charmDir, String unitName, String modelName) {
        this(charm, charmDir, unitName, modelName, Map.of());
    }

    private Context(CharmFactory charm, Path charmDir, String unitName, String modelName, Map<String, String> extraEnv) {
        this.charm = charm;
        this.charmDir = charmDir.toAbsolutePath();
        this.unitName = unitName;
        this.modelName = modelName;
        this.extraEnv = Map.copyOf(extraEnv);
    }

    /** A copy whose dispatches also see these environment variables. */
    public Context withEnv(Map<String, String> env) {
        Map<String, String> merged = new LinkedHashMap<>(extraEnv);
        merged.putAll(env);
        return new Context(charm, charmDir, unitName, modelName, merged);
    }

    public Result run(TestEvent event, State in) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JUJU_UNIT_NAME", unitName);
        env.put("JUJU_MODEL_NAME", modelName);
        env.put("JUJU_MODEL_UUID", "00000000-0000-4000-8000-000000000000");
        env.put("JUJU_VERSION", "3.6.4");
        env.put("JUJU_CHARM_DIR", charmDir.toString());
        env.put(JujuContext.DISPATCH_PATH, event.dispatchPath());
        env.putAll(extraEnv);
        env.putAll(event.env());

        FakeHookTools tools = new FakeHookTools(in, unitName, event.isAction(), event.actionParams());
        long nextSeq = in.deferred().stream().mapToLong(DeferredEvent::seq).max().orElse(0) + 1;
        MemoryUnitStateStore store = new MemoryUnitStateStore(new UnitState(in.deferred(), in.stored(), nextSeq));

        int exit = Dispatcher.run(charm, JujuContext.fromEnv(env), tools, store);

        // What the dispatch committed: all of it when it succeeded, at most a forgotten status when not.
        UnitState saved = store.load();
        State out = tools.state().withDeferred(saved.deferred()).withStored(saved.stored());
        if (exit != 0) {
            out = restoreRelations(out, in.relations());
            // Juju applies a hook's secret changes only when it succeeds, as it does relation data.
            out = out.withSecrets(in.secrets());
        }
        return new Result(out, exit, tools.actionResults,
                java.util.Optional.ofNullable(tools.actionFailure), tools.actionLogs, tools.logs,
                tools.statusHistory, tools.calls);
    }

    private static State restoreRelations(State out, List<RelationState> original) {
        State restored = out;
        for (RelationState r : out.relations()) {
            restored = restored.withoutRelation(r.id());
        }
        for (RelationState r : original) {
            restored = restored.withRelation(r);
        }
        return restored;
    }
}
