#!/bin/sh
# Makes lib/charm.jsa, the class-data sharing archive dispatch uses, by a training run of the packed
# charm: the events a unit sees most, dispatched with the same runtime and flags as dispatch uses,
# against stand-in hook tools, plus the client start-up probe (S3, Kubernetes, JSON). Given the test
# classes, the probe also makes a backup's requests against loopback stand-ins (S3 over TLS, pod exec
# over WebSocket), so that the archive holds the network path too; without them it trains without.
# The class lists of all runs are merged and dumped into one static archive.
# The jars get a fixed modification time (1980-01-01, @315532800) that dispatch restores after Juju unpacks.
# Usage: cds-archive.sh CHARM_DIR [STAND_INS_CLASS_PATH]
set -eu
charm=$(cd "$1" && pwd)
standins_cp=
if [ -n "${2:-}" ]; then # absolute, as the script changes directory
  for entry in $(echo "$2" | tr ':' ' '); do
    [ -e "$entry" ] && standins_cp="$standins_cp${standins_cp:+:}$(cd "$(dirname "$entry")" && pwd)/$(basename "$entry")"
  done
fi
work=$(mktemp -d)
standins_pid=
cleanup() {
  [ -n "$standins_pid" ] && kill "$standins_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
cd "$charm"
if [ -x jre/bin/java ]; then java=jre/bin/java
elif [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then java=$JAVA_HOME/bin/java
else java=java; fi
read -r classpath < classpath

mkdir -p "$work/bin"
# The training unit's charm directory: the framework checks observers against metadata.yaml/actions.yaml.
cp metadata.yaml actions.yaml config.yaml "$work/"
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
  dispatch_path=$1
  shift
  env PATH="$work/bin:$PATH" JUJU_UNIT_NAME=postgresql-k8s/0 JUJU_MODEL_NAME=training JUJU_CHARM_DIR="$work" \
    JUJU_DISPATCH_PATH="$dispatch_path" JUJU_RELATION=s3-parameters JUJU_RELATION_ID=s3-parameters:1 JUJU_REMOTE_APP=s3-integrator \
    "$java" $flags -Xshare:off -XX:DumpLoadedClassList="$work/$n.lst" -cp "$classpath" "$@" >"$work/$n.out" 2>&1 || echo $? >"$work/$n.rc"
}

# The loopback stand-ins run on the build's JDK (the charm's trimmed runtime has no HTTP server); a
# missing piece only means a training run without the network path.
loopback() {
  [ -n "$standins_cp" ] || return 1
  bjava=${JAVA_HOME:+$JAVA_HOME/bin/}java
  keytool=${JAVA_HOME:+$JAVA_HOME/bin/}keytool
  command -v "$keytool" >/dev/null 2>&1 || return 1
  mkdir -p "$work/standins"
  head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/standins/pass"
  pass=$work/standins/pass # read from the file, never in argv
  "$keytool" -genkeypair -noprompt -alias training -keyalg RSA -keysize 2048 -validity 2 -dname CN=127.0.0.1 \
    -ext san=ip:127.0.0.1 -keystore "$work/standins/keys.p12" -storetype PKCS12 -storepass:file "$pass" \
    -keypass:file "$pass" >"$work/standins/keytool.log" 2>&1 || return 1
  "$keytool" -exportcert -rfc -alias training -keystore "$work/standins/keys.p12" -storepass:file "$pass" \
    -file "$work/standins/ca.pem" >>"$work/standins/keytool.log" 2>&1 || return 1
  # The stand-ins also use the charm's libraries (juju-java-ops' JSON, in its own jar since it became
  # a module of its own; without it every exec training run ended in an EOF and went untrained).
  "$bjava" -cp "$standins_cp:$(echo "$classpath" | sed "s#\([^:]*\)#$charm/\1#g")" training.TrainingStandIns "$work/standins" "$work/standins/keys.p12" \
    "$work/standins/pass" >"$work/standins/log" 2>&1 &
  standins_pid=$!
  i=0
  while [ ! -f "$work/standins/ready" ]; do
    i=$((i + 1))
    [ $i -le 300 ] && kill -0 "$standins_pid" 2>/dev/null || { tail -5 "$work/standins/log" >&2; return 1; }
    sleep 0.1
  done
  read -r s3_endpoint kubeconfig < "$work/standins/ready"
}
for event in hooks/update-status hooks/install hooks/leader-elected hooks/config-changed \
    hooks/s3-parameters-relation-joined hooks/s3-parameters-relation-changed \
    actions/list-backups actions/create-backup actions/restore; do
  train "$event" postgresqlk8s.Main
  # A hook that crashes on stand-in tools is a charm bug, and it would train only the path to the crash.
  if [ -e "$work/$n.rc" ]; then
    echo "cds-archive: the training dispatch of $event exited $(cat "$work/$n.rc"):" >&2; tail -20 "$work/$n.out" >&2; exit 1
  fi
done
if loopback; then
  train hooks/update-status postgresqlk8s.ClientsProbe --loopback "$s3_endpoint" "$work/standins/ca.pem" "$kubeconfig"
  # A failing probe trains only the path to its failure, and every hook pays for what it did not load
  # (its info document lacked the db list the parser requires since 7bf3424; only a warning said so).
  kill "$standins_pid" 2>/dev/null; wait "$standins_pid" 2>/dev/null || true; standins_pid=
  if [ -e "$work/$n.rc" ] || ! grep -q '^exec: ok' "$work/$n.out"; then
    echo "cds-archive: the loopback training run failed:" >&2; tail -20 "$work/$n.out" >&2; exit 1
  fi
  network=", the network path trained"
else
  echo "cds-archive: no loopback stand-ins (test classes or keytool missing); training without the network path" >&2
  train hooks/update-status postgresqlk8s.ClientsProbe
  [ ! -e "$work/$n.rc" ] || { echo "cds-archive: the clients training run failed:" >&2; tail -20 "$work/$n.out" >&2; exit 1; }
  network=
fi
cat "$work"/*.lst > "$work/all.lst"
rm -f lib/charm.jsa
# The archive records each jar's modification time and refuses jars whose time differs. Juju unpacks a
# charm without restoring times, so the jars get one fixed time here, and dispatch puts it back.
touch -d @315532800 lib/*.jar
"$java" $flags -Xshare:dump -XX:SharedClassListFile="$work/all.lst" -XX:SharedArchiveFile=lib/charm.jsa \
  -cp "$classpath" >"$work/dump.log" 2>&1 || { tail -20 "$work/dump.log" >&2; exit 1; }
# Classes of a signed jar cannot be archived: each one a run loads is read, verified and defined at
# every start. BouncyCastle's providers got loaded this way when the runtime's java.security named
# providers the image lacks (see jre.sh): 406 skipped classes, the clients probe ~190 ms slower.
signed=$(grep -c 'Signed JAR' "$work/dump.log" || true)
[ "$signed" -eq 0 ] || echo "cds-archive: warning: the training runs loaded $signed classes from signed jars, which the archive cannot hold:" \
  "$(grep 'Signed JAR' "$work/dump.log" | sed 's/.*Skipping \([^:]*\):.*/\1/' | head -3 | tr '\n' ' ')..." >&2
# Use the archive only if this runtime maps it; map it at its own address (Debian's JDK 17 relocates
# archives by default, which costs ~18 ms for ours).
archive="-XX:SharedArchiveFile=lib/charm.jsa -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0"
if "$java" $flags -Xshare:on $archive -cp "$classpath" -version >/dev/null 2>&1; then
  printf '# --- archive made by src/build/cds-archive.sh for this runtime\n-Xshare:auto\n-XX:SharedArchiveFile=lib/charm.jsa\n-XX:+UnlockDiagnosticVMOptions\n-XX:ArchiveRelocationMode=0\n' >> jvm.options
  echo "cds-archive: lib/charm.jsa from $(sort -u "$work/all.lst" | wc -l) classes$network ($("$java" -version 2>&1 | head -1))"
else
  echo "cds-archive: this runtime cannot map the archive; dispatch runs without it" >&2
  rm -f lib/charm.jsa
fi
