#!/bin/sh
# The charm's main job, locally, on the real stack: installs what is missing, builds the charm, starts
# S3Proxy, a Kubernetes API stand-in and a pod per unit (mount namespaces on 127.0.0.11-13), then drives
# three units of the packed charm through their dispatch as Juju's agents would: deploy -> relate s3 ->
# list and back up on a replica and the primary -> restore refused -> relate certificates (TLS servers,
# a replica's backup while it refuses new logins) -> remove them -> primary moved -> scale down ->
# restore the replica's backup -> a restore to a time between two writes, the first backup onto another
# timeline, latest on it, and a restore the pre-check refuses; it prints what `juju status` and `juju run` show, and stops everything it started.
# Run as root (pods are mount namespaces; PostgreSQL runs as user postgres).
set -eu
cd "$(dirname "$0")/../.."
sh tests/setup.sh
echo "== building the charm and the local stack (mvn package)"
mvn -B -q -Dstyle.color=never -DskipTests package # also writes target/test.classpath
exec java -cp "target/test-classes:target/classes:$(cat target/test.classpath)" e2e.Lifecycle target/charm
