#!/usr/bin/env bash
# The demo: builds portwatch and the sample app, then runs the sample's churn job (a new MySQL
# connection per write, against an embedded MariaDB) with the agent attached. The agent's lines
# on stderr start with [portwatch]. Extra arguments go to the sample app (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp package -DskipTests
exec java -javaagent:agent/target/portwatch-agent.jar -jar sample-app/target/sample-app.jar \
  --mode churn --writes 3000 --threads 8 "$@"
