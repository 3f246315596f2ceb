#!/usr/bin/env bash
# The demo: builds portwatch and the sample app, then runs the sample's churn job (a new MySQL
# connection per write, eight threads, TLS off as in the incident, against an embedded MariaDB)
# with the agent attached. The agent's lines on stderr start with [portwatch]: at the end, who
# closed first (confirmed from the kernel's tables), the line of code that opened the connections,
# and how close the destination came to running out of ports. Extra arguments go to the sample
# app (try --help; --mode pooled is the cure).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp package -DskipTests
exec java -javaagent:agent/target/portwatch-agent.jar -jar sample-app/target/sample-app.jar \
  --mode churn --writes 4000 --threads 8 --jdbc-params sslMode=DISABLED "$@"
