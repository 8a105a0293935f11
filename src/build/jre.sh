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

# The security providers in conf/security/java.security are those of the full JDK. A provider whose
# module the image lacks is not just skipped: each lookup of it falls back to a ServiceLoader over the
# class path, which instantiates BouncyCastle's BC and BCPQC providers from bcprov (a signed jar: its
# signatures are verified, and CDS archives no class of a signed jar). OkHttp's Platform asks for all
# providers (Security.getProviders()), so every Kubernetes client paid for it: the clients probe
# 268 -> 462 ms and 90 -> 146 MB. The list keeps only the providers this image has, in their order.
security=$charm/jre/conf/security/java.security
image_modules=$(sed -n 's/^MODULES="\(.*\)"$/\1/p' "$charm/jre/release")
awk -v modules=" $image_modules " '
  BEGIN {
    split("SUN=java.base SunRsaSign=java.base SunEC=jdk.crypto.ec SunJSSE=java.base SunJCE=java.base " \
      "SunJGSS=java.security.jgss SunSASL=java.security.sasl XMLDSig=java.xml.crypto " \
      "SunPCSC=java.smartcardio JdkLDAP=java.naming JdkSASL=jdk.security.jgss " \
      "SunPKCS11=jdk.crypto.cryptoki", pairs, " ")
    for (i in pairs) { split(pairs[i], kv, "="); module[kv[1]] = kv[2] }
  }
  /^security\.provider\.[0-9]+=/ {
    name = substr($0, index($0, "=") + 1); split(name, word, " ")
    if (word[1] in module && index(modules, " " module[word[1]] " ") == 0) { dropped = dropped " " word[1]; next }
    print "security.provider." ++n "=" name; next
  }
  { print }
  END { if (dropped != "") printf "jre.sh: security providers not in the image, left out:%s\n", dropped > "/dev/stderr" }
' "$security" > "$security.new"
cat "$security.new" > "$security" && rm "$security.new"
echo "jre.sh: $charm/jre with $modules ($(du -sh "$charm/jre" | cut -f1))"
