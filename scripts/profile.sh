#!/usr/bin/env bash
# Where the agent's cost goes: JFR recordings of loopback churn (1 thread) and of JDBC churn
# (8 threads, embedded MariaDB) under portwatch exporting to a discarding receiver, each read back
# into per-thread-kind shares and top frames (io.portwatch.bench.JfrProfile).
# Arguments: [output directory] [loopback connections] [JDBC writes] [variant: portwatch|otel-javaagent|none].
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp package -DskipTests
out="${1:-benchmarks/target/profiles}"
mkdir -p "$out"
cp="benchmarks/target/classes:sample-app/target/sample-app.jar"
jars=(agent/target/portwatch-agent.jar benchmarks/target/opentelemetry-javaagent.jar sample-app/target/sample-app.jar)
variant="${4:-portwatch}"
java -cp "$cp" io.portwatch.bench.ProfileRun loopback "$out" "${jars[@]}" "${2:-100000}" "$variant" | tee "$out/loopback-$variant.txt"
java -cp "$cp" io.portwatch.bench.ProfileRun jdbc "$out" "${jars[@]}" "${3:-20000}" "$variant" | tee "$out/jdbc-$variant.txt"
