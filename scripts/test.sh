#!/usr/bin/env bash
# Runs every test of portwatch: builds with Maven on JDK 17, runs the unit tests, then the
# integration tests, which start child JVMs with -javaagent on JDK 17 and on JDK 25; then builds
# and unit-tests once more with Maven itself running on JDK 25.
#
# JDK locations: PORTWATCH_JDK17 and PORTWATCH_JDK25, defaulting to the default `java` and to the
# Temurin 25 JDK under /usr/lib/jvm.
set -euo pipefail
cd "$(dirname "$0")/.."

default_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
JDK17=${PORTWATCH_JDK17:-$default_home}
JDK25=${PORTWATCH_JDK25:-$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -n 1)}
for jdk in "$JDK17" "$JDK25"; do
  if [ -z "$jdk" ] || [ ! -x "$jdk/bin/java" ]; then
    echo "test.sh: JDK not found at '$jdk' (set PORTWATCH_JDK17 / PORTWATCH_JDK25)" >&2
    exit 2
  fi
done

echo "== build, unit and integration tests: Maven on $JDK17; agent in JVMs of $JDK17 and $JDK25"
JAVA_HOME=$JDK17 mvn -B -ntp verify -Dit.java.homes="$JDK17,$JDK25"

echo "== build and unit tests: Maven on $JDK25"
JAVA_HOME=$JDK25 mvn -B -ntp verify -DskipITs
