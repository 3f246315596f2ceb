#!/usr/bin/env bash
# Benchmarks (not tests): what the agent costs an application, side by side with and without it,
# and the kernel-table reader against `cat`. Results: benchmarks/target/*.json and the tables
# printed here; docs/performance.md explains them. Arguments: [rounds] [connections per run].
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp package -DskipTests
java -cp benchmarks/target/classes io.portwatch.bench.AgentCostBench agent/target/portwatch-agent.jar "${1:-5}" "${2:-20000}"
java -cp benchmarks/target/classes:agent/target/classes io.portwatch.bench.TcpTableBench --live
