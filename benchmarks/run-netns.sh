#!/usr/bin/env bash
# Runs TcpTableBench against a real kernel table of ~30,000 TIME_WAIT rows, built in a network
# namespace made for the purpose and deleted afterwards. Needs root and `ip`. Loopback only;
# the churn is bounded in count and time.
#   usage: benchmarks/run-netns.sh [CONNECTIONS] [CLASSPATH]
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS=${1:-32000}
CP=${2:-benchmarks/target/classes:agent/target/classes}
NS=pwbench
trap 'ip netns del "$NS" 2>/dev/null || true' EXIT
ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
# No reuse and a wide range, so that every closed connection stays in TIME_WAIT for its 60 s.
ip netns exec "$NS" sysctl -q -w net.ipv4.tcp_tw_reuse=0 net.ipv4.ip_local_port_range="1024 65535"
ip netns exec "$NS" java -cp "$CP" io.portwatch.bench.LoopbackChurn "$CONNECTIONS" 40 4
ip netns exec "$NS" head -1 /proc/net/sockstat >/dev/null
echo "TIME_WAIT in $NS: $(ip netns exec "$NS" awk '/^TCP:/ {print $7}' /proc/net/sockstat)"
ip netns exec "$NS" java -cp "$CP" io.portwatch.bench.TcpTableBench --rows 30000 --live --rounds 11 \
  --out benchmarks/target
