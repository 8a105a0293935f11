#!/bin/sh
# Starts a real S3 server for tests: S3Proxy 2.6.0 (Maven Central) as its own JVM, HTTPS only, on
# 127.0.0.1, filesystem-nio2 backend under STATE_DIR. Returns once it listens.
#
# Usage: start.sh STATE_DIR [CACHE_DIR]
#   STATE_DIR  scratch folder for this instance (keystore, config, data, log, pid, env file)
#   CACHE_DIR  where S3Proxy's jars are copied once (default: S3PROXY_CACHE, else
#              <project>/target/stack/s3proxy); lib/ and lib/classpath go there
# Environment (all optional):
#   S3PROXY_PORT           port to listen on (default: a free one, picked here)
#   S3PROXY_ACCESS_KEY     identity clients sign with (default: generated)
#   S3PROXY_SECRET_KEY     its secret (default: generated)
#   S3PROXY_LOG_LEVEL      root log level (default: info)
#   S3PROXY_JAVA_OPTS      extra JVM options
#   S3PROXY_START_TIMEOUT  seconds to wait for the port (default: 60)
#   S3PROXY_MVN_ARGS       extra Maven arguments for the one-off jar copy (e.g. -Dmaven.repo.local=...)
#   JAVA_HOME, MVN         the JDK (java, keytool) and Maven to use
# Writes STATE_DIR/s3proxy.env (S3PROXY_ENDPOINT, S3PROXY_PORT, S3PROXY_CA_PEM, S3PROXY_ACCESS_KEY,
# S3PROXY_SECRET_KEY, S3PROXY_BASEDIR, S3PROXY_PID, S3PROXY_LOG; values single-quoted, so `. file` works)
# and STATE_DIR/s3proxy.pid. Stop it with stop.sh STATE_DIR.
set -eu
umask 077

here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: start.sh STATE_DIR [CACHE_DIR]" >&2; exit 2; }
mkdir -p "$1"
state=$(cd "$1" && pwd)
cache=${2:-${S3PROXY_CACHE:-$here/../../../target/stack/s3proxy}}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
lib=$cache/lib
bin=${JAVA_HOME:+$JAVA_HOME/bin/}
pidfile=$state/s3proxy.pid
log=$state/s3proxy.log

say() { echo "s3proxy: $*" >&2; }
fail() { say "$*"; exit 1; }
case $state in *"'"*) fail "STATE_DIR must not contain a single quote: $state" ;; esac

alive() {
  kill -0 "$1" 2>/dev/null || return 1
  # a zombie left for init to reap is not alive
  if [ -r "/proc/$1/stat" ]; then
    case $(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) in Z|X) return 1 ;; esac
  fi
  return 0
}

listening() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

# Whether process $2 listens on port $1 (where ss cannot say whose the socket is, whether anyone does).
listening_by() {
  sockets=$(ss -Htlnp "sport = :$1" 2>/dev/null) || return 1
  [ -n "$sockets" ] || return 1
  case $sockets in
    *pid=*) case $sockets in *"pid=$2,"*) return 0 ;; *) return 1 ;; esac ;;
    *) return 0 ;;
  esac
}

random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

if [ -f "$pidfile" ] && alive "$(cat "$pidfile")"; then
  fail "already running in $state (pid $(cat "$pidfile")); stop it first"
fi

# --- the jars, copied once; the class path names each jar (wildcards defeat class-data sharing) ---
classpath_ok() {
  [ -s "$lib/classpath" ] || return 1
  for jar in $(tr ':' ' ' <"$lib/classpath"); do [ -f "$jar" ] || return 1; done
}
if ! classpath_ok; then
  rm -rf "$lib"
  tmp=$cache/lib.tmp.$$
  rm -rf "$tmp"
  copy() {
    # shellcheck disable=SC2086
    "${MVN:-mvn}" -q -B ${S3PROXY_MVN_ARGS:-} "$@" -f "$here/pom.xml" \
      -Ds3proxy.lib="$tmp" -Ds3proxy.prefix="$lib" \
      dependency:copy-dependencies dependency:build-classpath
  }
  say "copying S3Proxy's jars into $lib (once)"
  # offline first (a warm ~/.m2 needs no network), then online
  if ! copy -o >"$cache/mvn.log" 2>&1 && ! copy >>"$cache/mvn.log" 2>&1; then
    tail -n 30 "$cache/mvn.log" >&2
    rm -rf "$tmp"
    fail "could not fetch org.gaul:s3proxy:2.6.0 (see $cache/mvn.log)"
  fi
  # another start.sh may have won the race; its copy is as good as ours
  if [ -e "$lib" ]; then rm -rf "$tmp"; else mv "$tmp" "$lib"; fi
  classpath_ok || fail "the copied class path in $lib is incomplete"
fi

# --- TLS: a self-signed certificate; DNS:127.0.0.1 is for pgBackRest, which ignores IP SANs ---
keystore=$state/keystore.p12
capem=$state/s3proxy-ca.pem
passfile=$state/keystore.pass # keytool reads it from a file (0600 by the umask): no password in argv
if [ -s "$keystore" ] && [ -s "$capem" ] && [ -s "$passfile" ]; then
  # a restart of the same server keeps its certificate, as an S3 endpoint coming back does
  storepass=$(cat "$passfile")
else
  storepass=$(random_hex 12)
  printf '%s\n' "$storepass" > "$passfile"
  rm -f "$keystore" "$capem"
  "${bin}keytool" -genkeypair -noprompt -alias s3proxy -keyalg RSA -keysize 2048 -validity 3650 \
    -dname "CN=127.0.0.1" -ext "SAN=DNS:localhost,DNS:127.0.0.1,IP:127.0.0.1" \
    -keystore "$keystore" -storetype PKCS12 -storepass:file "$passfile" -keypass:file "$passfile" \
    >"$state/keytool.log" 2>&1 || { cat "$state/keytool.log" >&2; fail "keytool -genkeypair failed"; }
  "${bin}keytool" -exportcert -rfc -alias s3proxy -keystore "$keystore" -storepass:file "$passfile" -file "$capem" \
    >>"$state/keytool.log" 2>&1 || { cat "$state/keytool.log" >&2; fail "keytool -exportcert failed"; }
fi

access=${S3PROXY_ACCESS_KEY:-ak$(random_hex 10)}
secret=${S3PROXY_SECRET_KEY:-sk$(random_hex 20)}
basedir=$state/data
mkdir -p "$basedir"

cat >"$state/logback.xml" <<EOF
<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n</pattern></encoder>
  </appender>
  <logger name="org.eclipse.jetty" level="WARN"/>
  <logger name="org.gaul.shaded" level="WARN"/>
  <logger name="org.jclouds" level="WARN"/>
  <root level="${S3PROXY_LOG_LEVEL:-info}"><appender-ref ref="STDOUT"/></root>
</configuration>
EOF

write_conf() {
  cat >"$state/s3proxy.conf" <<EOF
s3proxy.secure-endpoint=https://127.0.0.1:$1
s3proxy.keystore-path=$keystore
s3proxy.keystore-password=$storepass
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$access
s3proxy.credential=$secret
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$basedir
jclouds.identity=unused
jclouds.credential=unused
EOF
}

pick_port() {
  # below Linux's ephemeral range (32768+), so outgoing connections do not take it meanwhile
  i=0
  while [ $i -lt 100 ]; do
    n=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
    p=$((20000 + n % 12000))
    if ! listening "$p"; then echo "$p"; return 0; fi
    i=$((i + 1))
  done
  return 1
}

# Starts the JVM on port $1; 0 once it listens, 1 when it died first (e.g. the port was taken), exits on timeout.
launch() {
  ! listening "$1" || { say "port $1 is in use"; return 1; }
  write_conf "$1"
  # shellcheck disable=SC2086
  "${bin}java" ${S3PROXY_JAVA_OPTS:-} -Dlogback.configurationFile="$state/logback.xml" \
    -cp "$(cat "$lib/classpath")" org.gaul.s3proxy.Main --properties "$state/s3proxy.conf" \
    </dev/null >"$log" 2>&1 &
  pid=$!
  echo "$pid" >"$pidfile"
  limit=$(( ${S3PROXY_START_TIMEOUT:-60} * 10 ))
  t=0
  while [ $t -lt $limit ]; do
    if listening_by "$1" "$pid"; then
      alive "$pid" && return 0
    fi
    alive "$pid" || { rm -f "$pidfile"; return 1; }
    sleep 0.1
    t=$((t + 1))
  done
  tail -n 30 "$log" >&2
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  fail "not listening on 127.0.0.1:$1 after ${S3PROXY_START_TIMEOUT:-60} s (log: $log)"
}

started=0
if [ -n "${S3PROXY_PORT:-}" ]; then
  port=$S3PROXY_PORT
  launch "$port" && started=1
else
  for attempt in 1 2 3; do
    port=$(pick_port) || fail "found no free port"
    if launch "$port"; then started=1; break; fi
    say "exited before listening on $port (attempt $attempt)"
  done
fi
if [ $started -ne 1 ]; then
  [ ! -f "$log" ] || tail -n 30 "$log" >&2
  fail "did not start (log: $log)"
fi

cat >"$state/s3proxy.env" <<EOF
S3PROXY_ENDPOINT='https://127.0.0.1:$port'
S3PROXY_PORT='$port'
S3PROXY_CA_PEM='$capem'
S3PROXY_ACCESS_KEY='$access'
S3PROXY_SECRET_KEY='$secret'
S3PROXY_BASEDIR='$basedir'
S3PROXY_PID='$pid'
S3PROXY_LOG='$log'
EOF
say "listening on https://127.0.0.1:$port (pid $pid); settings in $state/s3proxy.env"
