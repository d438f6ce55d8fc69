#!/usr/bin/env bash
# Fan-out cost of two Roomcast builds side by side in one run: the same Payara Micro, the same
# settings as run-all.sh (config.js), alternating A, B, A, B, ... so that drift of the machine hits
# both alike. Each round boots the WAR, warms it up, then runs fan-out 100x10 and 1x1000 (10
# publishers) at 20,000 deliveries/s and prints server CPU per delivery, p99 and loss.
#
#   bench/fanout-ab.sh BEFORE.war AFTER.war [rounds=2]
#   AB_ENV_A="ROOMCAST_HISTORY_SIZE=0" bench/fanout-ab.sh target/roomcast.war target/roomcast.war
#
# AB_ENV_A / AB_ENV_B add environment settings (KEY=VALUE, space-separated) to one side only: the same
# WAR with two configurations, e.g. room streams off (A) against on (B).
# For a before/after of a change: build the old commit's WAR first (git worktree + mvn package) and
# copy it away. Loopback only (127.0.0.1:18080); it signals only the server PIDs it started.
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
[ $# -ge 2 ] || { echo "usage: $0 A.war B.war [rounds]" >&2; exit 2; }
WARS=("$(realpath "$1")" "$(realpath "$2")")
ROUNDS="${3:-2}"
JAR="$REPO/target/payara-micro.jar"
PORT=18080
[ -f "$JAR" ] || (cd "$REPO" && mvn -q -DskipTests package dependency:copy@payara-micro)
[ -d "$BENCH/node_modules/ws" ] || (cd "$BENCH" && npm ci --no-audit --no-fund --silent)
OUT="$BENCH/results/ab-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"

# The server environment of config.js, as export lines.
eval "$(cd "$BENCH" && node -e '
  const c = require("./config.js");
  for (const [k, v] of Object.entries(c.servers.roomcast.env)) console.log(`export ${k}=${JSON.stringify(v)}`);
  console.log(`JVM_OPTS=${JSON.stringify(c.jvm.variants[c.jvm.main])}`);')"

server=""
stop() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server"
    for _ in $(seq 1 80); do kill -0 "$server" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$server" 2>/dev/null && kill -KILL "$server"
  fi
  server=""
}
trap stop EXIT INT TERM

run() { # label war round
  local label=$1 war=$2 round=$3 log="$OUT/$1-$3.server.log" extra
  [ "$label" = A ] && extra="${AB_ENV_A:-}" || extra="${AB_ENV_B:-}"
  # shellcheck disable=SC2086
  env $extra java $JVM_OPTS -jar "$JAR" --deploy "$war" --contextroot / --port $PORT --nocluster >"$log" 2>&1 &
  server=$!
  for _ in $(seq 1 720); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/status" || true)" = 200 ] && break
    kill -0 "$server" 2>/dev/null || { echo "$label: server exited, see $log" >&2; exit 1; }
    sleep 0.25
  done
  local lg=(node "$BENCH/loadgen.js" fanout --port $PORT --server-pid "$server")
  "${lg[@]}" --rooms 100 --members 10 --rate 10000 --warmup 3 --duration 3 --drain-max 5 >/dev/null 2>&1
  "${lg[@]}" --rooms 100 --members 10 --rate 20000 --warmup 2 --duration 5 --drain-max 10 \
    >"$OUT/$label-$round-100x10.json" 2>/dev/null
  "${lg[@]}" --rooms 1 --members 1000 --publishers 10 --rate 20000 --warmup 2 --duration 5 --drain-max 10 \
    >"$OUT/$label-$round-1x1000.json" 2>/dev/null
  stop
}

for round in $(seq 1 "$ROUNDS"); do
  run A "${WARS[0]}" "$round"
  run B "${WARS[1]}" "$round"
done

node -e '
  const fs = require("fs"), path = require("path"), dir = process.argv[1];
  const rows = {};
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    const [label, round, shape] = f.replace(".json", "").split("-");
    const s = JSON.parse(fs.readFileSync(path.join(dir, f))).steps[0];
    (rows[shape + " " + label] ||= []).push(s);
  }
  const avg = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log("| shape @ 20k/s | build | server CPU us/delivery (each round) | mean | p99 ms (each round) | lost |");
  console.log("|---|---|---|---:|---|---:|");
  for (const key of Object.keys(rows).sort()) {
    const [shape, label] = key.split(" "), ss = rows[key];
    const cpu = ss.map((s) => s.server.cpu_us_per_delivery);
    console.log(`| ${shape} | ${label} | ${cpu.join(", ")} | ${avg(cpu).toFixed(1)} | ${ss.map((s) => s.latency_ms.p99).join(", ")} | ${ss.reduce((a, s) => a + s.lost, 0)} |`);
  }' "$OUT" | tee "$OUT/TABLE.md"
echo "results: ${OUT#$REPO/}"
