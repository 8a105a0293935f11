#!/bin/sh
# Every test of the project: framework and flow unit tests (Surefire), then the packed charm driven
# as separate processes (Failsafe). Installs what is missing first.
set -eu
cd "$(dirname "$0")/.."
sh tests/setup.sh
exec mvn -B -Dstyle.color=never verify "$@"
