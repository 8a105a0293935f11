package fakejuju;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Drives tests/fake-juju/fakejuju.py, the stand-in unit agents of one application: sets up a model
 * of several {@link Unit units}, dispatches hooks and actions into their charm directories as separate
 * processes, settles the events Juju would fire between them, and reads back the model and the
 * recorded hook-tool calls.
 *
 * <p>{@link #init} makes the one-unit model of old; its {@code hook}, {@code action}, {@code state},
 * {@code edit} and {@code jujuLog} act on the lowest-numbered unit.
 */
public final class FakeJuju {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCRIPT = Path.of("tests/fake-juju/fakejuju.py").toAbsolutePath();
    /** The distribution's Python starts in ~10 ms; a version manager's shim on PATH can take ~90 ms. */
    private static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    private static final TypeReference<Map<String, String>> BAG = new TypeReference<>() {};

    /** What one fakejuju command printed and returned. */
    public record Run(int exitCode, String stdout, String stderr) {}

    /** A workload status: {@code active}, {@code blocked}, ... and its message. */
    public record Status(String kind, String message) {
        static Status of(JsonNode node) {
            return new Status(node.path("status").asText(), node.path("message").asText());
        }
    }

    /** An event pending on a unit, or dispatched by {@link #settle}; relation and units may be null. */
    public record Event(String hook, String relationId, String remoteUnit, String departingUnit) {
        static Event of(JsonNode node) {
            return new Event(node.get("hook").asText(), text(node, "rid"), text(node, "remote-unit"),
                    text(node, "departing"));
        }
    }

    /** One event {@link #settle} dispatched: where, its exit code, and the unit's status after it. */
    public record Dispatched(String unit, Event event, int exitCode, Status status) {}

    /** What {@link #settle} did: {@code settled} when no unit has an event left. */
    public record Settlement(List<Dispatched> dispatched, boolean settled, int pending) {}

    /**
     * Another application's agent, reacting to what this application's units wrote: {@link #settle}
     * calls it once the units have no event left, and settles again while it changes something.
     */
    interface RemoteApplication {
        /** Reads the model and answers; returns whether it wrote anything (and so queued events). */
        boolean react();
    }

    private final Path dir;
    private final Map<String, String> env;
    private final List<RemoteApplication> remotes = new ArrayList<>();

    private FakeJuju(Path dir, Map<String, String> env) {
        this.dir = dir;
        this.env = Map.copyOf(env);
    }

    /**
     * A model with no units yet: add them with {@link #addUnit}.
     *
     * @param env added to the environment of every dispatch (e.g. where the Kubernetes API is)
     */
    public static FakeJuju model(Path dir, String app, String modelName, Map<String, String> env) {
        FakeJuju juju = new FakeJuju(dir, env);
        juju.check(List.of("init", dir.toString(), "--app", app, "--model", modelName));
        return juju;
    }

    /** A model of one unit, dispatched in {@code charmDir} itself, its hook tools in {@code dir/bin}. */
    public static FakeJuju init(Path dir, Path charmDir, String unit, boolean leader) {
        return init(dir, charmDir, unit, leader, "test-model", Map.of());
    }

    /**
     * @param env added to the environment of every dispatch (e.g. where the Kubernetes API is)
     */
    public static FakeJuju init(Path dir, Path charmDir, String unit, boolean leader, String model,
            Map<String, String> env) {
        List<String> args = new ArrayList<>(List.of("init", dir.toString(), "--unit", unit, "--model", model,
                "--charm-dir", charmDir.toString()));
        if (leader) {
            args.add("--leader");
        }
        FakeJuju juju = new FakeJuju(dir, env);
        juju.check(args);
        return juju;
    }

    public Path dir() {
        return dir;
    }

    // ---- units -----------------------------------------------------------------------------------------

    /**
     * A new unit with its own charm dir (a symlink to each entry of {@code sourceCharmDir}), the given
     * start-up hooks queued on it (e.g. {@code install}, {@code leader-elected}), then the peer
     * relation-joined events the agent queues on it and on every other unit.
     */
    public Unit addUnit(Path sourceCharmDir, boolean leader, String... queuedHooks) {
        List<String> args = new ArrayList<>(List.of("add-unit", dir.toString(), sourceCharmDir.toString()));
        if (leader) {
            args.add("--leader");
        }
        if (queuedHooks.length > 0) {
            args.add("--queue");
            args.addAll(List.of(queuedHooks));
        }
        return new Unit(this, check(args).stdout().strip());
    }

    public Unit unit(String name) {
        return new Unit(this, name);
    }

    /** The units in the model, by number. */
    public List<Unit> units() {
        List<String> names = new ArrayList<>();
        modelState().get("units").fieldNames().forEachRemaining(names::add);
        names.sort(Comparator.comparingInt(n -> Integer.parseInt(n.substring(n.indexOf('/') + 1))));
        return names.stream().map(this::unit).toList();
    }

    /** Starts Juju's removal: departed events queued on both sides, then stop; it leaves after stop. */
    public void removeUnit(Unit unit) {
        check(List.of("remove-unit", dir.toString(), unit.name()));
    }

    /** Makes {@code unit} the leader: leader-elected queued on it, leader-settings-changed on the others. */
    public void setLeader(Unit unit) {
        check(List.of("set-leader", dir.toString(), unit.name()));
    }

    /** The leader's lease ran out: when no unit leads, Juju elects the lowest-numbered one (leader-elected queued). */
    public void electLeader() {
        check(List.of("elect", dir.toString()));
    }

    /**
     * Dispatches pending events, one at a time, round-robin over units, until none is left (at most 100);
     * then lets each related remote application (e.g. {@link CertificatesProvider}) react, and settles
     * again while one does.
     */
    public Settlement settle() {
        return settle(100);
    }

    public Settlement settle(int max) {
        List<Dispatched> all = new ArrayList<>();
        while (true) {
            Settlement round = settleUnits(max - all.size());
            all.addAll(round.dispatched());
            if (!round.settled()) {
                return new Settlement(all, false, round.pending());
            }
            boolean reacted = false;
            for (RemoteApplication remote : remotes) {
                reacted |= remote.react();
            }
            if (!reacted) {
                return new Settlement(all, true, 0);
            }
        }
    }

    private Settlement settleUnits(int max) {
        Run run = cli(List.of("settle", dir.toString(), "--max", Integer.toString(max), "--json"), null);
        if (run.exitCode() != 0 && run.exitCode() != 3) {
            throw new IllegalStateException("fakejuju settle failed: " + run.stderr());
        }
        List<Dispatched> dispatched = new ArrayList<>();
        JsonNode summary = null;
        for (String line : run.stdout().split("\n")) {
            JsonNode node = read(line);
            if (node.has("settled")) {
                summary = node;
            } else {
                dispatched.add(new Dispatched(node.get("unit").asText(), Event.of(node), node.get("exit").asInt(),
                        Status.of(node)));
            }
        }
        return new Settlement(dispatched, summary.get("settled").asBoolean(), summary.get("pending").asInt());
    }

    /** The {@code juju status} units table: {@code Unit  Workload  Message}, the leader starred. */
    public String statusTable() {
        return check(List.of("status", dir.toString())).stdout();
    }

    // ---- relations -------------------------------------------------------------------------------------

    /**
     * A relation to another application, on every unit; {@code queuedHooks} (e.g.
     * {@code s3-parameters-relation-joined}) are queued on every unit.
     */
    public void relate(String relationId, String remoteApp, Map<String, String> remoteAppData, String... queuedHooks) {
        List<String> args = new ArrayList<>(List.of("relate", dir.toString(), relationId, remoteApp,
                "--app-data", write(remoteAppData)));
        if (queuedHooks.length > 0) {
            args.add("--queue");
            args.addAll(List.of(queuedHooks));
        }
        check(args);
    }

    /**
     * {@code juju relate postgresql-k8s self-signed-certificates}: the relation on every unit, with
     * created, joined and changed queued on each, and the provider, which answers the CSRs the units
     * write whenever they have {@link #settle settled}.
     */
    public CertificatesProvider relateCertificates(String relationId) {
        relate(relationId, CertificatesProvider.APP, Map.of(), relationId.split(":")[0] + "-relation-created",
                relationId.split(":")[0] + "-relation-joined", relationId.split(":")[0] + "-relation-changed");
        CertificatesProvider provider = new CertificatesProvider(this, relationId);
        remotes.add(provider);
        return provider;
    }

    /** The peer relation, holding this application's shared data; every unit already sees the others. */
    public void peers(String relationId, Map<String, String> appData) {
        String app = modelState().get("app").asText();
        check(List.of("relate", dir.toString(), relationId, app, "--local-app-data", write(appData)));
    }

    public void setRemoteAppData(String relationId, Map<String, String> data) {
        setRemoteAppData(relationId, data, false);
    }

    /** Merges into the remote application's bag ("" deletes); optionally queues relation-changed on every unit. */
    public void setRemoteAppData(String relationId, Map<String, String> data, boolean queueChanged) {
        List<String> args = new ArrayList<>(List.of("set-remote-app-data", dir.toString(), relationId, write(data)));
        if (queueChanged) {
            args.add("--queue");
        }
        check(args);
    }

    /** The relation gone at once, and the events pending on it dropped (no departed or broken). */
    public void unrelate(String relationId) {
        check(List.of("unrelate", dir.toString(), relationId));
    }

    /**
     * {@code juju remove-relation}: every unit gets relation-departed for each remote unit it sees, then
     * relation-broken; a unit stops seeing the relation in its broken hook, and it leaves the model after
     * the last unit's.
     */
    public void removeRelation(String relationId) {
        check(List.of("remove-relation", dir.toString(), relationId));
    }

    /** This application's bag on the relation. */
    public Map<String, String> appData(String relationId) {
        return bag(modelState().at("/relations/" + relationId + "/local-app"));
    }

    // ---- secrets a remote application owns ------------------------------------------------------------------

    /**
     * A secret owned by {@code ownerApp} (the remote application of {@code relationId}), granted to this
     * application on that relation: the units are its observers, each tracking the revision it first read.
     *
     * @return its id, {@code secret:XID}
     */
    public String addRemoteSecret(String ownerApp, String relationId, Map<String, String> content) {
        return check(List.of("add-secret", dir.toString(), ownerApp, relationId, write(content))).stdout().strip();
    }

    /** The owner's new revision; optionally secret-changed queued on the units tracking an older one. */
    public void setRemoteSecret(String secretId, Map<String, String> content, boolean queueChanged) {
        List<String> args = new ArrayList<>(List.of("set-secret", dir.toString(), secretId, write(content)));
        if (queueChanged) {
            args.add("--queue");
        }
        check(args);
    }

    /** The secret as the model holds it (owner, label, revisions, latest, grants, consumers); missing if none. */
    public JsonNode secret(String secretId) {
        return modelState().path("secrets").path(secretId);
    }

    // ---- the whole model -------------------------------------------------------------------------------

    /** The model file as it is: see tests/fake-juju/hooktools.py for its shape. */
    public JsonNode modelState() {
        try {
            return JSON.readTree(dir.resolve("state.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Edits the model file (under the agent's lock): config, secrets, failing tools, ... */
    public void editModel(Consumer<ObjectNode> change) {
        ObjectNode state = (ObjectNode) modelState();
        change.accept(state);
        check(List.of("apply", dir.toString()), write(state));
    }

    /** Every hook-tool call so far, of every unit, in order: {"tool": ..., "unit": ..., "argv": [...], "stdin": ...}. */
    public List<JsonNode> calls() {
        try {
            List<JsonNode> out = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("calls.jsonl"), StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    out.add(read(line));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each call as one line, "tool arg arg ...", for readable assertions. */
    public List<String> callLines() {
        return lines(calls());
    }

    public void clearCalls() {
        try {
            Files.writeString(dir.resolve("calls.jsonl"), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the one-unit shorthands: the lowest-numbered unit -------------------------------------------------

    public Run hook(String hook) {
        return first().hook(hook);
    }

    public Run relationHook(String hook, String relationId) {
        return first().relationHook(hook, relationId);
    }

    public Run action(String name, String... params) {
        return first().action(name, params);
    }

    /** The unit's view of the model, shaped as the one-unit model was (see {@link Unit#state()}). */
    public JsonNode state() {
        return first().state();
    }

    /** Edits the unit's view: leader, config, unit status, juju-log, relation bags. */
    public void edit(Consumer<ObjectNode> change) {
        first().edit(change);
    }

    /** The lines the charm sent to juju-log, "LEVEL message". */
    public List<String> jujuLog() {
        return first().jujuLog();
    }

    private Unit first() {
        return units().get(0);
    }

    // ---- plumbing ----------------------------------------------------------------------------------------

    static List<String> lines(List<JsonNode> calls) {
        List<String> out = new ArrayList<>();
        for (JsonNode call : calls) {
            StringBuilder line = new StringBuilder(call.get("tool").asText());
            call.get("argv").forEach(a -> line.append(' ').append(a.asText()));
            out.add(line.toString());
        }
        return out;
    }

    static Map<String, String> bag(JsonNode node) {
        if (node.isMissingNode()) {
            throw new IllegalArgumentException("no such bag in the model");
        }
        return JSON.convertValue(node, BAG);
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    Run check(List<String> args) {
        return check(args, null);
    }

    Run check(List<String> args, String stdin) {
        Run run = cli(args, stdin);
        if (run.exitCode() != 0) {
            throw new IllegalStateException("fakejuju " + args.get(0) + " failed: " + run.stderr());
        }
        return run;
    }

    /**
     * Starts the stand-in on {@code args} without waiting, its output (stdout and stderr) in {@code log}:
     * the caller owns the process, and may kill what it dispatched (the charm's JVM is its child).
     */
    Process start(List<String> args, Path log) {
        List<String> argv = new ArrayList<>(List.of(PYTHON, SCRIPT.toString()));
        argv.addAll(args);
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Run cli(List<String> args, String stdin) {
        List<String> argv = new ArrayList<>(List.of(PYTHON, SCRIPT.toString()));
        argv.addAll(args);
        try {
            Path in = Files.createTempFile("fakejuju", ".in");
            Path out = Files.createTempFile("fakejuju", ".out");
            Path err = Files.createTempFile("fakejuju", ".err");
            try {
                Files.writeString(in, stdin == null ? "" : stdin);
                ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(in.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(900, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("fakejuju " + args + " did not finish in 900 s");
                }
                return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(in);
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
