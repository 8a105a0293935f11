#!/bin/sh
# Puts a trimmed Java runtime in CHARM_DIR/jre: only the JDK modules the charm's jars use (jdeps),
# plus TLS's elliptic curves and the zip file system they load by name. Juju's charm container has no
# Java, so the charm carries its own; dispatch prefers it.
# Usage: jre.sh CHARM_DIR
set -eu
charm=$1
bin=${JAVA_HOME:+$JAVA_HOME/bin/}
modules=$("${bin}jdeps" --ignore-missing-deps --print-module-deps --multi-release 17 \
  --class-path "$charm/lib/*" "$charm/lib/postgresql-k8s.jar"),jdk.crypto.ec,jdk.zipfs
rm -rf "$charm/jre"
"${bin}jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --generate-cds-archive \
  --output "$charm/jre"
echo "jre.sh: $charm/jre with $modules ($(du -sh "$charm/jre" | cut -f1))"
