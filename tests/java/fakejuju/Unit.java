package fakejuju;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import fakejuju.FakeJuju.Event;
import fakejuju.FakeJuju.Run;
import fakejuju.FakeJuju.Status;

/** One unit of a {@link FakeJuju} model, by name: dispatches into it and reads the model as it stands. */
public final class Unit {

    private final FakeJuju juju;
    private final String name;

    Unit(FakeJuju juju, String name) {
        this.juju = juju;
        this.name = name;
    }

    /** {@code app/N}. */
    public String name() {
        return name;
    }

    // ---- dispatching: at once, outside the queue -----------------------------------------------------------

    /** Runs the hook now; relation data it changes queues relation-changed on the units that see it. */
    public Run hook(String hook) {
        return juju.cli(List.of("hook", juju.dir().toString(), name, hook), null);
    }

    /** A relation hook, from the first unit this one sees on the relation (if the hook has a remote unit). */
    public Run relationHook(String hook, String relationId) {
        return juju.cli(List.of("hook", juju.dir().toString(), name, hook, relationId), null);
    }

    public Run relationHook(String hook, String relationId, String remoteUnit) {
        return juju.cli(List.of("hook", juju.dir().toString(), name, hook, relationId, "--remote-unit", remoteUnit), null);
    }

    /** An action: stdout is what {@code juju run} prints. */
    public Run action(String action, String... params) {
        List<String> args = new ArrayList<>(List.of("action", juju.dir().toString(), name, action));
        args.addAll(List.of(params));
        return juju.cli(args, null);
    }

    /**
     * An action started and not waited for, as the agent starts one: the stand-in's process, whose child
     * is {@code dispatch} and then (it execs) the charm's JVM; what {@code juju run} prints goes to {@code log}.
     */
    public Process startAction(Path log, String action, String... params) {
        List<String> args = new ArrayList<>(List.of("action", juju.dir().toString(), name, action));
        args.addAll(List.of(params));
        return juju.start(args, log);
    }

    /** {@code juju exec}: a command in this unit's hook context (hook tools answer as this unit). */
    public Run exec(String... command) {
        List<String> args = new ArrayList<>(List.of("exec", juju.dir().toString(), name, "--"));
        args.addAll(List.of(command));
        return juju.cli(args, null);
    }

    // ---- the queue ----------------------------------------------------------------------------------------

    /** Queues a hook for {@link FakeJuju#settle}; a relation hook on this unit's only relation of its endpoint. */
    public void queue(String hook) {
        juju.check(List.of("queue", juju.dir().toString(), name, hook));
    }

    public void queue(String hook, String relationId, String remoteUnit) {
        List<String> args = new ArrayList<>(List.of("queue", juju.dir().toString(), name, hook, relationId));
        if (remoteUnit != null) {
            args.addAll(List.of("--remote-unit", remoteUnit));
        }
        juju.check(args);
    }

    /** The events waiting for this unit, in order. */
    public List<Event> pending() {
        List<Event> out = new ArrayList<>();
        record().get("queue").forEach(e -> out.add(Event.of(e)));
        return out;
    }

    // ---- reading -------------------------------------------------------------------------------------------

    public Path charmDir() {
        return Path.of(record().get("charm-dir").asText());
    }

    public boolean isLeader() {
        return record().get("leader").asBoolean();
    }

    /** Whether the unit is still in the model (it leaves after its stop hook, once removed). */
    public boolean inModel() {
        return juju.modelState().get("units").has(name);
    }

    public Status status() {
        return Status.of(record().get("unit-status"));
    }

    public List<Status> statusHistory() {
        List<Status> out = new ArrayList<>();
        record().get("status-history").forEach(s -> out.add(Status.of(s)));
        return out;
    }

    /** The lines the charm sent to juju-log, "LEVEL message". */
    public List<String> jujuLog() {
        List<String> out = new ArrayList<>();
        record().get("juju-log").forEach(l -> out.add(l.asText()));
        return out;
    }

    /** The last action run on this unit: params, results, failed (a message or null), log. */
    public JsonNode lastAction() {
        return record().get("last-action");
    }

    /** This unit's own bag on the relation, as committed. */
    public Map<String, String> unitData(String relationId) {
        return FakeJuju.bag(juju.modelState().at("/relations/" + relationId + "/local-units/" + name.replace("/", "~1")));
    }

    /** This unit's hook-tool calls, in order. */
    public List<JsonNode> calls() {
        return juju.calls().stream().filter(c -> name.equals(c.path("unit").asText())).toList();
    }

    public List<String> callLines() {
        return FakeJuju.lines(calls());
    }

    /**
     * The model from where this unit stands, shaped as the one-unit model of old: leader, config,
     * unit-status, juju-log, last-action, and per relation local-app, local-unit, remote-app-data and
     * remote-units (the units it sees, with their bags).
     */
    public JsonNode state() {
        return FakeJuju.read(juju.check(List.of("show", juju.dir().toString(), name)).stdout());
    }

    /** Edits {@link #state()} and writes it back: leader (taken from any other unit), config, statuses, logs, bags. */
    public void edit(Consumer<ObjectNode> change) {
        ObjectNode view = (ObjectNode) state();
        change.accept(view);
        juju.check(List.of("apply", juju.dir().toString(), name), FakeJuju.write(view));
    }

    private JsonNode record() {
        JsonNode unit = juju.modelState().get("units").get(name);
        if (unit == null) {
            throw new IllegalStateException(name + " is not in the model");
        }
        return unit;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Unit u && u.juju == juju && u.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
