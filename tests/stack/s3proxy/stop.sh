#!/bin/sh
# Stops the S3Proxy that start.sh STATE_DIR started: exactly the PID in STATE_DIR/s3proxy.pid, TERM,
# then KILL when it is still there after S3PROXY_STOP_TIMEOUT seconds (default 10). Idempotent.
#
# Usage: stop.sh STATE_DIR
set -eu
[ $# -ge 1 ] || { echo "usage: stop.sh STATE_DIR" >&2; exit 2; }
state=$1
pidfile=$state/s3proxy.pid
say() { echo "s3proxy: $*" >&2; }

[ -f "$pidfile" ] || { say "not running (no $pidfile)"; exit 0; }
pid=$(cat "$pidfile")
case $pid in
  '' | *[!0-9]*) say "ignoring $pidfile: not a PID"; rm -f "$pidfile"; exit 1 ;;
esac

alive() {
  kill -0 "$pid" 2>/dev/null || return 1
  if [ -r "/proc/$pid/stat" ]; then
    case $(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null) in Z|X) return 1 ;; esac
  fi
  return 0
}

# Waits up to $1 tenths of a second for the process to go.
gone_within() {
  t=0
  while [ $t -lt "$1" ]; do
    alive || return 0
    sleep 0.1
    t=$((t + 1))
  done
  ! alive
}

if alive; then
  # The PID may have been reused since: only signal the S3Proxy of this state dir.
  if [ -r "/proc/$pid/cmdline" ] && ! tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qxF "$(cd "$state" && pwd)/s3proxy.conf"; then
    say "pid $pid is not this S3Proxy any more; not signalling it"
    rm -f "$pidfile"
    exit 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  if ! gone_within $(( ${S3PROXY_STOP_TIMEOUT:-10} * 10 )); then
    say "pid $pid ignored TERM; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    gone_within 50 || { say "pid $pid still there after KILL"; exit 1; }
  fi
  say "stopped pid $pid"
fi
rm -f "$pidfile"
