"""The stand-in agent's hook tools and its model file. Standard library only, and only what a tool
needs: a tool is a new process, started many times per hook.

A tool runs as `run_as_tool(NAME, ARGV)` (fakejuju.py writes a wrapper per tool into <dir>/bin) with
FAKE_JUJU_DIR naming the model folder and FAKE_JUJU_UNIT the unit whose hook is running (default: the
lowest-numbered unit). It answers from that unit's perspective, under <dir>/lock, and appends its
argv (and stdin) to <dir>/calls.jsonl.

<dir>/state.json, one application's units:
  model, model-uuid, app, app-status, config, fail {TOOL: error message},
  garble {TOOL: n} (the tool's next n answers are not JSON, exit 0: a broken agent's output),
  secrets, next-secret, storage (see secrettools.py),
  next-action,
  units {APP/N: {leader, life: alive|dying, charm-dir, unit-status, status-history, juju-log,
                 action, last-action, queue: [pending events], last-dispatch-started/-seconds}},
  relations {ENDPOINT:ID: {endpoint, remote-app, remote-app-data, remote-units {UNIT: bag},
                           local-app, local-units {LOCAL UNIT: bag}, members {LOCAL UNIT: [units it sees]}}}
The relation whose remote-app is the application itself is the peer relation: a unit's remote units
are the other local units, and their bags are those units' own local-units bags.
"""
import fcntl
import json
import os
import re
import sys
import time

TOOLS = [
    "is-leader", "goal-state", "config-get", "relation-ids", "relation-list", "relation-get", "relation-set",
    "status-set", "status-get", "action-get", "action-set", "action-fail", "action-log", "juju-log",
    "secret-get", "secret-add", "secret-set", "secret-info-get", "secret-grant", "secret-revoke", "secret-remove",
    "storage-list", "storage-get",
]
READ_ONLY = {"is-leader", "goal-state", "config-get", "relation-ids", "relation-list", "relation-get",
             "status-get", "action-get", "secret-info-get", "storage-list", "storage-get"}
ACTION_KEY = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$")


class ToolError(Exception):
    pass


# ---- the model file ---------------------------------------------------------------------------------

def load(d):
    with open(os.path.join(d, "state.json")) as f:
        return json.load(f)


def save(d, state):
    tmp = os.path.join(d, "state.json.tmp")
    with open(tmp, "w") as f:
        json.dump(state, f, indent=1, sort_keys=True)
    os.replace(tmp, os.path.join(d, "state.json"))


class Locked:
    """`with Locked(d) as state:` the model under <dir>/lock, saved when the block ends normally."""

    def __init__(self, d, write=True):
        self.d, self.write = d, write

    def __enter__(self):
        self.lock = open(os.path.join(self.d, "lock"), "w")
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        self.state = load(self.d)
        return self.state

    def __exit__(self, kind, value, traceback):
        try:
            if kind is None and self.write:
                save(self.d, self.state)
        finally:
            self.lock.close()


def app_of(unit):
    return unit.split("/")[0]


def unit_key(unit):
    """Sorts app/10 after app/9."""
    app, _, n = unit.partition("/")
    return (app, int(n) if n.isdigit() else -1)


def first_unit(state):
    return min(state["units"], key=unit_key) if state["units"] else None


def planned_units(state):
    """The units Juju means to keep (goal-state): those not being removed."""
    return sorted((n for n, u in state["units"].items() if u["life"] == "alive"), key=unit_key)


def is_peer(state, rel):
    return rel["remote-app"] == state["app"]


def relation(state, rid, me=None):
    """The relation, unless it is gone (for `me`, once its relation-broken hook has begun)."""
    rel = state["relations"].get(rid)
    if rel is None or me in rel.get("broken-for", ()):
        raise ToolError('invalid value "%s" for option -r: relation not found' % rid)
    return rel


def app_bag(state, rel, app, leader):
    """An application's bag as `relation-get --app` reads it: the remote application's, or this one's
    (only the leader's on a relation to another application; any unit's on the peer relation)."""
    if app == rel["remote-app"] and not is_peer(state, rel):
        return rel["remote-app-data"]
    if app != state["app"]:
        raise ToolError("cannot read settings for %s" % app)
    if not leader and not is_peer(state, rel):
        raise ToolError("permission denied")
    return rel["local-app"]


def unit_bag(state, rel, unit):
    """Another unit's databag on this relation: a peer's or a remote unit's; else None."""
    if is_peer(state, rel) and unit in rel["local-units"]:
        return rel["local-units"][unit]
    return rel["remote-units"].get(unit)


# ---- the tools ----------------------------------------------------------------------------------------

def opt(args, name):
    """Removes `name VALUE` from args and returns VALUE (or None)."""
    if name in args:
        i = args.index(name)
        value = args[i + 1]
        del args[i:i + 2]
        return value
    return None


def flag(args, name):
    if name in args:
        args.remove(name)
        return True
    return False


def after_dashes(args):
    return " ".join(args[args.index("--") + 1:]) if "--" in args else " ".join(args)


def tool(name, args, stdin, state, me):
    """Runs one hook tool as unit `me`; returns its stdout text. Mutates state."""
    fail = state.get("fail", {}).get(name)
    if fail:
        raise ToolError(fail)
    args = list(args)
    unit = state["units"][me]
    if name == "is-leader":
        return json.dumps(unit["leader"])
    if name == "goal-state":
        return json.dumps({"units": {n: {"status": "active"} for n in planned_units(state)}, "relations": {}})
    if name == "config-get":
        return json.dumps(state.get("config", {}))
    if name == "relation-ids":
        endpoint = [a for a in args if not a.startswith("--")][0]
        return json.dumps(sorted(r for r, v in state["relations"].items()
                                 if v["endpoint"] == endpoint and me not in v.get("broken-for", ())))
    if name.startswith("relation-"):
        rel = relation(state, opt(args, "-r") or os.environ.get("JUJU_RELATION_ID"), me)
        return relation_tool(name, args, stdin, state, me, rel)
    if name in ("status-set", "status-get"):
        return status_tool(name, args, state, me)
    if name.startswith("action-"):
        return action_tool(name, args, unit)
    if name == "juju-log":
        level = opt(args, "--log-level") or "INFO"
        unit["juju-log"].append("%s %s" % (level, after_dashes(args)))
        return ""
    if name.startswith("secret-") or name.startswith("storage-"):
        import secrettools  # only these tools need it
        return secrettools.tool(name, args, state, me)
    raise ToolError("unknown hook tool %s" % name)


def relation_tool(name, args, stdin, state, me, rel):
    """relation-list, -get and -set with Juju's access rules: only the leader writes application data,
    and reads its own on a relation to another application; any unit reads the peer application bag."""
    leader = state["units"][me]["leader"]
    app = flag(args, "--app")
    if name == "relation-list":
        if app:
            return json.dumps(rel["remote-app"])
        return json.dumps(sorted(rel["members"].get(me, []), key=unit_key))
    if name == "relation-get":
        member = args[-1]
        if app:
            return json.dumps(app_bag(state, rel, member, leader))
        bag = rel["local-units"].get(me, {}) if member == me else unit_bag(state, rel, member)
        if bag is None:
            raise ToolError("cannot read settings for %s" % member)
        return json.dumps(bag)
    if opt(args, "--file") != "-":
        raise ToolError("fake relation-set only takes --file -")
    if app and not leader:
        raise ToolError("cannot write relation settings: unit is not the leader")
    bag = rel["local-app"] if app else rel["local-units"].setdefault(me, {})
    for k, v in json.loads(stdin).items():
        if not isinstance(v, str):
            raise ToolError("value of %s is not a string" % k)
        if v == "":
            bag.pop(k, None)
        else:
            bag[k] = v
    return ""


def status_tool(name, args, state, me):
    unit = state["units"][me]
    if name == "status-get":
        if "--application=true" in args:
            if not unit["leader"]:
                raise ToolError("finding application status: this unit is not the leader")
            return json.dumps({"application-status": state["app-status"]})
        return json.dumps(dict(unit["unit-status"], **{"status-data": {}}))
    app = "--application=True" in args
    args = [a for a in args if not a.startswith("--application")]
    sep = args.index("--")
    kind, message = args[sep - 1], " ".join(args[sep + 1:])
    if kind not in ("active", "blocked", "maintenance", "waiting"):
        raise ToolError("invalid status %r" % kind)
    if app and not unit["leader"]:
        raise ToolError("cannot set application status: unit is not the leader")
    status = {"status": kind, "message": message}
    if app:
        state["app-status"] = status
    else:
        unit["unit-status"] = status
        unit["status-history"].append(status)
    return ""


def action_tool(name, args, unit):
    action = unit.get("action")
    if action is None:
        raise ToolError("%s: not running an action" % name)
    if name == "action-get":
        return json.dumps(action["params"])
    if name == "action-set":
        for kv in args:
            key, _, value = kv.partition("=")
            if not ACTION_KEY.match(key):
                raise ToolError('invalid key "%s"' % key)
            action["results"][key] = value
        return ""
    if name == "action-fail":
        action["failed"] = after_dashes(args)
        return ""
    if name == "action-log":
        message = after_dashes(args)
        action["log"].append(message)
        if action.get("live"):
            # what `juju run` prints while the action runs (cmd_action follows this file): "HH:MM:SS message"
            with open(action["live"], "a") as live:
                live.write("%s %s\n" % (time.strftime("%H:%M:%S"), message))
        return ""
    raise ToolError("unknown hook tool %s" % name)


def redacted(name, argv):
    """The argv as calls.jsonl records it: secret values given as key=value arguments hidden."""
    if name not in ("secret-add", "secret-set"):
        return argv
    return [a.partition("=")[0] + "=<redacted>" if "=" in a and not a.startswith("-") else a for a in argv]


def run_as_tool(name, argv):
    d = os.environ["FAKE_JUJU_DIR"]
    reads_stdin = "--file" in argv and argv.index("--file") + 1 < len(argv) and argv[argv.index("--file") + 1] == "-"
    stdin = sys.stdin.read() if reads_stdin else None
    locked = Locked(d, write=name not in READ_ONLY)
    with locked as state:
        me = os.environ.get("FAKE_JUJU_UNIT") or first_unit(state)
        with open(os.path.join(d, "calls.jsonl"), "a") as calls:
            calls.write(json.dumps({"tool": name, "unit": me, "argv": redacted(name, argv), "stdin": stdin,
                                    "t": time.time()}) + "\n")
        try:
            if me not in state["units"]:
                raise ToolError("unit %s is not in the model" % me)
            if state.get("garble", {}).get(name, 0) > 0:
                state["garble"][name] -= 1
                locked.write = True
                out = '{"garbled'
            else:
                out = tool(name, argv, stdin, state, me)
        except ToolError as e:
            sys.stderr.write("ERROR %s\n" % e)
            locked.write = False  # a refused call changes nothing
            return 1
    sys.stdout.write(out + ("\n" if out else ""))
    return 0
