#!/usr/bin/env python3
"""A stand-in for the Pebble CLI of a Juju sidecar workload container, for the local test stack.

    pebble.py --state DIR add [--combine] LABEL LAYER_FILE   (layer as JSON, which Pebble reads as YAML)
    pebble.py --state DIR start|stop|restart SERVICE...
    pebble.py --state DIR services [SERVICE...]
    pebble.py --state DIR stop-all                           (the stack's clean-up)

Services run as their layer's user and group (set in the child, as Pebble does: no `runuser` parent,
which would kill the service two seconds into its own shutdown), in their own session, logging to DIR/logs/<service>.log;
their PIDs are kept in DIR/pids so that stop and clean-up end exactly them. `start` waits a second and
fails if the service already exited, as Pebble does. Unlike Pebble, a service that exits is not
restarted: it shows as `inactive`. Standard library only.
"""
import json
import os
import pwd
import shlex
import signal
import subprocess
import sys
import time

STOP_TIMEOUT = 60


def paths(state):
    return os.path.join(state, "layers.json"), os.path.join(state, "pids"), os.path.join(state, "logs")


def load_services(state):
    layers, _, _ = paths(state)
    if not os.path.exists(layers):
        return {}
    with open(layers) as f:
        return json.load(f)


def pid_of(state, name):
    try:
        with open(os.path.join(paths(state)[1], name + ".pid")) as f:
            pid = int(f.read().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    # A zombie child of an earlier stand-in process is not running either.
    try:
        with open("/proc/%d/stat" % pid) as f:
            if f.read().split(") ")[-1].startswith("Z"):
                return None
    except OSError:
        return None
    return pid


def add(state, args):
    args = [a for a in args if a != "--combine"]
    if len(args) != 2:
        raise SystemExit("usage: add [--combine] LABEL FILE")
    with open(args[1]) as f:
        layer = json.load(f)
    services = load_services(state)
    for name, svc in layer.get("services", {}).items():
        merged = dict(services.get(name, {})) if svc.get("override") == "merge" else {}
        merged.update(svc)
        services[name] = merged
    layers, pids, logs = paths(state)
    os.makedirs(pids, exist_ok=True)
    os.makedirs(logs, exist_ok=True)
    tmp = layers + ".tmp"
    with open(tmp, "w") as f:
        json.dump(services, f, indent=1)
    os.replace(tmp, layers)


def start(state, name):
    services = load_services(state)
    if name not in services:
        raise SystemExit('error: cannot start service: service "%s" does not exist' % name)
    if pid_of(state, name):
        return
    svc = services[name]
    _, pids, logs = paths(state)
    os.makedirs(pids, exist_ok=True)
    os.makedirs(logs, exist_ok=True)
    argv = shlex.split(svc["command"])
    user = svc.get("user") or "root"
    group = svc.get("group") or user
    env = dict(os.environ, LANG="C.UTF-8", USER=user, HOME=pwd.getpwnam(user).pw_dir)
    with open(os.path.join(logs, name + ".log"), "ab") as log:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                cwd="/", env=env, start_new_session=True, user=user, group=group, extra_groups=[])
    with open(os.path.join(pids, name + ".pid"), "w") as f:
        f.write(str(proc.pid))
    time.sleep(1)
    if proc.poll() is not None:
        raise SystemExit('error: cannot start service "%s": exited quickly with code %d' % (name, proc.returncode))


def stop(state, name):
    if name not in load_services(state):
        raise SystemExit('error: cannot stop service: service "%s" does not exist' % name)
    pid = pid_of(state, name)
    if pid is None:
        return
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.time() + STOP_TIMEOUT
    while time.time() < deadline and pid_of(state, name):
        time.sleep(0.1)
    if pid_of(state, name):
        os.killpg(pid, signal.SIGKILL)


def services(state, names):
    svcs = load_services(state)
    rows = [("Service", "Startup", "Current", "Since")]
    for name in sorted(svcs):
        if names and name not in names:
            continue
        current = "active" if pid_of(state, name) else "inactive"
        rows.append((name, svcs[name].get("startup", "disabled"), current, "today" if current == "active" else "-"))
    for row in rows:
        print("%-20s %-9s %-9s %s" % row)


def main():
    argv = sys.argv[1:]
    if len(argv) < 3 or argv[0] != "--state":
        raise SystemExit(__doc__)
    state, cmd, args = argv[1], argv[2], argv[3:]
    os.makedirs(state, exist_ok=True)
    if cmd == "add":
        add(state, args)
    elif cmd in ("start", "stop", "restart"):
        for name in args:
            if cmd in ("stop", "restart"):
                stop(state, name)
            if cmd in ("start", "restart"):
                start(state, name)
    elif cmd == "services":
        services(state, args)
    elif cmd == "stop-all":
        for name in load_services(state):
            stop(state, name)
    else:
        raise SystemExit("error: unknown command %r" % cmd)


if __name__ == "__main__":
    main()
