#!/usr/bin/env bash
# Replays the founding incident, then its cure, in a network namespace this script creates (root
# and iproute2 needed): 500 ephemeral ports, tcp_tw_reuse=1 and tcp_timestamps=0, and the sample
# app writing rows over a new MySQL connection per write (--mode abort: the client closes first,
# so every connection leaves a TIME_WAIT on the client). Within a minute portwatch warns, then
# connect() fails with "Cannot assign requested address". Then the same load with
# tcp_timestamps=1: reuse works, nothing fails, no warning. Then the incident's settings again, with
# the churn shared: the sample app at 5 writes/s and another process (scripts/tcp-churner.py,
# python3) at 5 connections/s toward the same database. Each alone would hold 300 of the 500
# ports; together they run out after about 50 s, and portwatch's forecast counts both.
# The namespace is deleted at the end. Traffic stays on the namespace's own loopback.
# Build first: mvn -B -q package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "incident-netns.sh: needs root (ip netns)" >&2; exit 2; }
AGENT=agent/target/portwatch-agent.jar
SAMPLE=sample-app/target/sample-app.jar
[ -f "$AGENT" ] && [ -f "$SAMPLE" ] || { echo "incident-netns.sh: build first: mvn -B -q package -DskipTests" >&2; exit 2; }
NS=portwatch-incident-$$
trap 'ip netns del "$NS" 2>/dev/null || true' EXIT

namespace() {
  # A fresh namespace each time: TIME_WAITs made without timestamps can never be reused.
  ip netns del "$NS" 2>/dev/null || true
  ip netns add "$NS"
  ip netns exec "$NS" ip link set lo up
  ip netns exec "$NS" sysctl -q -w net.ipv4.ip_local_port_range="40000 40499" net.ipv4.tcp_tw_reuse=1 \
    net.ipv4.tcp_timestamps="$1"
}

run() {
  namespace "$1"
  echo
  echo "=== tcp_timestamps=$1 tcp_tw_reuse=1, ports 40000-40499: $2"
  ip netns exec "$NS" java -jar "$AGENT" doctor --top 3 || true
  ip netns exec "$NS" java -javaagent:"$AGENT"=kernel.interval=1000 -jar "$SAMPLE" \
    --mode abort --rate 40 --duration 30 --threads 4 --jdbc-params sslMode=DISABLED || true
}
run 0 "the incident: reuse is on but cannot work without timestamps"
run 1 "the cure: timestamps on, TIME_WAIT ports reused after 1 s"

shared() {
  command -v python3 >/dev/null || { echo; echo "=== (the shared run needs python3: skipped)"; return; }
  namespace 0
  echo
  echo "=== tcp_timestamps=0 tcp_tw_reuse=1, ports 40000-40499: the churn shared with another process"
  local log
  log=$(mktemp)
  ip netns exec "$NS" java -javaagent:"$AGENT"=kernel.interval=1000 -jar "$SAMPLE" \
    --mode abort --rate 5 --duration 75 --threads 2 --jdbc-params sslMode=DISABLED >"$log" 2>&1 &
  local app=$! port="" waited=0
  tail -f "$log" --pid "$app" &
  while [ -z "$port" ] && [ "$waited" -lt 240 ] && kill -0 "$app" 2>/dev/null; do
    sleep 0.5; waited=$((waited + 1))
    port=$(sed -n 's/^embedded MariaDB ready on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
  done
  if [ -n "$port" ]; then
    ip netns exec "$NS" python3 scripts/tcp-churner.py 127.0.0.1 "$port" 5 70 || true
  fi
  wait "$app" || true
  sleep 0.5
  rm -f "$log"
}
shared
