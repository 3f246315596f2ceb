#!/usr/bin/env bash
# The demo: builds portwatch and the sample app (only when a source changed since the last build),
# then runs the sample's churn job (a new MySQL connection per write, eight threads, TLS off as in
# the incident, against an embedded MariaDB) with the agent attached. The agent's lines on stderr
# start with [portwatch]: at the end, who closed first (confirmed from the kernel's tables), the
# line of code that opened the connections, and how close the destination came to running out of
# ports; the same as an HTML page, whose path is printed last. Extra arguments go to the sample
# app (try --help; --mode pooled is the cure).
set -euo pipefail
cd "$(dirname "$0")/.."
agent=agent/target/portwatch-agent.jar
sample=sample-app/target/sample-app.jar
report=${PORTWATCH_DEMO_REPORT:-target/portwatch-demo-report.html}

# Built already, and no source or pom newer than the jars: nothing to build.
stale=yes
if [ -f "$agent" ] && [ -f "$sample" ]; then
  older=$agent; [ "$sample" -ot "$older" ] && older=$sample
  if [ -z "$(find pom.xml api agent sample-app -path '*/target' -prune -o -newer "$older" -type f -print -quit)" ]; then
    stale=no
  fi
fi
if [ "$stale" = yes ] && [ -n "${PORTWATCH_DEMO_NO_BUILD:-}" ]; then
  # Set by the test that runs this script inside a build: a stale jar is an error there, not a rebuild.
  echo "demo: the jars are older than a source, and PORTWATCH_DEMO_NO_BUILD is set" >&2
  exit 3
fi
if [ "$stale" = yes ]; then
  echo "demo: building portwatch and the sample app with Maven (a minute or two the first time)..." >&2
  # Its output kept in a file (Maven 3.8 writes colour resets even in batch mode), shown if it fails.
  mkdir -p target
  mvn -B -q -ntp -Dstyle.color=never package -DskipTests >target/demo-build.log 2>&1 \
    || { cat target/demo-build.log >&2; echo "demo: the build failed (log: target/demo-build.log)" >&2; exit 1; }
fi

mkdir -p "$(dirname "$report")"
echo "demo: running the sample's churn job with the agent; its lines start with [portwatch]" >&2
status=0
# The agent takes every PORTWATCH_* variable for a setting of its own: not this script's.
env -u PORTWATCH_DEMO_REPORT -u PORTWATCH_DEMO_NO_BUILD java -javaagent:"$agent=report=$report" -jar "$sample" \
  --mode churn --writes 4000 --threads 8 --jdbc-params sslMode=DISABLED "$@" || status=$?
[ -f "$report" ] && echo "demo: the churn report as an HTML page: $report" >&2
exit "$status"
