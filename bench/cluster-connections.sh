#!/usr/bin/env bash
# Starts three Roomcast instances clustered on loopback, opens CONNECTIONS WebSocket connections
# spread over them (default 50000), and checks that every instance's /api/status reports the
# cluster-wide total. Stops the instances when done. Loopback only; bounded in time.
#
#   mvn -B package -DskipTests && bench/cluster-connections.sh [connections] [rooms]
#
# Needs about 3 x 1 GB for the servers plus 1-2 GB for the client, and a high open-files limit
# (the script raises it as far as the hard limit allows).
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS=${1:-50000}
ROOMS=${2:-500}
JAR=target/payara-micro.jar
WAR=target/roomcast.war
[ -f "$JAR" ] && [ -f "$WAR" ] || { echo "run mvn -B package -DskipTests first" >&2; exit 2; }
ulimit -n "$(ulimit -Hn)" || true

OUT=target/bench-cluster
mkdir -p "$OUT"
HTTP_PORTS=(18181 18182 18183)
HZ_PORTS=(16971 16972 16973)
MEMBERS=$(printf '127.0.0.1:%s,' "${HZ_PORTS[@]}"); MEMBERS=${MEMBERS%,}
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

for i in 0 1 2; do
  java -Xmx1g -XX:+UseG1GC -Djava.io.tmpdir="$OUT" \
       -Droomcast.limits.connections-per-address=$((CONNECTIONS + 100)) \
       -jar "$JAR" --deploy "$WAR" --contextroot / --port "${HTTP_PORTS[$i]}" \
       --name "bench-$((i + 1))" --clustername "roomcast-bench-$$" \
       --clustermode "tcpip:$MEMBERS" --interfaces 127.0.0.1 --startport "${HZ_PORTS[$i]}" \
       > "$OUT/instance-$((i + 1)).log" 2>&1 &
  PIDS+=($!)
done

echo "waiting for three instances (up to 300 s)..."
deadline=$((SECONDS + 300))
for port in "${HTTP_PORTS[@]}"; do
  until curl -sf "http://127.0.0.1:$port/api/status" | grep -q '"instances":\[{[^]]*},{[^]]*},{'; do
    [ $SECONDS -lt $deadline ] || { echo "instances did not form a cluster of three; see $OUT" >&2; exit 1; }
    sleep 2
  done
done
echo "cluster of three is up"

java -Xmx2g bench/ClusterConnections.java "$CONNECTIONS" "$ROOMS" "${HTTP_PORTS[@]}"
