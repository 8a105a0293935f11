#!/usr/bin/env python3
"""One Juju hook tool, named by argv[0], answering from and writing to a JSON model file ($HOOKTOOL_MODEL).

The smallest stand-in a process-level test of a charm needs: config, leadership, one relation with the
local application's and the remote unit's data, action parameters, and a log of every call. Relation
data comes on stdin (`relation-set --file -`), as juju-java-ops sends it.
"""
import json
import os
import sys

path = os.environ["HOOKTOOL_MODEL"]
with open(path) as f:
    model = json.load(f)
tool = os.path.basename(sys.argv[0])
args = sys.argv[1:]
stdin = sys.stdin.read() if tool == "relation-set" else None
model.setdefault("calls", []).append({"tool": tool, "args": args, "stdin": stdin})
out = None


def opt(name):
    return args[args.index(name) + 1] if name in args else None


rel = model.get("relation")
if tool == "config-get":
    out = model["config"]
elif tool == "is-leader":
    out = model["leader"]
elif tool == "action-get":
    out = model["params"]
elif tool == "relation-ids":
    out = [rel["id"]] if rel and args[0] == rel["endpoint"] else []
elif tool == "relation-list":
    out = rel["remote-app"] if "--app" in args else sorted(rel["remote-units"])
elif tool == "relation-get":
    who = [a for a in args if not a.startswith("-") and a not in (opt("-r"),)]
    if "--app" in args:
        out = rel["app-data"] if who and who[-1] == model["app"] else rel.get("remote-app-data", {})
    else:
        out = rel["remote-units"].get(who[-1], {}) if who else {}
elif tool == "relation-set":
    bag = rel["app-data"] if "--app" in args else rel.setdefault("unit-data", {})
    for k, v in json.loads(stdin).items():
        if v == "":
            bag.pop(k, None)
        else:
            bag[k] = v
elif tool == "status-set":
    model["status"] = {"kind": args[1], "message": args[3] if len(args) > 3 else ""}
elif tool == "status-get":
    out = {"status": model.get("status", {}).get("kind", "unknown"),
           "message": model.get("status", {}).get("message", ""), "status-data": {}}
elif tool == "action-set":
    model.setdefault("results", {}).update(dict(a.split("=", 1) for a in args))
elif tool == "action-fail":
    model["failed"] = args[-1]
elif tool not in ("juju-log", "action-log"):
    sys.exit("hooktool: %s is not stood in for" % tool)
with open(path, "w") as f:
    json.dump(model, f)
if out is not None:
    print(json.dumps(out))
