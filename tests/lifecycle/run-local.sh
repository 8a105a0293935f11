#!/bin/sh
# The charm's main job, locally, on the real stack: installs what is missing, builds the charm, starts
# S3Proxy, etcd, a Kubernetes API stand-in and a Pebble stand-in (all on 127.0.0.1), then drives the
# packed charm through target/charm/dispatch as the Juju agent would: deploy -> relate s3 -> backup ->
# list -> more rows -> differential backup -> restore each backup; it prints what `juju run` shows,
# and stops everything it started. Run as root (PostgreSQL runs as user postgres via runuser).
set -eu
cd "$(dirname "$0")/../.."
sh tests/setup.sh
echo "== building the charm and the local stack (mvn package)"
mvn -B -q -Dstyle.color=never -DskipTests package test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/test.classpath)" e2e.Lifecycle target/charm
