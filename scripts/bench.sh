#!/usr/bin/env bash
# Benchmarks (not tests): what the agent costs an application, side by side with no agent, with
# portwatch and with the OpenTelemetry Java agent (fetched by the build into benchmarks/target/), at
# start-up, per connection and per class the application loads;
# the kernel-table reader against `cat`; the heap the agent keeps per open connection; and what a
# collector that refuses, hangs or is slow costs, against no agent.
# Results: benchmarks/target/*.json and the tables printed here; docs/performance.md explains them.
# Arguments: [rounds] [connections per loopback run] [writes per JDBC run] [open connections per heap run].
# CollectorFaultBench keeps its own defaults (15 rounds after 60 of warm-up, 1.5 s slices): about 16 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp package -DskipTests
agent=agent/target/portwatch-agent.jar
otel=benchmarks/target/opentelemetry-javaagent.jar
sample=sample-app/target/sample-app.jar
java -cp benchmarks/target/classes io.portwatch.bench.AgentCostBench "$agent" "$otel" "${1:-5}" "${2:-60000}"
echo
java -cp "benchmarks/target/classes:$sample" io.portwatch.bench.JdbcChurnBench "$agent" "$otel" "$sample" "${1:-5}" "${3:-150000}"
echo
java -cp benchmarks/target/classes io.portwatch.bench.ClassLoadingBench "$agent" "$otel" "$sample" "${1:-5}"
echo
echo "The cost targets, against the figures above:"
java -cp benchmarks/target/classes io.portwatch.bench.Targets benchmarks/target
echo
java -cp benchmarks/target/classes:agent/target/classes io.portwatch.bench.TcpTableBench --live
echo
java -cp benchmarks/target/classes io.portwatch.bench.HeapPerConnectionBench "$agent" "${1:-5}" "${4:-5000}"
echo
java -cp "benchmarks/target/classes:$sample" io.portwatch.bench.CollectorFaultBench "$agent" "$sample"
