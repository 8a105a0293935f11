#!/bin/sh
# The charm's main job, locally: build it, then drive it as the Juju unit agent would, with stand-in
# hook tools holding one unit's model, and print what `juju run` would show.
set -eu
cd "$(dirname "$0")/../.."
sh tests/setup.sh
echo "== building the charm (mvn package)"
mvn -B -q -Dstyle.color=never -DskipTests package
charm=target/charm
model=$(mktemp -d)
trap 'rm -rf "$model"' EXIT INT TERM
juju() { python3 tests/fake-juju/fakejuju.py "$@"; }

juju init "$model" --unit postgresql-k8s/0 --leader --model demo
echo "== hook install"
juju hook "$model" "$charm" install
echo "== hook update-status"
juju hook "$model" "$charm" update-status
echo "== juju run postgresql-k8s/leader list-backups   (no s3 relation yet)"
juju action "$model" "$charm" list-backups || true
echo "== juju run postgresql-k8s/leader create-backup  (no s3 relation yet)"
juju action "$model" "$charm" create-backup || true
echo "== hook-tool calls the charm made"
python3 -c 'import json,sys
for line in open(sys.argv[1]):
    c = json.loads(line); print("  " + " ".join([c["tool"]] + c["argv"]))' "$model/calls.jsonl"
