#!/bin/sh
# Installs what building and testing the charm needs, when it is missing, on Debian or Ubuntu.
# Idempotent and quiet when everything is there. Run as root, or as a user with sudo.
set -eu
need=""
command -v javac >/dev/null 2>&1 || need="$need openjdk-17-jdk-headless"
command -v mvn >/dev/null 2>&1 || need="$need maven"
command -v python3 >/dev/null 2>&1 || need="$need python3"
command -v zip >/dev/null 2>&1 || true
if [ -n "$need" ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing$need" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $need >/dev/null
fi
