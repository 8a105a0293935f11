"""What Juju's unit agents do to the model around dispatches: units join and leave, leadership moves,
a dispatch's relation writes are committed or put back, and each change queues the events Juju fires
on the units that see it. Works on the loaded model (see hooktools.py); fakejuju.py loads and saves.
"""
import os
import shutil
import re

import hooktools
from hooktools import is_peer, unit_key

RELATION_HOOK = re.compile(r"^(.+)-relation-(created|joined|changed|departed|broken)$")


class AgentError(Exception):
    pass


def new_unit(charm_dir, leader):
    return {"leader": leader, "life": "alive", "charm-dir": charm_dir, "queue": [], "action": None,
            "last-action": None, "unit-status": {"status": "unknown", "message": ""},
            "status-history": [], "juju-log": []}


def alive(state, but=None):
    """The planned units (not being removed), but one."""
    return [n for n in hooktools.planned_units(state) if n != but]


def peer_relation(state):
    return next((rid for rid, rel in sorted(state["relations"].items()) if is_peer(state, rel)), None)


def enqueue(state, unit, hook, rid=None, remote=None, departing=None):
    """Queues an event on the unit, unless the same one is pending there already (Juju coalesces)."""
    event = {"hook": hook, "rid": rid, "remote-unit": remote}
    if departing:
        event["departing"] = departing
    queue = state["units"][unit]["queue"]
    if event not in queue:
        queue.append(event)


def make_event(state, unit, hook, rid=None, remote=None):
    """An event as Juju fires it: a relation hook on the unit's only relation of that endpoint unless
    one is named; joined, changed and departed from the first unit it sees unless one is named."""
    m = RELATION_HOOK.match(hook)
    if m and rid is None:
        rids = [r for r, rel in state["relations"].items() if rel["endpoint"] == m.group(1)]
        rid = rids[0] if len(rids) == 1 else None
    if rid is not None and rid not in state["relations"]:
        raise AgentError("relation %s not found" % rid)
    if rid is not None and remote is None and m and m.group(2) in ("joined", "changed", "departed"):
        seen = sorted(state["relations"][rid]["members"].get(unit, []), key=unit_key)
        remote = seen[0] if seen else None
    return {"hook": hook, "rid": rid, "remote-unit": remote}


def add_unit(state, d, source, leader, in_place, hooks, number=None):
    """A new unit, in every relation, with `hooks` then the peer relation-joined events queued."""
    if leader and any(u["leader"] for u in state["units"].values()):
        raise AgentError("the application has a leader: use set-leader")
    # Kubernetes units follow their pods' StatefulSet ordinals: the lowest number no unit holds now.
    taken = {int(n.split("/")[1]) for n in state["units"]}
    name = "%s/%d" % (state["app"], number if number is not None else min(set(range(len(taken) + 1)) - taken))
    charm_dir = source if in_place or source is None else link_charm(d, name, source)
    state["units"][name] = new_unit(charm_dir, leader)
    for rel in state["relations"].values():
        rel["local-units"][name] = {}
        rel["members"][name] = [] if is_peer(state, rel) else sorted(rel["remote-units"], key=unit_key)
    for hook in hooks:
        state["units"][name]["queue"].append(make_event(state, name, hook))
    peers = peer_relation(state)
    if peers:
        joined = state["relations"][peers]["endpoint"] + "-relation-joined"
        for other in alive(state, but=name):
            enqueue(state, other, joined, peers, remote=name)
        for other in alive(state, but=name):
            enqueue(state, name, joined, peers, remote=other)
    return name


def link_charm(d, unit, source):
    """The unit's own charm dir: a symlink to each entry of the source but its unit state."""
    charm_dir = os.path.abspath(os.path.join(d, "units", unit.replace("/", "-")))
    # A unit that had this name before left with its pod: the new one's charm dir starts empty.
    shutil.rmtree(charm_dir, ignore_errors=True)
    os.makedirs(charm_dir)
    for entry in os.listdir(source):
        if not entry.startswith(".unit-state"):
            os.symlink(os.path.join(source, entry), os.path.join(charm_dir, entry))
    return charm_dir


def remove_unit(state, unit):
    """Juju's removal: the unit stops being planned; each remaining unit sees it depart, it sees each of
    them depart, then it stops and leaves the model."""
    state["units"][unit]["life"] = "dying"
    peers = peer_relation(state)
    remaining = alive(state, but=unit)
    if peers:
        departed = state["relations"][peers]["endpoint"] + "-relation-departed"
        for other in remaining:
            enqueue(state, other, departed, peers, remote=unit, departing=unit)
        for other in remaining:
            enqueue(state, unit, departed, peers, remote=other, departing=unit)
    enqueue(state, unit, "stop")


def set_leader(state, unit):
    if state["units"][unit]["leader"]:
        return
    for name, u in state["units"].items():
        u["leader"] = name == unit
    enqueue(state, unit, "leader-elected")
    for other in alive(state, but=unit):
        enqueue(state, other, "leader-settings-changed")


def leave(state, unit):
    """A stopped dying unit goes. If it led, nobody leads until its lease runs out: Juju elects a new
    leader only then (`elect`), and until then no unit is leader."""
    state["units"].pop(unit)
    for rel in state["relations"].values():
        rel["members"].pop(unit, None)


def elect(state):
    """The leadership lease ran out: if no unit leads, the lowest-numbered live unit is elected."""
    if not any(u["leader"] for u in state["units"].values()) and alive(state):
        set_leader(state, alive(state)[0])


def forget_departed(state):
    """Drops the bags of units gone from the model once no pending event names them."""
    named = {e.get("remote-unit") for u in state["units"].values() for e in u["queue"]}
    for rel in state["relations"].values():
        for gone in [n for n in rel["local-units"] if n not in state["units"] and n not in named]:
            del rel["local-units"][gone]
            for seen in rel["members"].values():
                if gone in seen:
                    seen.remove(gone)


def remove_relation(state, rid):
    """`juju remove-relation`: every unit sees each remote unit depart, then the relation break."""
    rel = state["relations"].get(rid)
    if rel is None:
        raise AgentError("relation %s not found" % rid)
    departed, broken = rel["endpoint"] + "-relation-departed", rel["endpoint"] + "-relation-broken"
    for unit in sorted(state["units"], key=unit_key):
        for remote in sorted(rel["members"].get(unit, []), key=unit_key):
            enqueue(state, unit, departed, rid, remote=remote, departing=remote)
        enqueue(state, unit, broken, rid)


def break_relation(state, unit, rid):
    """The unit's relation-broken: the relation is gone for it; once gone for every unit, from the model."""
    rel = state["relations"].get(rid)
    if rel is None:
        return
    gone_for = rel.setdefault("broken-for", [])
    if unit not in gone_for:
        gone_for.append(unit)
    if all(u in gone_for for u in state["units"]):
        del state["relations"][rid]


def writable_bags(state, unit):
    """Copies of what the unit may write: its own bags, and the application bags if it leads."""
    leader = state["units"][unit]["leader"]
    return {rid: {"unit": dict(rel["local-units"].get(unit, {})), "app": dict(rel["local-app"]) if leader else None}
            for rid, rel in state["relations"].items()}


def roll_back(state, unit, before):
    for rid, bags in before.items():
        rel = state["relations"].get(rid)
        if rel is not None:
            rel["local-units"][unit] = bags["unit"]
            if bags["app"] is not None:
                rel["local-app"] = bags["app"]


def queue_changes(state, unit, before):
    """relation-changed on the units that see a changed bag: only peers, on this one application."""
    for rid, bags in before.items():
        rel = state["relations"].get(rid)
        if rel is None or not is_peer(state, rel):
            continue
        changed = rel["endpoint"] + "-relation-changed"
        if rel["local-units"].get(unit, {}) != bags["unit"]:
            for other in alive(state, but=unit):
                enqueue(state, other, changed, rid, remote=unit)
        if bags["app"] is not None and rel["local-app"] != bags["app"]:
            for other in alive(state, but=unit):
                enqueue(state, other, changed, rid)


def update_members(state, unit, event):
    """A joined unit is listed from its joined hook on; a departed one no longer in its departed hook."""
    rel = state["relations"].get(event.get("rid"))
    remote, hook = event.get("remote-unit"), event.get("hook") or ""
    if rel is None or remote is None:
        return
    seen = rel["members"].setdefault(unit, [])
    if hook.endswith("-relation-joined") and remote not in seen:
        seen.append(remote)
    if hook.endswith("-relation-departed") and remote in seen:
        seen.remove(remote)
