package jujuops.hooktools;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Pattern;

import jujuops.json.Json;
import jujuops.json.JsonException;
import jujuops.model.HookToolOutputError;
import jujuops.model.ModelError;
import jujuops.model.RelationNotFoundError;
import jujuops.model.SecretContent;
import jujuops.model.SecretInfo;
import jujuops.model.SecretMetadata;
import jujuops.model.Status;

/** The real hook tools, called with the exact argv of Juju's contract. */
public final class ProcessHookTools implements HookTools {

    /** `action-set` keys: lower-case words joined by dashes, nested with dots. Compiled on first use. */
    private static final class ActionKeys {
        static final Pattern PATTERN =
                Pattern.compile("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$");
    }

    private final CommandRunner runner;
    private final ProcessSecretTools secrets = new ProcessSecretTools(this::run);

    public ProcessHookTools(CommandRunner runner) {
        this.runner = runner;
    }

    @Override
    public boolean isLeader() {
        Object value = parse("is-leader", run(null, "is-leader", "--format=json"));
        if (!(value instanceof Boolean)) {
            throw new HookToolOutputError("is-leader answered " + Json.kind(value) + ", expected true or false");
        }
        return (Boolean) value;
    }

    @Override
    public int plannedUnits() {
        Map<String, Object> doc;
        try {
            doc = Json.parseObject(run(null, "goal-state", "--format=json"));
        } catch (JsonException e) {
            throw new HookToolOutputError("goal-state output is not a JSON object: " + e.getMessage());
        }
        Object units = doc.get("units");
        if (units == null) {
            return 0;
        }
        if (!(units instanceof Map)) {
            throw new HookToolOutputError("goal-state units is " + Json.kind(units) + ", expected an object");
        }
        int count = 0;
        for (Object unit : ((Map<?, ?>) units).values()) {
            Object status = unit instanceof Map ? ((Map<?, ?>) unit).get("status") : null;
            if (!"dying".equals(status) && !"dead".equals(status)) {
                count++;
            }
        }
        return count;
    }

    @Override
    public Map<String, Object> configGet() {
        String out = run(null, "config-get", "--format=json");
        try {
            return Json.parseObject(out);
        } catch (JsonException e) {
            throw new HookToolOutputError("config-get output is not a JSON object: " + e.getMessage());
        }
    }

    @Override
    public List<String> relationIds(String endpoint) {
        String out = run(null, "relation-ids", endpoint, "--format=json");
        try {
            return Json.parseStringList(out);
        } catch (JsonException e) {
            throw new HookToolOutputError("relation-ids output is not a JSON list: " + e.getMessage());
        }
    }

    @Override
    public List<String> relationList(String relationId) {
        String out = run(null, "relation-list", "--format=json", "-r", relationId);
        try {
            return Json.parseStringList(out);
        } catch (JsonException e) {
            throw new HookToolOutputError("relation-list output is not a JSON list: " + e.getMessage());
        }
    }

    @Override
    public String relationRemoteApp(String relationId) {
        Object value = parse("relation-list", run(null, "relation-list", "--format=json", "-r", relationId, "--app"));
        if (!(value instanceof String) || ((String) value).isEmpty()) {
            throw new HookToolOutputError("relation-list --app answered " + Json.kind(value) + ", expected an application name");
        }
        return (String) value;
    }

    @Override
    public Map<String, String> relationGet(String relationId, String member, boolean app) {
        List<String> argv = new ArrayList<>(List.of("relation-get", "--format=json", "-r", relationId));
        if (app) {
            argv.add("--app");
        }
        argv.add("-");
        argv.add(member);
        String out = run(null, argv.toArray(new String[0]));
        try {
            return Json.parseStringMap(out);
        } catch (JsonException e) {
            throw new HookToolOutputError("relation-get output is not a JSON map of strings: " + e.getMessage());
        }
    }

    @Override
    public void relationSet(String relationId, Map<String, String> data, boolean app) {
        List<String> argv = new ArrayList<>(List.of("relation-set", "-r", relationId));
        if (app) {
            argv.add("--app");
        }
        argv.add("--file");
        argv.add("-");
        // Values go on stdin, never in argv: relation data may hold secrets.
        run(Json.write(data), argv.toArray(new String[0]));
    }

    @Override
    public void statusSet(Status status, boolean app) {
        if (!status.settable()) {
            throw new IllegalArgumentException("a charm cannot set status " + status.kind().jujuName());
        }
        run(null, "status-set", "--application=" + (app ? "True" : "False"), status.kind().jujuName(), "--", status.message());
    }

    @Override
    public Status statusGet(boolean app) {
        String out = run(null, "status-get", "--include-data", "--format=json", "--application=" + app);
        Map<String, Object> doc;
        try {
            doc = Json.parseObject(out);
        } catch (JsonException e) {
            throw new HookToolOutputError("status-get output is not a JSON object: " + e.getMessage());
        }
        Object appDoc = doc.get("application-status");
        if (app && appDoc instanceof Map) {
            Map<?, ?> appStatus = (Map<?, ?>) appDoc;
            return Status.fromJuju(str(appStatus.get("status")), str(appStatus.get("message")));
        }
        return Status.fromJuju(str(doc.get("status")), str(doc.get("message")));
    }

    @Override
    public Map<String, Object> actionGet() {
        String out = run(null, "action-get", "--format=json");
        try {
            return Json.parseObject(out);
        } catch (JsonException e) {
            throw new HookToolOutputError("action-get output is not a JSON object: " + e.getMessage());
        }
    }

    @Override
    public void actionSet(Map<String, String> results) {
        if (results.isEmpty()) {
            return;
        }
        List<String> argv = new ArrayList<>();
        argv.add("action-set");
        for (Map.Entry<String, String> e : results.entrySet()) {
            if (!ActionKeys.PATTERN.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("action result key '" + e.getKey() + "' is not allowed by Juju");
            }
            argv.add(e.getKey() + "=" + e.getValue());
        }
        run(null, argv.toArray(new String[0]));
    }

    @Override
    public void actionFail(String message) {
        run(null, "action-fail", "--", message);
    }

    @Override
    public void actionLog(String message) {
        run(null, "action-log", "--", message);
    }

    @Override
    public void jujuLog(LogLevel level, String message) {
        run(null, "juju-log", "--log-level", level.name(), "--", message);
    }

    @Override
    public Map<String, String> secretGet(String uri) {
        String out = run(null, "secret-get", "--format=json", uri);
        try {
            return Json.parseStringMap(out);
        } catch (JsonException e) {
            // The message names the position only; secret content never reaches it.
            throw new HookToolOutputError("secret-get output is not a JSON map of strings: " + e.getMessage());
        }
    }

    @Override
    public Map<String, String> secretGet(String id, String label, SecretRevision revision) {
        return secrets.secretGet(id, label, revision);
    }

    @Override
    public String secretAdd(SecretContent content, SecretMetadata metadata, boolean unitOwned) {
        return secrets.secretAdd(content, metadata, unitOwned);
    }

    @Override
    public void secretSet(String id, SecretContent content, SecretMetadata metadata) {
        secrets.secretSet(id, content, metadata);
    }

    @Override
    public SecretInfo secretInfoGet(String id, String label) {
        return secrets.secretInfoGet(id, label);
    }

    @Override
    public void secretGrant(String id, String relationId, String unit) {
        secrets.secretGrant(id, relationId, unit);
    }

    @Override
    public void secretRevoke(String id, String relationId, String unit) {
        secrets.secretRevoke(id, relationId, unit);
    }

    @Override
    public void secretRemove(String id, OptionalInt revision) {
        secrets.secretRemove(id, revision);
    }

    @Override
    public List<String> storageList(String name) {
        return secrets.storageList(name);
    }

    @Override
    public String storageLocation(String storageId) {
        return secrets.storageLocation(storageId);
    }

    private static String str(Object o) {
        return o instanceof String ? (String) o : "";
    }

    private static Object parse(String tool, String out) {
        try {
            return Json.parse(out.trim());
        } catch (JsonException e) {
            throw new HookToolOutputError(tool + " output is not JSON: " + e.getMessage());
        }
    }

    private String run(String stdin, String... argv) {
        CommandRunner.Result result;
        try {
            result = runner.run(List.of(argv), stdin);
        } catch (UncheckedIOException e) {
            throw new ModelError("hook tool " + argv[0] + " could not be run: " + e.getMessage(), e);
        }
        if (result.exitCode() != 0) {
            String err = result.stderr().strip();
            String message = argv[0] + " failed (exit " + result.exitCode() + ")" + (err.isEmpty() ? "" : ": " + err);
            if (err.contains("relation not found") || err.contains("invalid value") && err.contains("for option -r")) {
                throw new RelationNotFoundError(message);
            }
            throw new ModelError(message);
        }
        return result.stdout();
    }
}
