#!/usr/bin/env bash
# Smoke test of the load generator (no timing assertions): starts the node-ws
# peer on a free loopback port, runs fanout with 2 rooms x 3 members and 10
# messages, and exits non-zero unless delivered == expected == 10 x 3, in order, no duplicates.
# Usage: bench/smoke.sh            (needs node + npm; installs ws if missing)
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$BENCH"
[ -d node_modules/ws ] || npm ci --no-audit --no-fund --silent
[ -d peers/node-ws/node_modules/ws ] || (cd peers/node-ws && npm ci --no-audit --no-fund --silent)

PORT="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
LOG="$(mktemp)"
OUT="$(mktemp)"
PORT="$PORT" node peers/node-ws/server.js >"$LOG" 2>&1 &
SERVER=$!
cleanup() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -f "$LOG" "$OUT"; }
trap cleanup EXIT

for _ in $(seq 1 50); do
  if node -e "require('http').get('http://127.0.0.1:$PORT/api/status',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"; then break; fi
  sleep 0.1
done

node loadgen.js fanout --port "$PORT" --server-pid "$SERVER" --rooms 2 --members 3 --publishers 2 \
  --rate 300 --messages 10 --drain 3 --src 2 --max-time 60 --label smoke >"$OUT"

node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const s = r.steps && r.steps[0];
const problems = [];
if (r.connected !== 6) problems.push(`connected ${r.connected} != 6`);
if (!s) problems.push("no step result");
else {
  if (s.sent !== 10) problems.push(`sent ${s.sent} != 10`);
  if (s.expected !== 30) problems.push(`expected ${s.expected} != 30`);
  if (s.delivered !== s.expected) problems.push(`delivered ${s.delivered} != expected ${s.expected}`);
  if (s.out_of_order || s.duplicates) problems.push(`${s.out_of_order} out of order, ${s.duplicates} duplicates`);
  if (s.stray_frames !== 0) problems.push(`${s.stray_frames} stray frames`);
}
if (problems.length) { console.error("smoke FAILED: " + problems.join("; ")); process.exit(1); }
console.log(`smoke ok: sent ${s.sent}, delivered ${s.delivered}/${s.expected}`);
' "$OUT"
