#!/bin/sh
# Makes lib/charm.jsa, the class-data sharing archive dispatch uses, by a training run of the packed
# charm: the events a unit sees most, dispatched with the same runtime and flags as dispatch uses,
# against stand-in hook tools, plus the client start-up probe (S3, Kubernetes, JSON; no network).
# The class lists of all runs are merged and dumped into one static archive.
# Usage: cds-archive.sh CHARM_DIR
set -eu
charm=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
cd "$charm"
if [ -x jre/bin/java ]; then java=jre/bin/java
elif [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then java=$JAVA_HOME/bin/java
else java=java; fi
read -r classpath < classpath

mkdir -p "$work/bin"
for tool in is-leader goal-state config-get relation-ids relation-list relation-get relation-set status-set \
    status-get action-get action-set action-fail action-log juju-log secret-get; do
  cat > "$work/bin/$tool" <<'TOOL'
#!/bin/sh
case "${0##*/}" in
  is-leader) echo true ;;
  relation-ids) echo '[]' ;;
  status-get) echo '{"status":"active","message":""}' ;;
  config-get|action-get|relation-get|secret-get) echo '{}' ;;
  goal-state) echo '{"units":{},"relations":{}}' ;;
esac
TOOL
  chmod +x "$work/bin/$tool"
done

# The flags dispatch uses, from jvm.options without the archive lines a previous run appended.
sed -i '/^# --- archive/,$d' jvm.options
flags=$(grep -v '^#' jvm.options | tr '\n' ' ')
n=0
train() {
  n=$((n + 1))
  env PATH="$work/bin:$PATH" JUJU_UNIT_NAME=postgresql-k8s/0 JUJU_MODEL_NAME=training JUJU_CHARM_DIR="$work" \
    JUJU_DISPATCH_PATH="$1" JUJU_RELATION=s3-parameters JUJU_RELATION_ID=s3-parameters:1 JUJU_REMOTE_APP=s3-integrator \
    "$java" $flags -Xshare:off -XX:DumpLoadedClassList="$work/$n.lst" -cp "$classpath" "$2" >/dev/null 2>&1 || true
}
for event in hooks/update-status hooks/install hooks/leader-elected hooks/config-changed \
    hooks/s3-parameters-relation-joined hooks/s3-parameters-relation-changed \
    actions/list-backups actions/create-backup actions/restore; do
  train "$event" postgresqlk8s.Main
done
train hooks/update-status postgresqlk8s.ClientsProbe
cat "$work"/*.lst > "$work/all.lst"
rm -f lib/charm.jsa
"$java" $flags -Xshare:dump -XX:SharedClassListFile="$work/all.lst" -XX:SharedArchiveFile=lib/charm.jsa \
  -cp "$classpath" >"$work/dump.log" 2>&1 || { tail -20 "$work/dump.log" >&2; exit 1; }
# Use the archive only if this runtime maps it; map it at its own address (Debian's JDK 17 relocates
# archives by default, which costs ~18 ms for ours).
archive="-XX:SharedArchiveFile=lib/charm.jsa -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0"
if "$java" $flags -Xshare:on $archive -cp "$classpath" -version >/dev/null 2>&1; then
  printf '# --- archive made by src/build/cds-archive.sh for this runtime\n-Xshare:auto\n-XX:SharedArchiveFile=lib/charm.jsa\n-XX:+UnlockDiagnosticVMOptions\n-XX:ArchiveRelocationMode=0\n' >> jvm.options
  echo "cds-archive: lib/charm.jsa from $(sort -u "$work/all.lst" | wc -l) classes ($("$java" -version 2>&1 | head -1))"
else
  echo "cds-archive: this runtime cannot map the archive; dispatch runs without it" >&2
  rm -f lib/charm.jsa
fi
