#!/usr/bin/env python3
"""A stand-in for the Juju unit agent: hook tools and `juju run`, on one unit's model kept in a JSON file.

Two ways to call it:
  * as `fakejuju.py --as TOOL ARGS...` (wrappers named after each hook tool, e.g. is-leader or
    relation-get, are written into <dir>/bin and put first on the charm's PATH), with
    FAKE_JUJU_DIR naming the model folder: it answers as the real tool would, from <dir>/state.json,
    and appends its argv (and stdin) to <dir>/calls.jsonl;
  * as `fakejuju.py <command> <dir> ...` to set a model up and dispatch events into a charm:
      init <dir> --unit APP/N [--leader] [--model NAME] [--planned N]
      relate <dir> ENDPOINT:ID REMOTE_APP [--app-data JSON] [--unit-data JSON]
             [--local-app-data JSON] [--local-unit-data JSON]  (a peer relation: REMOTE_APP = own app)
      set-remote-app-data <dir> ENDPOINT:ID JSON     (merges; "" deletes)
      unrelate <dir> ENDPOINT:ID
      hook <dir> CHARM_DIR HOOK [ENDPOINT:ID]        (e.g. update-status, s3-parameters-relation-joined)
      action <dir> CHARM_DIR NAME [key=value ...]    (prints what `juju run` prints)
      show <dir>
Like Juju, relation data written by a hook that exits non-zero is discarded; statuses and logs stay.
Standard library only.
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
    "secret-get",
]
ACTION_KEY = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$")


class ToolError(Exception):
    pass


def load(d):
    with open(os.path.join(d, "state.json")) as f:
        return json.load(f)


def save(d, state):
    tmp = os.path.join(d, "state.json.tmp")
    with open(tmp, "w") as f:
        json.dump(state, f, indent=1, sort_keys=True)
    os.replace(tmp, os.path.join(d, "state.json"))


def app_of(unit):
    return unit.split("/")[0]


def relation(state, rid):
    rel = state["relations"].get(rid)
    if rel is None:
        raise ToolError('invalid value "%s" for option -r: relation not found' % rid)
    return rel


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


def tool(name, args, stdin, state):
    """Runs one hook tool against the state; returns stdout text. Mutates state."""
    fail = state.get("fail", {}).get(name)
    if fail:
        raise ToolError(fail)
    args = list(args)
    unit = state["unit"]
    in_action = state.get("action") is not None
    if name == "is-leader":
        return json.dumps(state["leader"])
    if name == "goal-state":
        units = {"%s/%d" % (app_of(unit), i): {"status": "active"} for i in range(state.get("planned-units", 1))}
        return json.dumps({"units": units, "relations": {}})
    if name == "config-get":
        return json.dumps(state.get("config", {}))
    if name == "relation-ids":
        endpoint = [a for a in args if not a.startswith("--")][0]
        return json.dumps(sorted(r for r, v in state["relations"].items() if v["endpoint"] == endpoint))
    if name == "relation-list":
        rel = relation(state, opt(args, "-r"))
        if flag(args, "--app"):
            return json.dumps(rel["remote-app"])
        return json.dumps(sorted(rel["remote-units"]))
    if name == "relation-get":
        rel = relation(state, opt(args, "-r"))
        app = flag(args, "--app")
        member = args[-1]
        if app and member == app_of(unit):
            peer = rel["remote-app"] == app_of(unit)
            if not state["leader"] and not peer:
                raise ToolError("permission denied")
            return json.dumps(rel["local-app"])
        if app and member == rel["remote-app"]:
            return json.dumps(rel["remote-app-data"])
        if not app and member == unit:
            return json.dumps(rel["local-unit"])
        if not app and member in rel["remote-units"]:
            return json.dumps(rel["remote-units"][member])
        raise ToolError("cannot read settings for %s" % member)
    if name == "relation-set":
        rel = relation(state, opt(args, "-r"))
        app = flag(args, "--app")
        if opt(args, "--file") != "-":
            raise ToolError("fake relation-set only takes --file -")
        if app and not state["leader"]:
            raise ToolError("cannot write relation settings: unit is not the leader")
        data = json.loads(stdin)
        bag = rel["local-app" if app else "local-unit"]
        for k, v in data.items():
            if not isinstance(v, str):
                raise ToolError("value of %s is not a string" % k)
            if v == "":
                bag.pop(k, None)
            else:
                bag[k] = v
        return ""
    if name == "status-set":
        app = "--application=True" in args
        args = [a for a in args if not a.startswith("--application")]
        sep = args.index("--")
        kind, message = args[sep - 1], " ".join(args[sep + 1:])
        if kind not in ("active", "blocked", "maintenance", "waiting"):
            raise ToolError("invalid status %r" % kind)
        if app and not state["leader"]:
            raise ToolError("cannot set application status: unit is not the leader")
        status = {"status": kind, "message": message}
        state["app-status" if app else "unit-status"] = status
        if not app:
            state.setdefault("status-history", []).append(status)
        return ""
    if name == "status-get":
        if "--application=true" in args:
            if not state["leader"]:
                raise ToolError("finding application status: this unit is not the leader")
            return json.dumps({"application-status": state["app-status"]})
        return json.dumps(dict(state["unit-status"], **{"status-data": {}}))
    if name.startswith("action-"):
        if not in_action:
            raise ToolError("%s: not running an action" % name)
        action = state["action"]
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
            action["failed"] = " ".join(args[args.index("--") + 1:]) if "--" in args else " ".join(args)
            return ""
        if name == "action-log":
            action["log"].append(" ".join(args[args.index("--") + 1:]))
            return ""
    if name == "juju-log":
        level = opt(args, "--log-level") or "INFO"
        message = " ".join(args[args.index("--") + 1:]) if "--" in args else " ".join(args)
        state.setdefault("juju-log", []).append("%s %s" % (level, message))
        return ""
    if name == "secret-get":
        uri = [a for a in args if not a.startswith("--")][0]
        if uri not in state.get("secrets", {}):
            raise ToolError("secret %s not found" % uri)
        return json.dumps(state["secrets"][uri])
    raise ToolError("unknown hook tool %s" % name)


def run_as_tool(name, argv):
    d = os.environ["FAKE_JUJU_DIR"]
    stdin = sys.stdin.read() if "--file" in argv else None
    with open(os.path.join(d, "lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with open(os.path.join(d, "calls.jsonl"), "a") as calls:
            calls.write(json.dumps({"tool": name, "argv": argv, "stdin": stdin, "t": time.time()}) + "\n")
        state = load(d)
        try:
            out = tool(name, argv, stdin, state)
        except ToolError as e:
            sys.stderr.write("ERROR %s\n" % e)
            return 1
        save(d, state)
    sys.stdout.write(out + ("\n" if out else ""))
    return 0


# ---- the agent side -------------------------------------------------------------------------------

def install_tools(d):
    bindir = os.path.join(d, "bin")
    os.makedirs(bindir, exist_ok=True)
    here = os.path.dirname(os.path.abspath(__file__))
    python = tool_interpreter()
    for t in TOOLS:
        path = os.path.join(bindir, t)
        if not os.path.exists(path):
            with open(path, "w") as f:
                # Isolated (no shim, no site packages) and imported as a module so that its compiled
                # form is cached: a real agent's tools are small compiled clients answering in a few ms.
                f.write("#!/bin/sh\nexec %s -I -c 'import sys; sys.path.insert(0, %s); import fakejuju; "
                        "sys.exit(fakejuju.run_as_tool(%s, sys.argv[1:]))' \"$@\"\n"
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


def cmd_init(d, args):
    unit = opt(args, "--unit") or "postgresql-k8s/0"
    os.makedirs(d, exist_ok=True)
    state = {
        "unit": unit, "model": opt(args, "--model") or "test-model",
        "model-uuid": "7d4f7a3c-2b8e-4e0b-9a1f-3c5d6e7f8a9b",
        "leader": flag(args, "--leader"), "planned-units": int(opt(args, "--planned") or 1),
        "config": {}, "relations": {}, "secrets": {}, "action": None,
        "unit-status": {"status": "unknown", "message": ""},
        "app-status": {"status": "unknown", "message": ""},
        "status-history": [], "juju-log": [],
    }
    save(d, state)
    open(os.path.join(d, "calls.jsonl"), "w").close()
    install_tools(d)


def cmd_relate(d, args):
    app_data = json.loads(opt(args, "--app-data") or "{}")
    local_app = json.loads(opt(args, "--local-app-data") or "{}")
    local_unit = json.loads(opt(args, "--local-unit-data") or "{}")
    unit_data = json.loads(opt(args, "--unit-data") or "{}")
    rid, remote_app = args
    state = load(d)
    state["relations"][rid] = {
        "endpoint": rid.split(":")[0], "remote-app": remote_app,
        "local-app": local_app, "local-unit": local_unit, "remote-app-data": app_data,
        "remote-units": {remote_app + "/0": unit_data},
    }
    save(d, state)


def cmd_set_remote_app_data(d, args):
    rid, data = args
    state = load(d)
    bag = relation(state, rid)["remote-app-data"]
    for k, v in json.loads(data).items():
        if v == "":
            bag.pop(k, None)
        else:
            bag[k] = v
    save(d, state)


def cmd_unrelate(d, args):
    state = load(d)
    state["relations"].pop(args[0], None)
    save(d, state)


def dispatch(d, charm_dir, path, rid=None, extra_env=None):
    """Runs the charm's dispatch like the unit agent: env, hook tools on PATH, relation writes buffered."""
    state = load(d)
    before = json.loads(json.dumps(state["relations"]))
    env = dict(os.environ)
    env.update({
        "PATH": install_tools(d) + os.pathsep + env.get("PATH", ""),
        "FAKE_JUJU_DIR": os.path.abspath(d),
        "JUJU_UNIT_NAME": state["unit"], "JUJU_MODEL_NAME": state["model"],
        "JUJU_MODEL_UUID": state["model-uuid"], "JUJU_VERSION": "3.6.4",
        "JUJU_CHARM_DIR": os.path.abspath(charm_dir), "JUJU_DISPATCH_PATH": path,
        "JUJU_CONTEXT_ID": "fake-context",
    })
    env["JUJU_HOOK_NAME" if path.startswith("hooks/") else "JUJU_ACTION_NAME"] = path.split("/", 1)[1]
    if rid:
        rel = relation(state, rid)
        env.update({"JUJU_RELATION": rel["endpoint"], "JUJU_RELATION_ID": rid, "JUJU_REMOTE_APP": rel["remote-app"]})
        if rel["remote-units"] and not path.endswith("-relation-broken"):
            env["JUJU_REMOTE_UNIT"] = sorted(rel["remote-units"])[0]
    if path.endswith("-relation-broken") and rid:
        # Juju runs relation-broken when the relation is already leaving: its data is no longer listed.
        state["relations"].pop(rid, None)
        save(d, state)
    env.update(extra_env or {})
    started = time.monotonic()
    state["last-dispatch-started"] = time.time()
    save(d, state)
    import subprocess  # the agent side only: a hook tool call need not load it
    proc = subprocess.run([os.path.join(os.path.abspath(charm_dir), "dispatch")], cwd=charm_dir, env=env,
                          capture_output=True, text=True)
    elapsed = time.monotonic() - started
    state = load(d)
    state["last-dispatch-seconds"] = elapsed
    save(d, state)
    if proc.returncode != 0:
        state = load(d)
        state["relations"] = {k: v for k, v in before.items() if k in state["relations"]}
        save(d, state)
    return proc


def cmd_hook(d, args):
    charm_dir, hook = args[0], args[1]
    rid = args[2] if len(args) > 2 else None
    proc = dispatch(d, charm_dir, "hooks/" + hook, rid)
    state = load(d)
    print("hook %s: exit %d; unit status %s: %s" % (hook, proc.returncode, state["unit-status"]["status"],
                                                    state["unit-status"]["message"]))
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
    return proc.returncode


def cmd_action(d, args):
    charm_dir, name = args[0], args[1]
    params = {}
    for kv in args[2:]:
        k, _, v = kv.partition("=")
        params[k] = v
    state = load(d)
    state["action"] = {"name": name, "params": params, "results": {}, "failed": None, "log": []}
    save(d, state)
    proc = dispatch(d, charm_dir, "actions/" + name)
    state = load(d)
    action = state["action"]
    state["last-action"] = action
    state["action"] = None
    save(d, state)
    for line in action["log"]:
        print(line)
    failed = action["failed"] is not None or proc.returncode != 0
    print("Running operation 1 with 1 task")
    print("Action id 1: %s" % ("failed" if failed else "completed"))
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


def cmd_show(d, args):
    print(json.dumps(load(d), indent=1, sort_keys=True))


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--as" and sys.argv[2] in TOOLS:
        return run_as_tool(sys.argv[2], sys.argv[3:])
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    cmd, d, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    commands = {"init": cmd_init, "relate": cmd_relate, "set-remote-app-data": cmd_set_remote_app_data,
                "unrelate": cmd_unrelate, "hook": cmd_hook, "action": cmd_action, "show": cmd_show}
    if cmd not in commands:
        sys.stderr.write(__doc__)
        return 2
    return commands[cmd](d, args) or 0


if __name__ == "__main__":
    sys.exit(main())
