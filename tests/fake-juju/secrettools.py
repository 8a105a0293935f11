"""The secret and storage hook tools of the stand-in agent (see hooktools.py), answering as Juju does for
the dispatched unit. Imported only when one of them runs.

<dir>/state.json holds, beside the rest of the model:
  secrets {secret:XID: {owner: APP/N (a unit's) | APP (an application's, this one's or a remote one's),
                        label, description, expire, rotate, revisions {"N": {key: value}}, latest: N,
                        grants {ENDPOINT:ID: [APP or APP/N ...]},
                        consumers {UNIT: {revision: N tracked, label: the unit's own label}}}}
  next-secret: N (the counter new ids come from)
  storage {NAME: LOCATION}: each unit has NAME/<its number> there
The owner's units (the unit, or every unit of the owning application) read the latest revision; a unit
granted the secret through a relation tracks a revision until it peeks or refreshes; only the owner (the
leader, for an application's secret) changes, grants, revokes or removes it. Content never reaches
calls.jsonl or an error message.
"""
import json
import re

from hooktools import ToolError, flag, opt, relation

KEY = re.compile(r"^([a-z](?:-?[a-z0-9]){2,})$")
ROTATE = {"never", "hourly", "daily", "weekly", "monthly", "quarterly", "yearly"}
SECRET_TOOLS = {"secret-get", "secret-add", "secret-set", "secret-info-get", "secret-grant", "secret-revoke",
                "secret-remove"}


def tool(name, args, state, me):
    """Runs one secret or storage tool as unit `me`; returns its stdout text. Mutates state."""
    args = list(args)
    if name == "storage-list":
        return storage_list(args, state, me)
    if name == "storage-get":
        return storage_get(args, state, me)
    flag(args, "--format=json")
    if name == "secret-add":
        return secret_add(args, state, me)
    label = opt(args, "--label")
    if name == "secret-get":
        return secret_get(args, state, me, label)
    if name == "secret-info-get":
        return secret_info_get(args, state, me, label)
    uri = positional(args)
    s = managed(state, me, find(state, me, uri, None))
    if name == "secret-set":
        return secret_set(args, s, label)
    if name in ("secret-grant", "secret-revoke"):
        return secret_access(name, args, state, me, s)
    if name == "secret-remove":
        return secret_remove(args, state, uri, s)
    raise ToolError("unknown hook tool %s" % name)


# ---- who sees what -----------------------------------------------------------------------------------

def xid(uri):
    """secret:XID, secret://MODEL-UUID/XID or XID alone: the XID."""
    return uri.rsplit("/", 1)[-1].split(":", 1)[-1] if uri else uri


def owner_view(state, me, s):
    return s["owner"] in (me, state["app"])


def may_manage(state, me, s):
    return s["owner"] == me or (s["owner"] == state["app"] and state["units"][me]["leader"])


def granted(state, me, s):
    """Granted to this unit or its application on a relation still there."""
    rels = state["relations"]
    return any(rid in rels and me not in rels[rid].get("broken-for", ()) and (me in who or state["app"] in who)
               for rid, who in s["grants"].items())


def find(state, me, uri, label):
    """The secret by id, else by the owner's label or this unit's own label; "not found" as Juju says it."""
    secrets = state.setdefault("secrets", {})
    if uri:
        s = secrets.get("secret:" + xid(uri))
        if s is None:
            raise ToolError('secret "%s" not found' % xid(uri))
        return s
    for s in secrets.values():
        if owner_view(state, me, s) and s.get("label") == label:
            return s
    for s in secrets.values():
        if s["consumers"].get(me, {}).get("label") == label:
            return s
    raise ToolError('secret with label "%s" not found' % label)


def readable(state, me, s):
    if not owner_view(state, me, s) and not granted(state, me, s):
        raise ToolError("permission denied")
    return s


def managed(state, me, s):
    if not may_manage(state, me, s):
        raise ToolError("permission denied")
    return s


def uri_of(state, s):
    return next(uri for uri, v in state["secrets"].items() if v is s)


# ---- the tools -----------------------------------------------------------------------------------------

def secret_get(args, state, me, label):
    peek, refresh = flag(args, "--peek"), flag(args, "--refresh")
    uri = positional(args, optional=True)
    if not uri and not label:
        raise ToolError("require either a secret URI or label")
    s = readable(state, me, find(state, me, uri, None if uri else label))
    latest = s["latest"]
    if owner_view(state, me, s):
        if uri and label:
            s["label"] = label
        return json.dumps(s["revisions"][str(latest)])
    mine = s["consumers"].setdefault(me, {})
    if uri and label:
        mine["label"] = label
    if "revision" not in mine or refresh:
        mine["revision"] = latest
    return json.dumps(s["revisions"][str(latest if peek else mine["revision"])])


def secret_add(args, state, me):
    owner = opt(args, "--owner") or "application"
    if owner not in ("unit", "application"):
        raise ToolError('invalid value "%s" for option --owner' % owner)
    if owner == "application" and not state["units"][me]["leader"]:
        raise ToolError("permission denied")
    owner_name = me if owner == "unit" else state["app"]
    meta = metadata(args)
    content = read_content(args)
    if not content:
        raise ToolError("missing secret value")
    label = meta.get("label")
    if label and any(s["owner"] == owner_name and s.get("label") == label for s in state["secrets"].values()):
        raise ToolError('secret with label "%s" already exists' % label)
    n = state.get("next-secret", 1)
    state["next-secret"] = n + 1
    uri = "secret:cs%018d" % n
    state["secrets"][uri] = dict(meta, owner=owner_name, revisions={"1": content}, latest=1, grants={}, consumers={})
    return uri


def secret_set(args, s, label):
    meta = metadata(args)
    if label is not None:
        meta["label"] = label
    content = read_content(args)
    s.update(meta)
    if content:
        s["latest"] += 1
        s["revisions"][str(s["latest"])] = content
    return ""


def secret_info_get(args, state, me, label):
    uri = positional(args, optional=True)
    if not uri and not label:
        raise ToolError("require either a secret URI or label")
    s = find(state, me, uri, None if uri else label)
    if not owner_view(state, me, s):
        raise ToolError("permission denied")
    info = {"revision": s["latest"], "owner": "unit" if s["owner"] == me else "application"}
    for key, out in (("label", "label"), ("description", "description"), ("expire", "expiry"), ("rotate", "rotation")):
        if s.get(key):
            info[out] = s[key]
    return json.dumps({xid(uri_of(state, s)): info})


def secret_access(name, args, state, me, s):
    rid = opt(args, "-r") or opt(args, "--relation")
    unit = opt(args, "--unit")
    if rid is None:
        raise ToolError("missing relation")
    rel = relation(state, rid, me)
    if unit is not None and unit not in rel["remote-units"] and unit not in rel["local-units"]:
        raise ToolError("unit %s is not in relation %s" % (unit, rid))
    who = s["grants"].setdefault(rid, [])
    grantee = unit or rel["remote-app"]
    if name == "secret-grant" and grantee not in who:
        who.append(grantee)
    if name == "secret-revoke":
        s["grants"][rid] = [g for g in who if g != grantee and (unit is not None or not g.startswith(grantee + "/"))]
    if not s["grants"][rid]:
        del s["grants"][rid]
    return ""


def secret_remove(args, state, uri, s):
    revision = opt(args, "--revision")
    if revision is None:
        del state["secrets"][uri_of(state, s)]
        return ""
    if revision not in s["revisions"]:
        raise ToolError('revision %s of secret "%s" not found' % (revision, xid(uri)))
    del s["revisions"][revision]
    if not s["revisions"]:
        del state["secrets"][uri_of(state, s)]
    return ""


def metadata(args):
    meta = {}
    for key in ("label", "description", "expire", "rotate"):
        value = opt(args, "--" + key)
        if value is not None:
            meta[key] = value
    if meta.get("rotate", "never") not in ROTATE:
        raise ToolError('invalid rotate policy "%s"' % meta["rotate"])
    return meta


VALUE_OPTIONS = {"--label", "--description", "--expire", "--rotate", "--file", "--owner", "-r", "--relation",
                 "--unit", "--revision", "-s"}


def positional(args, optional=False):
    """The first argument that is neither an option nor an option's value."""
    rest = [a for i, a in enumerate(args) if not a.startswith("-") and (i == 0 or args[i - 1] not in VALUE_OPTIONS)]
    if not rest and not optional:
        raise ToolError("missing secret URI")
    return rest[0] if rest else None


# ---- content: --file YAML and key=value arguments ------------------------------------------------------

def read_content(args):
    """The content from `--file PATH` (lines `"key": "value"`, or plain `key: value`) and any `key=value`
    or `key#file=PATH` arguments left, which are taken out of args."""
    content = {}
    path = opt(args, "--file")
    if path is not None:
        try:
            with open(path) as f:
                text = f.read()
        except OSError as e:
            raise ToolError("cannot read %s: %s" % (path, e.strerror))
        content.update(parse_yaml(text))
    for arg in [a for i, a in enumerate(args) if "=" in a and not a.startswith("-")
                and (i == 0 or args[i - 1] not in VALUE_OPTIONS)]:
        args.remove(arg)
        key, _, value = arg.partition("=")
        if key.endswith("#file"):
            key = key[:-len("#file")]
            with open(value) as f:
                value = f.read()
        content[key] = value
    for key, value in content.items():
        if not KEY.match(key):
            raise ToolError('invalid key "%s"' % key)
        if not isinstance(value, str):
            raise ToolError('value of key "%s" is not a string' % key)
    return content


def parse_yaml(text):
    out = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, rest = scalar(line.strip(), n, key=True)
        rest = rest.lstrip()
        if not rest.startswith(":"):
            raise ToolError("secret file line %d: expected key: value" % n)
        value, rest = scalar(rest[1:].strip(), n, key=False)
        if rest.strip() and not rest.strip().startswith("#"):
            raise ToolError("secret file line %d: unexpected text after the value" % n)
        out[key] = value
    return out


def scalar(text, n, key):
    """A double-quoted (JSON) or single-quoted string, or a plain one up to ':' (a key) or the line end."""
    if text.startswith('"'):
        try:
            value, end = json.JSONDecoder().raw_decode(text)
            return value, text[end:]
        except ValueError:
            raise ToolError("secret file line %d: bad double-quoted string" % n)
    if text.startswith("'"):
        m = re.match(r"'((?:[^']|'')*)'", text)
        if not m:
            raise ToolError("secret file line %d: bad single-quoted string" % n)
        return m.group(1).replace("''", "'"), text[m.end():]
    if text[:1] in "|>[{":
        raise ToolError("secret file line %d: only one-line scalar values are supported" % n)
    if key:
        i = text.find(":")
        return (text, "") if i < 0 else (text[:i].strip(), text[i:])
    return text.split(" #", 1)[0].strip(), ""


# ---- storage -------------------------------------------------------------------------------------------

def storages(state, me):
    """The unit's storage instances: NAME/<unit number> -> location."""
    number = me.split("/")[1]
    return {"%s/%s" % (name, number): location for name, location in sorted(state.get("storage", {}).items())}


def storage_list(args, state, me):
    flag(args, "--format=json")
    names = [a for a in args if not a.startswith("-")]
    return json.dumps([sid for sid in storages(state, me) if not names or sid.split("/")[0] == names[0]])


def storage_get(args, state, me):
    flag(args, "--format=json")
    sid = opt(args, "-s")
    mine = storages(state, me)
    if sid is None or sid not in mine:
        raise ToolError('invalid value "%s" for option -s: storage not found' % sid)
    attrs = {"kind": "filesystem", "location": mine[sid]}
    keys = [a for a in args if not a.startswith("-")]
    return json.dumps(attrs[keys[0]] if keys else attrs)
