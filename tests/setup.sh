#!/bin/sh
# Installs what building and testing the charm needs, when it is missing, on Debian or Ubuntu:
# a JDK and Maven to build; Python 3 for the stand-in Juju agent; and the real workload stack the
# end-to-end tests run: PostgreSQL 15, Patroni (on its Kubernetes DCS) and pgBackRest; unshare, nsenter and
# mount for the pods. apt starts no service here
# (the tests start and stop their own, on 127.0.0.1).
# Idempotent and quiet when everything is there. Run as root, or as a user with sudo.
set -eu
need=""
command -v javac >/dev/null 2>&1 || need="$need openjdk-17-jdk-headless"
command -v mvn >/dev/null 2>&1 || need="$need maven"
command -v python3 >/dev/null 2>&1 || need="$need python3"
[ -x /usr/lib/postgresql/15/bin/postgres ] || need="$need postgresql-15"
command -v pgbackrest >/dev/null 2>&1 || need="$need pgbackrest"
command -v patroni >/dev/null 2>&1 || need="$need patroni"
command -v nsenter >/dev/null 2>&1 || need="$need util-linux"
command -v mount >/dev/null 2>&1 || need="$need mount"
command -v keytool >/dev/null 2>&1 || need="$need openjdk-17-jdk-headless"
command -v ss >/dev/null 2>&1 || need="$need iproute2"
command -v runuser >/dev/null 2>&1 || need="$need util-linux"
if [ -n "$need" ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing$need" >&2
  $sudo apt-get update -qq
  # policy-rc.d or no init system: packages must not start services of their own.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
