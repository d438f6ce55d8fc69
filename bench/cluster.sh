#!/usr/bin/env bash
# Scale-out benchmark: starts N Roomcast instances (Payara Micro) clustered over
# Hazelcast on loopback, waits until every instance's GET /api/status lists all
# N, runs loadgen.js against all of them (port list + pid list), writes the JSON
# results and the instance logs to bench/results/<timestamp>-cluster-<scenario>/,
# prints a short summary, and stops the instances on exit.
#
#   bench/cluster.sh fanout      [--instances 2] [cluster options] [loadgen options...]
#   bench/cluster.sh connections [--instances 3] [cluster options] [loadgen options...]
#
# fanout: without --rooms/--members, runs both layouts (1 x 1000 with 10
#   publishers, then 100 x 10) at --rate 20000,60000 after a discarded warm-up;
#   with --rooms/--members, runs that one layout. Every room's members and the
#   publishers are split over the instances (see loadgen.js --port).
# connections: defaults --connections 50000 --rooms 5000 --hold 10 --procs 6
#   --src 32 --concurrency 64 --status-check (every instance must report the
#   cluster-wide total) --connect-timeout 600.
# Loadgen options given here override those defaults (the last one wins).
#
# Cluster options (the rest goes to loadgen.js):
#   --instances N     instances to start (default 2 for fanout, 3 for
#                     connections; env CLUSTER_INSTANCES). --instances 1 runs
#                     one instance with the same launch (Hazelcast on, a
#                     cluster of one) for the single-instance figure.
#   --no-warmup       fanout: skip the discarded warm-up run
#   --http-port P     first HTTP port tried (default 18181; env CLUSTER_HTTP_PORT)
#   --hz-port P       first Hazelcast port tried (default 16971; env CLUSTER_HZ_PORT)
#   --ready-timeout S cluster formation limit (default 300; env CLUSTER_READY_TIMEOUT)
#   --out DIR         results directory (default bench/results/<stamp>-cluster-<scenario>)
# JVM options: BENCH_JVM_OPTS, else config.js jvm.variants[jvm.main]
# (-Xms2g -Xmx2g -XX:+UseG1GC). Server settings: config.js servers.roomcast.env.
# Memory: N x (2 GB heap + ~0.5 GB) plus the load generator.
# Needs target/roomcast.war and target/payara-micro.jar (mvn -B -q package -DskipTests dependency:copy@payara-micro).
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit "${1:-2}"; }
[ $# -ge 1 ] || usage
SCENARIO=$1
shift
case "$SCENARIO" in
  fanout) DEFAULT_INSTANCES=2 ;;
  connections) DEFAULT_INSTANCES=3 ;;
  -h|--help|help) usage 0 ;;
  *) echo "unknown scenario '$SCENARIO' (fanout or connections)" >&2; usage ;;
esac

INSTANCES=${CLUSTER_INSTANCES:-$DEFAULT_INSTANCES}
HTTP_BASE=${CLUSTER_HTTP_PORT:-18181}
HZ_BASE=${CLUSTER_HZ_PORT:-16971}
READY_TIMEOUT=${CLUSTER_READY_TIMEOUT:-300}
WARMUP=1
OUT=""
LG_USER=()
HAS_LAYOUT=0
while [ $# -gt 0 ]; do
  case "$1" in
    --instances) INSTANCES=${2:?--instances N}; shift 2 ;;
    --no-warmup) WARMUP=0; shift ;;
    --http-port) HTTP_BASE=${2:?}; shift 2 ;;
    --hz-port) HZ_BASE=${2:?}; shift 2 ;;
    --ready-timeout) READY_TIMEOUT=${2:?}; shift 2 ;;
    --out) OUT=${2:?}; shift 2 ;;
    --port|--server-pid|--host|--worker) echo "$1 is set by cluster.sh" >&2; exit 2 ;;
    --help|-h) usage 0 ;;
    *)
      case "$1" in --rooms|--members) HAS_LAYOUT=1 ;; esac
      LG_USER+=("$1"); shift ;;
  esac
done
[[ "$INSTANCES" =~ ^[1-9]$ ]] || { echo "--instances must be 1..9" >&2; exit 2; }

JAR_SRC="$REPO/target/payara-micro.jar"
WAR_SRC="$REPO/target/roomcast.war"
if [ ! -f "$JAR_SRC" ] || [ ! -f "$WAR_SRC" ]; then
  echo "target/roomcast.war or target/payara-micro.jar missing: run mvn -B -q package -DskipTests dependency:copy@payara-micro first" >&2
  exit 2
fi
[ -d "$BENCH/node_modules/ws" ] || (cd "$BENCH" && npm ci --no-audit --no-fund --silent)

# one process may not hold more than the hard limit of open files; take all of it
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

STAMP=$(date -u +%Y%m%d-%H%M%S)
OUT=${OUT:-$BENCH/results/$STAMP-cluster-$SCENARIO}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
# private copies of the artifacts: a concurrent mvn package cannot pull them away
WORK="$BENCH/.work/cluster-$STAMP-$$"
mkdir -p "$WORK"
cp "$JAR_SRC" "$WORK/payara-micro.jar"
cp "$WAR_SRC" "$WORK/roomcast.war"

t0=$SECONDS
say() { printf '[cluster +%ss] %s\n' "$((SECONDS - t0))" "$*" | tee -a "$OUT/run.log" >&2; }

PIDS=()
LG_PID=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$LG_PID" ] && kill -0 "$LG_PID" 2>/dev/null; then
    say "stopping loadgen (pid $LG_PID; its workers exit with it)"
    kill -TERM "$LG_PID" 2>/dev/null || true
  fi
  if [ ${#PIDS[@]} -gt 0 ]; then
    say "stopping ${#PIDS[@]} instance(s): ${PIDS[*]}"
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    local deadline=$((SECONDS + 30))
    for p in "${PIDS[@]}"; do
      while kill -0 "$p" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.5; done
      if kill -0 "$p" 2>/dev/null; then say "instance $p still running 30 s after SIGTERM: SIGKILL"; kill -KILL "$p" 2>/dev/null || true; fi
    done
    wait 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- ports
# N free HTTP ports and N free Hazelcast ports on 127.0.0.1, scanning upward (bounded)
free_ports() {
  node -e '
const { freePorts } = require(process.argv[1]);
freePorts(Number(process.argv[2]), Number(process.argv[3]), { avoid: (process.argv[4] || "").split(",").map(Number) }).then((got) => {
  if (!got) { console.error(`no ${process.argv[3]} free ports from ${process.argv[2]}`); process.exit(1); }
  console.log(got.join(" "));
});' -- "$BENCH/lib/ports.js" "$1" "$2" "${3:-}"
}
read -r -a HTTP_PORTS <<<"$(free_ports "$HTTP_BASE" "$INSTANCES")"
read -r -a HZ_PORTS <<<"$(free_ports "$HZ_BASE" "$INSTANCES" "$(IFS=,; echo "${HTTP_PORTS[*]}")")"
MEMBERS=""
for h in "${HZ_PORTS[@]}"; do MEMBERS+="${MEMBERS:+,}127.0.0.1:$h"; done
CLUSTER="roomcast-bench-$STAMP-$$"
# Rooms are shared only with the cluster secret (PROTOCOL 13.10), this run's; publishes need a majority of the size.
CLUSTER_SECRET=$(head -c 33 /dev/urandom | base64 | tr -d '\n')

# ---------------------------------------------------------------- settings
JVM_OPTS=${BENCH_JVM_OPTS:-$(cd "$BENCH" && node -e 'const c=require("./config");console.log(c.jvm.variants[c.jvm.main])')}
# the bench settings of config.js (servers.roomcast.env), NUL-separated K=V
ENVV=()
while IFS= read -r -d '' kv; do ENVV+=("$kv"); done < <(cd "$BENCH" && node -e '
const env = require("./config").servers.roomcast.env;
for (const [k, v] of Object.entries(env)) process.stdout.write(`${k}=${v}\0`);')

heap_gb=$(node -e 'const m=/-Xmx(\d+)([gGmM])/.exec(process.argv[1]);console.log(m?(/[gG]/.test(m[2])?+m[1]:m[1]/1024):1)' -- "$JVM_OPTS")
avail_gb=$(awk '/^MemAvailable:/ {printf "%.1f", $2/1048576}' /proc/meminfo)
need_gb=$(node -e 'console.log((process.argv[1]*(+process.argv[2]+0.5)+1).toFixed(1))' -- "$INSTANCES" "$heap_gb")
if node -e 'process.exit(+process.argv[1] < +process.argv[2] ? 0 : 1)' -- "$avail_gb" "$need_gb"; then
  say "WARNING: ${avail_gb} GB available, about ${need_gb} GB needed ($INSTANCES x (${heap_gb} GB heap + 0.5 GB) + 1 GB load generator)"
fi

# ---------------------------------------------------------------- start
say "scenario $SCENARIO, $INSTANCES instance(s), HTTP ports ${HTTP_PORTS[*]}, Hazelcast $MEMBERS, JVM $JVM_OPTS, open files $(ulimit -n)"
say "results in $OUT"
launch_t=$SECONDS
for i in $(seq 0 $((INSTANCES - 1))); do
  name="bench-$((i + 1))"
  mkdir -p "$WORK/$name-tmp"
  # shellcheck disable=SC2086 # JVM_OPTS is a list of options
  cmd=(java $JVM_OPTS "-Djava.io.tmpdir=$WORK/$name-tmp" -jar "$WORK/payara-micro.jar"
       --deploy "$WORK/roomcast.war" --contextroot / --port "${HTTP_PORTS[$i]}"
       --name "$name" --clustername "$CLUSTER" --clustermode "tcpip:$MEMBERS"
       --interfaces 127.0.0.1 --startport "${HZ_PORTS[$i]}")
  echo "==== $(date -u +%FT%TZ) ${cmd[*]}" >"$OUT/$name.log"
  env "${ENVV[@]}" ROOMCAST_CLUSTER_SECRET="$CLUSTER_SECRET" ROOMCAST_CLUSTER_SIZE="$INSTANCES" "${cmd[@]}" \
      >>"$OUT/$name.log" 2>&1 &
  PIDS+=($!)
  say "started $name: pid $!, http ${HTTP_PORTS[$i]}, hazelcast ${HZ_PORTS[$i]}"
done
PORT_LIST=$(IFS=,; echo "${HTTP_PORTS[*]}")
PID_LIST=$(IFS=,; echo "${PIDS[*]}")

# Wait (bounded) until every instance answers /api/status with a row for each
# of the N instances; writes cluster-ready.json (times, first status bodies).
say "waiting (at most ${READY_TIMEOUT} s) until every /api/status lists $INSTANCES instance(s)"
if ! node - "$PORT_LIST" "$PID_LIST" "$INSTANCES" "$READY_TIMEOUT" "$OUT/cluster-ready.json" <<'EOF'
const fs = require('fs');
const [ports, pids] = [process.argv[2].split(',').map(Number), process.argv[3].split(',').map(Number)];
const n = Number(process.argv[4]);
const t0 = Date.now();
const deadline = t0 + Number(process.argv[5]) * 1000;
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return false; } };
const firstOk = {}; const listedAll = {}; const last = {};
(async () => {
  for (;;) {
    for (let k = 0; k < ports.length; k++) {
      if (!alive(pids[k])) { console.error(`instance pid ${pids[k]} (port ${ports[k]}) exited during start-up`); process.exit(1); }
      if (listedAll[ports[k]] !== undefined) continue;
      try {
        const res = await fetch(`http://127.0.0.1:${ports[k]}/api/status`, { signal: AbortSignal.timeout(3000) });
        const text = await res.text();
        if (res.status !== 200) { last[ports[k]] = `HTTP ${res.status}`; continue; }
        if (firstOk[ports[k]] === undefined) firstOk[ports[k]] = (Date.now() - t0) / 1000;
        const b = JSON.parse(text);
        last[ports[k]] = b;
        if (Array.isArray(b.instances) && b.instances.length === n) listedAll[ports[k]] = (Date.now() - t0) / 1000;
      } catch (e) { last[ports[k]] = String(e.name || e); }
    }
    const done = ports.every((p) => listedAll[p] !== undefined);
    if (done || Date.now() > deadline) {
      const r = { ok: done, instances: n, ports, pids, first_status_200_s: firstOk, all_instances_listed_s: listedAll, ready_s: done ? Math.max(...Object.values(listedAll)) : null, last_status: last };
      fs.writeFileSync(process.argv[6], JSON.stringify(r, null, 2) + '\n');
      if (!done) { console.error(`cluster of ${n} not formed in time; last answers: ${JSON.stringify(last).slice(0, 600)}`); process.exit(1); }
      console.error(`status 200 after ${JSON.stringify(firstOk)} s, all ${n} listed after ${JSON.stringify(listedAll)} s (by port)`);
      process.exit(0);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
})();
EOF
then
  say "cluster did not form; instance logs in $OUT"
  exit 1
fi
say "cluster of $INSTANCES ready $((SECONDS - launch_t)) s after launch"
for k in "${!PIDS[@]}"; do
  say "  bench-$((k + 1)): pid ${PIDS[$k]}, RSS $(awk '/^VmRSS/ {printf "%d MB", $2/1024}' "/proc/${PIDS[$k]}/status"), $(awk '/^Threads/ {print $2}' "/proc/${PIDS[$k]}/status") threads"
done
# Wait (at most 60 s) until the instances are idle: < 10 % of a core each
# for 1 s, as run-all.js does between scenarios. Logs and appends to
# settle.log the CPU % of each instance in the last second.
settle() { # label
  local line
  line=$(node -e '
require(process.argv[1]).waitIdle(process.argv[2].split(",").map(Number)).then(({ idle, waitedS, pct }) =>
  console.log(`${idle ? "idle" : "STILL BUSY"} after ${Math.round(waitedS)} s, CPU % per instance in the last second: ${pct.join(" ")}`));' -- "$BENCH/lib/stats.js" "$PID_LIST")
  say "settle ($1): $line"
  echo "$1: $line" >>"$OUT/settle.log"
}
settle "after start-up"

# ---------------------------------------------------------------- runs
FAILED=0
run_loadgen() { # name, loadgen args...
  local name=$1
  shift
  say "loadgen $name: $*"
  local rc=0
  # in the background + wait: a signal to this script is handled at once
  # (the trap stops loadgen and the instances), not after loadgen ends
  node "$BENCH/loadgen.js" "$@" --out "$OUT/$name.json" >/dev/null 2> >(tee -a "$OUT/loadgen.log" >&2) &
  LG_PID=$!
  wait "$LG_PID" || rc=$?
  LG_PID=""
  if [ $rc -ne 0 ]; then say "loadgen $name exited with $rc"; FAILED=1; fi
  for p in "${PIDS[@]}"; do
    kill -0 "$p" 2>/dev/null || { say "instance pid $p died during $name"; FAILED=1; }
  done
  settle "after $name"
}
COMMON=(--host 127.0.0.1 --port "$PORT_LIST" --server-pid "$PID_LIST")
if [ "$SCENARIO" = fanout ]; then
  # the same options as run-all.js's warm-up (config.js plans.full, warmup-fanout)
  if [ $WARMUP -eq 1 ]; then
    read -r -a WARM <<<"$(cd "$BENCH" && node -e '
const s = require("./config").plans.full.scenarios.find((x) => x[0] === "warmup-fanout")[2];
console.log(Object.entries(s).filter(([k]) => k !== "discard").map(([k, v]) => `--${k} ${v}`).join(" "))')"
    run_loadgen warmup-fanout fanout "${COMMON[@]}" --src 16 --max-time 120 "${WARM[@]}" --label "cluster-$INSTANCES warmup"
    rm -f "$OUT/warmup-fanout.json"
  fi
  DEFAULTS=(--src 16 --rate 20000,60000 --warmup 2 --duration 5 --drain-max 10 --max-time 300)
  if [ $HAS_LAYOUT -eq 1 ]; then
    run_loadgen fanout fanout "${COMMON[@]}" "${DEFAULTS[@]}" --label "cluster-$INSTANCES fanout" "${LG_USER[@]}"
  else
    run_loadgen fanout-1x1000 fanout "${COMMON[@]}" "${DEFAULTS[@]}" --rooms 1 --members 1000 --publishers 10 --label "cluster-$INSTANCES fanout-1x1000" "${LG_USER[@]}"
    run_loadgen fanout-100x10 fanout "${COMMON[@]}" "${DEFAULTS[@]}" --rooms 100 --members 10 --label "cluster-$INSTANCES fanout-100x10" "${LG_USER[@]}"
  fi
else
  # 64 connects in flight per worker (384 in all): a freshly started cluster
  # accepted only ~110 connects/s in the first trial, and the client's opening
  # handshake times out after 15 s, so a deeper queue would only make time-outs
  DEFAULTS=(--connections 50000 --rooms 5000 --hold 10 --procs 6 --src 32 --concurrency 64
            --status-check --connect-timeout 600 --status-timeout 60 --max-time 1200)
  run_loadgen connections connections "${COMMON[@]}" "${DEFAULTS[@]}" --label "cluster-$INSTANCES connections" "${LG_USER[@]}"
fi

# ---------------------------------------------------------------- summary
set +e
node - "$OUT" "$SCENARIO" <<'EOF' | tee "$OUT/SUMMARY.txt"
const fs = require('fs');
const path = require('path');
const [dir, scenario] = process.argv.slice(2);
const ready = JSON.parse(fs.readFileSync(path.join(dir, 'cluster-ready.json'), 'utf8'));
const k = (v) => (v === null || v === undefined ? '-' : Number(v).toLocaleString('en-US'));
const mb = (kb) => (kb === null || kb === undefined ? '-' : `${Math.round(kb / 1024)} MB`);
let bad = false;
console.log(`${scenario} on ${ready.instances} instance(s), ports ${ready.ports.join(',')}; cluster formed in ${ready.ready_s} s`);
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('cluster-'))
  .sort((a, b) => fs.statSync(path.join(dir, a)).mtimeMs - fs.statSync(path.join(dir, b)).mtimeMs); // run order
for (const f of files) {
  const r = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  if (r.error) { console.log(`${f}: ERROR ${r.error}`); bad = true; continue; }
  if (r.scenario === 'fanout') {
    const split = r.port_split ? `, sockets by port ${JSON.stringify(r.port_split.sockets_per_port)}, publishers ${JSON.stringify(r.port_split.publishers_per_port)}` : '';
    const sync = r.cluster_sync ? `, membership in sync ${r.cluster_sync.ok} after ${r.cluster_sync.elapsed_s} s` : '';
    console.log(`${f}: ${r.rooms} x ${r.members}, connected ${k(r.connected)}/${k(r.sockets)}${split}${sync}; unexpected closes ${JSON.stringify(r.unexpected_closes)}`);
    for (const s of r.steps) {
      console.log(`  @ ${k(s.offered_deliveries_per_s)}/s: delivered ${k(s.delivered)}/${k(s.expected)} (lost ${k(s.lost)}, ${k(s.out_of_order)} out of order, ${k(s.duplicates)} duplicates), p50 ${s.latency_ms.p50} p99 ${s.latency_ms.p99} max ${s.latency_ms.max} ms, server CPU ${s.server.cpu_pct} % (${s.server.cpu_us_per_delivery} us/delivery), load-gen ${s.loadgen.cpu_pct_send_window} %${s.loadgen.saturated ? ' SATURATED' : ''}${s.ok ? '' : ' [not ok]'}`);
    }
    if (r.connected !== r.sockets || (r.cluster_sync && !r.cluster_sync.ok)) bad = true;
  } else if (r.scenario === 'connections') {
    console.log(`${f}: opened ${k(r.succeeded)}/${k(r.requested)} in ${r.connect_s} s (${k(r.connects_per_s)}/s), failures ${JSON.stringify(r.failures)}, dropped during hold ${k(r.dropped_during_hold)}, closes ${JSON.stringify(r.closes_during_hold)}`);
    console.log(`  server (sum): RSS ${mb(r.server.rss_kb_baseline)} -> ${mb(r.server.rss_kb_loaded)} (${r.server.rss_kb_per_connection} KB/conn), heap ${mb(r.server.heap_kb_baseline)} -> ${mb(r.server.heap_kb_loaded)} (${r.server.heap_kb_per_connection} KB/conn), fds ${k(r.server.fds_loaded)}`);
    for (const x of r.server.per_instance || []) console.log(`    pid ${x.pid} :${x.port}: RSS ${mb(x.rss_kb_loaded)}, heap ${mb(x.heap_kb_loaded)}, fds ${k(x.fds_loaded)}, threads ${x.threads_loaded}`);
    if (r.status_check) {
      const sc = r.status_check;
      console.log(`  status check: ${sc.ok ? 'OK' : 'FAILED'} after ${sc.elapsed_s} s, expected ${k(sc.expected)} (opened) everywhere; ${k(sc.live_at_check)} open at the check${sc.agree_with_live ? ', every instance reports exactly that' : ''}`);
      for (const p of sc.ports) console.log(`    :${p.port} ${p.error ? 'ERROR ' + p.error : `reports ${k(p.connections)} (instances ${(p.instances || []).map((i) => k(i.connections)).join(' + ')}), rooms ${k(p.rooms)}, members of the bench rooms ${k(p.bench_room_members)}`}`);
      if (!sc.ok) bad = true;
    }
    if (r.failed) bad = true;
  }
}
console.log(bad ? 'RESULT: problems above' : 'RESULT: ok');
process.exit(bad ? 1 : 0);
EOF
SUMMARY_RC=${PIPESTATUS[0]}
set -e
say "results: $OUT"
if [ $FAILED -ne 0 ] || [ "$SUMMARY_RC" -ne 0 ]; then exit 1; fi
