#!/usr/bin/env python3
"""A stand-in for the Juju unit agents of one application's units, on a model kept in a folder
(<dir>/state.json, described in hooktools.py, whose hook tools answer as the unit being dispatched).

  fakejuju.py init DIR --app APP [--model NAME]            a model with no units yet
  fakejuju.py init DIR --unit APP/N [--leader] [--model NAME] [--charm-dir D]   one unit, in place
  fakejuju.py add-unit DIR SOURCE_CHARM_DIR [--leader] [--in-place] [--queue HOOK ...]
      prints the new unit's name; its charm dir is DIR/units/APP-N, a symlink per entry of the source
      (so its .unit-state.json is its own), or the source itself with --in-place
  fakejuju.py remove-unit DIR UNIT | set-leader DIR UNIT | elect DIR   (elect: the lease ran out, a leaderless app gets one)
  fakejuju.py relate DIR ENDPOINT:ID REMOTE_APP [--app-data JSON] [--unit-data JSON]
      [--local-app-data JSON] [--local-unit-data JSON] [--queue HOOK ...]   (REMOTE_APP = APP: peers)
  fakejuju.py set-remote-app-data DIR ENDPOINT:ID JSON [--queue]   (merges; "" deletes)
  fakejuju.py unrelate DIR ENDPOINT:ID                      the relation gone at once, its pending events dropped
  fakejuju.py remove-relation DIR ENDPOINT:ID               `juju remove-relation`: departed then broken queued
      on every unit; each unit stops seeing the relation in its broken hook, and it goes after the last one's
  fakejuju.py add-secret DIR OWNER_APP ENDPOINT:ID JSON [--label L]   a remote application's secret, granted
      to this application on the relation; prints its id
  fakejuju.py set-secret DIR ID JSON [--queue]              its owner's new revision; --queue: secret-changed
      on the units tracking an older one
  fakejuju.py hook DIR UNIT HOOK [ENDPOINT:ID] [--remote-unit U]
  fakejuju.py action DIR UNIT NAME [key=value ...]        prints what `juju run` prints
  fakejuju.py exec DIR UNIT -- COMMAND ...                 `juju exec`: a hook context, no hook
  fakejuju.py queue DIR UNIT HOOK [ENDPOINT:ID] [--remote-unit U]
  fakejuju.py settle DIR [--max N] [--json]                dispatches pending events, round-robin
  fakejuju.py show DIR [UNIT] | status DIR | apply DIR [UNIT] < JSON   (the model, or a unit's view)
  fakejuju.py --as TOOL ARGS...                            a hook tool
UNIT may also be a charm dir (the one-unit form): the lowest-numbered unit, dispatched there.
A relation hook named without ENDPOINT:ID is on the unit's only relation of that endpoint.

As Juju does: relation data a unit wrote in a dispatch that exits non-zero is put back; statuses and
logs stay. A committed change to a peer bag queues <endpoint>-relation-changed on the other units;
adding, removing a unit and changing the leader queue the events Juju fires. An event already
pending on a unit is not queued twice (Juju coalesces them). Standard library only.
"""
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import agent  # noqa: E402
import hooktools  # noqa: E402
from agent import AgentError, alive, enqueue, make_event  # noqa: E402
from hooktools import Locked, app_of, first_unit, flag, is_peer, load, opt, save, unit_key  # noqa: E402


# ---- dispatching -------------------------------------------------------------------------------------

def context_env(d, state, unit, path, event):
    """The environment Juju gives a hook, an action or `juju exec`, and where the hook tools are."""
    charm_dir = state["units"][unit]["charm-dir"]
    if charm_dir is None:
        raise AgentError("unit %s has no charm dir" % unit)
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUJU_")}
    env.update({
        "PATH": install_tools(d) + os.pathsep + env.get("PATH", ""),
        "FAKE_JUJU_DIR": os.path.abspath(d), "FAKE_JUJU_UNIT": unit,
        "JUJU_UNIT_NAME": unit, "JUJU_MODEL_NAME": state["model"], "JUJU_MODEL_UUID": state["model-uuid"],
        "JUJU_VERSION": "3.6.4", "JUJU_CHARM_DIR": charm_dir, "JUJU_CONTEXT_ID": "fake-context",
    })
    if path:
        kind, name = path.split("/", 1)
        env["JUJU_DISPATCH_PATH"] = path
        env["JUJU_HOOK_NAME" if kind == "hooks" else "JUJU_ACTION_NAME"] = name
    rid = event.get("rid")
    if rid:
        rel = state["relations"][rid]
        env.update({"JUJU_RELATION": rel["endpoint"], "JUJU_RELATION_ID": rid, "JUJU_REMOTE_APP": rel["remote-app"]})
        if event.get("remote-unit"):
            env["JUJU_REMOTE_UNIT"] = event["remote-unit"]
        if event.get("departing"):
            env["JUJU_DEPARTING_UNIT"] = event["departing"]
    if event.get("secret-id"):
        env["JUJU_SECRET_ID"] = event["secret-id"]
        label = state["secrets"].get(event["secret-id"], {}).get("consumers", {}).get(unit, {}).get("label")
        if label:
            env["JUJU_SECRET_LABEL"] = label
    return env


def dispatch(d, unit, path, event, action=None, argv=None):
    """Runs the unit's dispatch (or argv) in a hook context, one at a time per unit (machine_lock):
    relation writes kept only if it exits 0, and then the relation-changed events they cause queued.
    The returned process carries the finished action's record as `action` (None for a hook)."""
    with machine_lock(d, unit):
        return dispatch_locked(d, unit, path, event, action, argv)


def machine_lock(d, unit):
    """Juju's uniter takes the machine lock around every hook, action and `juju exec` of a unit, so a
    second one started meanwhile waits for it and then runs: here a flock per unit, held by the agent
    process (not inherited by the dispatch, which Python opens no file descriptors to), so that it goes
    with the agent that held it, as the real lock goes with a killed uniter."""
    import fcntl

    class Held:
        def __enter__(self):
            self.f = open(os.path.join(d, "machine-lock-" + unit.replace("/", "-")), "w")
            fcntl.flock(self.f, fcntl.LOCK_EX)

        def __exit__(self, *exc):
            self.f.close()
    return Held()


def dispatch_locked(d, unit, path, event, action, argv):
    import subprocess  # the agent side only: a hook tool call need not load it
    hook = path[len("hooks/"):] if path and path.startswith("hooks/") else None
    with Locked(d) as state:
        if event.get("rid") and event["rid"] not in state["relations"]:
            raise AgentError("relation %s not found" % event["rid"])
        env = context_env(d, state, unit, path, event)
        agent.update_members(state, unit, dict(event, hook=hook))
        if hook and hook.endswith("-relation-broken") and event.get("rid"):
            # Juju runs relation-broken when the relation is already leaving: its data is no longer listed.
            agent.break_relation(state, unit, event["rid"])
        before = agent.writable_bags(state, unit)
        state["units"][unit]["action"] = action
        state["units"][unit]["last-dispatch-started"] = time.time()
        charm_dir = state["units"][unit]["charm-dir"]
    started = time.monotonic()
    proc = subprocess.run(argv or [os.path.join(charm_dir, "dispatch")], cwd=charm_dir, env=env,
                          capture_output=True, text=True)
    with Locked(d) as state:
        u = state["units"][unit]
        u["last-dispatch-seconds"] = time.monotonic() - started
        if proc.returncode == 0:
            agent.queue_changes(state, unit, before)
        else:
            agent.roll_back(state, unit, before)
        proc.action = None
        if action is not None:
            u["last-action"], u["action"] = u["action"], None
            proc.action = u["last-action"]
        if hook == "stop" and u["life"] == "dying":
            agent.leave(state, unit)
        agent.forget_departed(state)
    return proc


def install_tools(d):
    bindir = os.path.join(d, "bin")
    os.makedirs(bindir, exist_ok=True)
    here = os.path.dirname(os.path.abspath(__file__))
    python = tool_interpreter()
    for t in hooktools.TOOLS:
        path = os.path.join(bindir, t)
        if not os.path.exists(path):
            with open(path, "w") as f:
                # Isolated (no shim, no site packages) and imported as a module so that its compiled
                # form is cached: a real agent's tools are small compiled clients answering in a few ms.
                f.write("#!/bin/sh\nexec %s -I -c 'import sys; sys.path.insert(0, %s); import hooktools; "
                        "sys.exit(hooktools.run_as_tool(%s, sys.argv[1:]))' \"$@\"\n"
                        % (python, py_literal(here), py_literal(t)))
            os.chmod(path, 0o755)
    return bindir


def tool_interpreter():
    """The quickest Python 3 to start that is there: the distribution's (~8 ms) rather than a
    source-built one under a version manager (pyenv's: ~26 ms), else the one running this script."""
    for candidate in ("/usr/bin/python3", sys.executable):
        if candidate and os.access(candidate, os.X_OK) and all(c.isalnum() or c in "/._-+" for c in candidate):
            return candidate
    raise RuntimeError("no Python interpreter for the hook tools with a plain path")


def py_literal(s):
    """A Python string literal that can sit inside the wrapper's single-quoted shell word."""
    if "'" in s or "\\" in s or '"' in s:
        raise ValueError("unsupported path for a hook-tool wrapper: %r" % s)
    return '"' + s + '"'


# ---- a unit's view: the one-unit model of old, from where the unit stands --------------------------

UNIT_KEYS = ("unit-status", "status-history", "juju-log", "action", "last-action", "queue")
MODEL_KEYS = ("config", "secrets", "fail", "app-status")


def view(state, unit):
    u = state["units"][unit]
    out = {k: u.get(k) for k in UNIT_KEYS + ("leader", "life", "charm-dir", "last-dispatch-started",
                                             "last-dispatch-seconds") if k in u}
    out.update({k: state.get(k) for k in MODEL_KEYS + ("model", "model-uuid", "app")})
    out.update({"unit": unit, "planned-units": len(alive(state)), "relations": {}})
    for rid, rel in state["relations"].items():
        seen = rel["members"].get(unit, [])
        out["relations"][rid] = {
            "endpoint": rel["endpoint"], "remote-app": rel["remote-app"], "remote-app-data": rel["remote-app-data"],
            "local-app": rel["local-app"], "local-unit": rel["local-units"].get(unit, {}),
            "remote-units": {n: hooktools.unit_bag(state, rel, n) or {} for n in seen},
        }
    return out


def apply_view(state, unit, v):
    """Writes an edited view back: the unit's own fields, the model's, and the bags it shows."""
    u = state["units"][unit]
    for k in UNIT_KEYS:
        if k in v:
            u[k] = v[k]
    for k in MODEL_KEYS:
        if k in v:
            state[k] = v[k]
    if v.get("leader", u["leader"]) != u["leader"]:
        for name, other in state["units"].items():
            other["leader"] = v["leader"] and name == unit
    for rid in [r for r in state["relations"] if r not in v.get("relations", {})]:
        del state["relations"][rid]
    for rid, rv in v.get("relations", {}).items():
        rel = state["relations"].get(rid)
        if rel is not None:
            rel["local-app"], rel["remote-app-data"] = rv["local-app"], rv["remote-app-data"]
            rel["local-units"][unit] = rv["local-unit"]
            if not is_peer(state, rel):
                rel["remote-units"] = rv["remote-units"]


# ---- commands ------------------------------------------------------------------------------------------

def hooks_after(args, name):
    """Removes each `name HOOK ...` (up to the next --option) from args; returns the hooks."""
    hooks = []
    while name in args:
        i = j = args.index(name)
        j += 1
        while j < len(args) and not args[j].startswith("--"):
            j += 1
        hooks += args[i + 1:j]
        del args[i:j]
    return hooks


def target(d, arg):
    """UNIT, or (the one-unit form) a charm dir: then the lowest-numbered unit, dispatched there."""
    with Locked(d) as state:
        if arg in state["units"]:
            return arg
        if not os.path.isdir(arg) or not state["units"]:
            raise AgentError("no unit %s in the model" % arg)
        unit = first_unit(state)
        state["units"][unit]["charm-dir"] = os.path.abspath(arg)
        return unit


def cmd_init(d, args):
    unit = opt(args, "--unit")
    app = opt(args, "--app") or (app_of(unit) if unit else None)
    if not app:
        raise AgentError("init needs --app APP or --unit APP/N")
    os.makedirs(d, exist_ok=True)
    shutil.rmtree(os.path.join(d, "units"), ignore_errors=True)  # the charm dirs of a model made before
    state = {
        "model": opt(args, "--model") or "test-model", "model-uuid": "7d4f7a3c-2b8e-4e0b-9a1f-3c5d6e7f8a9b",
        "app": app, "app-status": {"status": "unknown", "message": ""}, "config": {}, "secrets": {},
        "next-secret": 1, "storage": {"pgdata": "/var/lib/postgresql/data"}, "fail": {}, "next-action": 1,
        "units": {}, "relations": {},
    }
    if unit:
        charm_dir = opt(args, "--charm-dir")
        agent.add_unit(state, d, charm_dir and os.path.abspath(charm_dir), flag(args, "--leader"), True, [],
                       number=int(unit.split("/")[1]))
    save(d, state)
    open(os.path.join(d, "calls.jsonl"), "w").close()
    install_tools(d)


def cmd_add_unit(d, args):
    hooks = hooks_after(args, "--queue")
    leader, in_place = flag(args, "--leader"), flag(args, "--in-place")
    with Locked(d) as state:
        print(agent.add_unit(state, d, os.path.abspath(args[0]), leader, in_place, hooks))


def cmd_remove_unit(d, args):
    with Locked(d) as state:
        agent.remove_unit(state, known(state, args[0]))


def cmd_set_leader(d, args):
    with Locked(d) as state:
        agent.set_leader(state, known(state, args[0]))


def cmd_elect(d, args):
    with Locked(d) as state:
        agent.elect(state)


def known(state, unit):
    if unit not in state["units"]:
        raise AgentError("no unit %s in the model" % unit)
    return unit


def cmd_relate(d, args):
    hooks = hooks_after(args, "--queue")
    app_data = json.loads(opt(args, "--app-data") or "{}")
    local_app = json.loads(opt(args, "--local-app-data") or "{}")
    local_unit = json.loads(opt(args, "--local-unit-data") or "{}")
    unit_data = json.loads(opt(args, "--unit-data") or "{}")
    rid, remote_app = args
    with Locked(d) as state:
        peer = remote_app == state["app"]
        remote_units = {} if peer else {remote_app + "/0": unit_data}
        units = sorted(state["units"], key=unit_key)
        state["relations"][rid] = {
            "endpoint": rid.split(":")[0], "remote-app": remote_app, "remote-app-data": app_data,
            "remote-units": remote_units, "local-app": local_app,
            "local-units": {u: dict(local_unit) for u in units},
            "members": {u: [o for o in units if o != u] if peer else list(remote_units) for u in units},
        }
        for unit in units:
            for hook in hooks:
                state["units"][unit]["queue"].append(make_event(state, unit, hook, rid))


def cmd_set_remote_app_data(d, args):
    queue = flag(args, "--queue")
    rid, data = args
    with Locked(d) as state:
        rel = hooktools.relation(state, rid)
        for k, v in json.loads(data).items():
            if v == "":
                rel["remote-app-data"].pop(k, None)
            else:
                rel["remote-app-data"][k] = v
        for unit in alive(state) if queue else []:
            enqueue(state, unit, rel["endpoint"] + "-relation-changed", rid)


def cmd_unrelate(d, args):
    with Locked(d) as state:
        state["relations"].pop(args[0], None)
        for u in state["units"].values():
            u["queue"] = [e for e in u["queue"] if e.get("rid") != args[0]]


def cmd_remove_relation(d, args):
    with Locked(d) as state:
        agent.remove_relation(state, args[0])


def cmd_add_secret(d, args):
    label = opt(args, "--label")
    owner, rid, content = args
    with Locked(d) as state:
        hooktools.relation(state, rid)
        n = state.get("next-secret", 1)
        state["next-secret"] = n + 1
        uri = "secret:cs%018d" % n
        state.setdefault("secrets", {})[uri] = {"owner": owner, "label": label, "revisions": {"1": json.loads(content)},
                                                "latest": 1, "grants": {rid: [state["app"]]}, "consumers": {}}
    print(uri)


def cmd_set_secret(d, args):
    queue = flag(args, "--queue")
    uri, content = args
    with Locked(d) as state:
        s = state.get("secrets", {}).get(uri)
        if s is None:
            raise AgentError('secret "%s" not found' % uri)
        s["latest"] += 1
        s["revisions"][str(s["latest"])] = json.loads(content)
        for unit, consumer in s["consumers"].items() if queue else []:
            if unit in state["units"] and consumer.get("revision", s["latest"]) < s["latest"]:
                event = {"hook": "secret-changed", "rid": None, "remote-unit": None, "secret-id": uri}
                if event not in state["units"][unit]["queue"]:
                    state["units"][unit]["queue"].append(event)


def cmd_queue(d, args):
    remote = opt(args, "--remote-unit")
    with Locked(d) as state:
        unit = known(state, args[0])
        state["units"][unit]["queue"].append(make_event(state, unit, args[1], args[2] if len(args) > 2 else None, remote))


def cmd_hook(d, args):
    remote = opt(args, "--remote-unit")
    unit, hook = target(d, args[0]), args[1]
    event = make_event(load(d), unit, hook, args[2] if len(args) > 2 else None, remote)
    proc = dispatch(d, unit, "hooks/" + hook, event)
    print("hook %s: exit %d; unit status %s" % (hook, proc.returncode, status_of(load(d), unit)))
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
    return proc.returncode


def status_of(state, unit):
    if unit not in state["units"]:
        return "(the unit has left the model)"
    s = state["units"][unit]["unit-status"]
    return "%s: %s" % (s["status"], s["message"])


def cmd_action(d, args):
    unit, name = target(d, args[0]), args[1]
    params = dict(kv.partition("=")[::2] for kv in args[2:])
    with Locked(d) as state:
        n = state["next-action"]
        state["next-action"] += 1
    live = os.path.join(d, "action-%d.log" % n)
    action = {"id": n, "name": name, "params": params, "results": {}, "failed": None, "log": [], "live": live}
    print("Running operation %d with 1 task" % n, flush=True)
    with Following(live):
        proc = dispatch(d, unit, "actions/" + name, {}, action=action)
    action = proc.action  # its own record: another action of the unit may have ended since
    failed = action["failed"] is not None or proc.returncode != 0
    print("Action id %d: %s" % (n, "failed" if failed else "completed"))
    if action["failed"] is not None:
        print("ERROR %s" % action["failed"])
    for k, v in sorted(action["results"].items()):
        if "\n" in v:
            print("%s: |-" % k)
            for line in v.splitlines():
                print("  " + line)
        else:
            print("%s: %s" % (k, v))
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
    return 0 if not failed else 1


class Following:
    """As `juju run` shows an action's action-log lines while it runs ("HH:MM:SS message"): the hook tool
    appends them to a file of the action's own, which a thread prints as they come, and whatever is left
    once the dispatch ends. The file goes with the action."""

    def __init__(self, path):
        import threading  # the agent side only
        self.path, self.done, self.offset = path, threading.Event(), 0
        self.thread = threading.Thread(target=self.follow, daemon=True)

    def __enter__(self):
        open(self.path, "w").close()
        self.thread.start()

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()
        self.print_new()
        os.remove(self.path)

    def follow(self):
        while not self.done.wait(0.1):
            self.print_new()

    def print_new(self):
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            data = f.read()
        complete = data[:data.rfind(b"\n") + 1]  # a line being written waits for its end
        self.offset += len(complete)
        if complete:
            sys.stdout.write(complete.decode("utf-8", "replace"))
            sys.stdout.flush()


def cmd_exec(d, args):
    unit = target(d, args[0])
    argv = args[args.index("--") + 1:] if "--" in args else args[1:]
    proc = dispatch(d, unit, None, {}, argv=argv)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    return proc.returncode


def next_event(state, after):
    """The next unit after `after`, round-robin in unit order, with a pending event."""
    units = sorted(state["units"], key=unit_key)
    start = units.index(after) + 1 if after in units else 0
    for unit in units[start:] + units[:start]:
        if state["units"][unit]["queue"]:
            return unit
    return None


def cmd_settle(d, args):
    limit = int(opt(args, "--max") or 100)
    as_json = flag(args, "--json")
    count, unit = 0, None
    while True:
        with Locked(d) as state:
            unit = next_event(state, unit)
            pending = sum(len(u["queue"]) for u in state["units"].values())
            if unit is None or count == limit:
                break
            event = state["units"][unit]["queue"].pop(0)
            gone = event.get("rid") and event["rid"] not in state["relations"]
        if gone:
            print("%s %s %s -> skipped: the relation is gone" % (unit, event["hook"], event["rid"]), file=sys.stderr)
            continue
        proc = dispatch(d, unit, "hooks/" + event["hook"], event)
        count += 1
        report(as_json, unit, event, proc.returncode, load(d).get("units", {}).get(unit))
    settled = pending == 0
    if as_json:
        print(json.dumps({"settled": settled, "dispatched": count, "pending": pending}))
    else:
        print(("settled after %d events" if settled else "not settled: stopped after %d events, %d pending")
              % ((count,) if settled else (count, pending)))
    return 0 if settled else 3


def report(as_json, unit, event, code, u):
    status = u["unit-status"] if u else {"status": "gone", "message": "left the model"}
    if as_json:
        print(json.dumps(dict(event, unit=unit, exit=code, **status)))
        return
    where = "".join(" " + x for x in (event.get("rid"), event.get("remote-unit")) if x)
    print("%s %s%s -> exit %d, %s: %s" % (unit, event["hook"], where, code, status["status"], status["message"]))


def cmd_show(d, args):
    state = load(d)
    print(json.dumps(view(state, known(state, args[0])) if args else state, indent=1, sort_keys=True))


def cmd_apply(d, args):
    edited = json.load(sys.stdin)
    with Locked(d) as state:
        if args:
            apply_view(state, known(state, args[0]), edited)
        else:
            state.clear()
            state.update(edited)


def cmd_status(d, args):
    """`juju status`'s units table; the leader starred."""
    state = load(d)
    rows = [("Unit", "Workload", "Message")]
    for name in sorted(state["units"], key=unit_key):
        u = state["units"][name]
        rows.append((name + ("*" if u["leader"] else ""), u["unit-status"]["status"], u["unit-status"]["message"]))
    widths = [max(len(r[i]) for r in rows) for i in range(2)]
    for r in rows:
        print(("%-*s  %-*s  %s" % (widths[0], r[0], widths[1], r[1], r[2])).rstrip())


COMMANDS = {
    "init": cmd_init, "add-unit": cmd_add_unit, "remove-unit": cmd_remove_unit, "set-leader": cmd_set_leader,
    "elect": cmd_elect,
    "relate": cmd_relate, "set-remote-app-data": cmd_set_remote_app_data, "unrelate": cmd_unrelate,
    "remove-relation": cmd_remove_relation, "add-secret": cmd_add_secret, "set-secret": cmd_set_secret,
    "hook": cmd_hook, "action": cmd_action, "exec": cmd_exec, "queue": cmd_queue, "settle": cmd_settle,
    "show": cmd_show, "apply": cmd_apply, "status": cmd_status,
}


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--as" and sys.argv[2] in hooktools.TOOLS:
        return hooktools.run_as_tool(sys.argv[2], sys.argv[3:])
    if len(sys.argv) < 3 or sys.argv[1] not in COMMANDS:
        sys.stderr.write(__doc__)
        return 2
    try:
        return COMMANDS[sys.argv[1]](sys.argv[2], sys.argv[3:]) or 0
    except (AgentError, hooktools.ToolError) as e:
        sys.stderr.write("ERROR %s\n" % e)
        return 2


if __name__ == "__main__":
    sys.exit(main())
