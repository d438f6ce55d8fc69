#!/usr/bin/env bash
# Chaos run: three clustered Roomcast instances (Payara Micro, Hazelcast on loopback) and JSON
# clients in 20 rooms publishing acknowledged messages (with `ref`); mid-run one instance gets
# SIGKILL (a PID this script started, never a name), its clients reconnect to the survivors with
# `since` and resend what was not acknowledged. Prints acknowledged messages, what each client saw
# per room, gaps, duplicates, recovered true/false, epochs changed and recovery time p50/p99
# (bench/chaos.js does the clients and the figures). About 1.5 minutes.
#
#   bench/chaos.sh [--control] [--instances 3] [--war target/roomcast.war] [chaos.js options: --rooms 20 --per-room 3
#                  --rate 2 --duration 24 --kill-at 10 --drain 15 --ack-timeout 5]
#
# --war       another build of the WAR (default target/roomcast.war)
# --control   one instance, no cluster, nothing killed: a third of the clients drop their own
#             sockets instead and reconnect with `since`. A single instance recovers exactly, so
#             this run must print RESULT: ok; it checks the measurement itself.
# Env: CHAOS_JVM_OPTS (default -Xms256m -Xmx768m -XX:+UseSerialGC -XX:TieredStopAtLevel=1), CHAOS_HTTP_PORT (first HTTP port
# tried, 18281), CHAOS_HZ_PORT (first Hazelcast port tried, 17071).
# Results (figures as JSON, instance logs) in bench/results/<stamp>-chaos/. Exit code 0 only when
# nothing acknowledged was lost, nothing was seen twice and every reconnect recovered.
# Needs target/roomcast.war and target/payara-micro.jar (mvn -B -q package -DskipTests dependency:copy@payara-micro).
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"

INSTANCES=3
CONTROL=0
WAR_SRC="$REPO/target/roomcast.war"
CHAOS_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --control) CONTROL=1; INSTANCES=1; shift ;;
    --instances) INSTANCES=${2:?--instances N}; shift 2 ;;
    --war) WAR_SRC=$(realpath "${2:?--war PATH}"); shift 2 ;;
    --ports|--kill-pid|--jwt-secret|--out) echo "$1 is set by chaos.sh" >&2; exit 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) CHAOS_ARGS+=("$1"); shift ;;
  esac
done
[[ "$INSTANCES" =~ ^[1-9]$ ]] || { echo "--instances must be 1..9" >&2; exit 2; }
[ "$CONTROL" -eq 1 ] || [ "$INSTANCES" -ge 2 ] || { echo "a kill needs 2 instances or more (or --control)" >&2; exit 2; }

JAR_SRC="$REPO/target/payara-micro.jar"
if [ ! -f "$JAR_SRC" ] || [ ! -f "$WAR_SRC" ]; then
  echo "$WAR_SRC or target/payara-micro.jar missing: run mvn -B -q package -DskipTests dependency:copy@payara-micro first" >&2
  exit 2
fi
[ -d "$BENCH/node_modules/ws" ] || (cd "$BENCH" && npm ci --no-audit --no-fund --silent)

STAMP=$(date -u +%Y%m%d-%H%M%S)
OUT="$BENCH/results/$STAMP-chaos$([ "$CONTROL" -eq 1 ] && echo -control || true)"
mkdir -p "$OUT"
# private copies: a concurrent mvn package cannot pull the WAR away mid-run
WORK="$BENCH/.work/chaos-$STAMP-$$"
mkdir -p "$WORK"
cp "$JAR_SRC" "$WORK/payara-micro.jar"
cp "$WAR_SRC" "$WORK/roomcast.war"

t0=$SECONDS
say() { printf '[chaos.sh +%ss] %s\n' "$((SECONDS - t0))" "$*" | tee -a "$OUT/run.log" >&2; }

# Every process this script starts is in PIDS (instances), HELPER_PID (the readiness wait) or
# CLIENTS_PID (chaos.js); the trap ends exactly those, on any exit.
PIDS=()
CLIENTS_PID=""
HELPER_PID=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for p in "$CLIENTS_PID" "$HELPER_PID"; do
    if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then kill -TERM "$p" 2>/dev/null || true; fi
  done
  local alive=()
  for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive+=("$p"); done
  if [ ${#alive[@]} -gt 0 ]; then
    say "stopping instance(s) ${alive[*]}"
    for p in "${alive[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    local deadline=$((SECONDS + 20))
    for p in "${alive[@]}"; do
      while kill -0 "$p" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.25; done
      kill -0 "$p" 2>/dev/null && { say "instance $p still running 20 s after SIGTERM: SIGKILL"; kill -KILL "$p" 2>/dev/null || true; }
    done
  fi
  wait 2>/dev/null || true
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- ports and settings
free_ports() { # first, count, avoid
  node -e '
const { freePorts } = require(process.argv[1]);
freePorts(Number(process.argv[2]), Number(process.argv[3]), { avoid: (process.argv[4] || "").split(",").map(Number) }).then((got) => {
  if (!got) { console.error(`no ${process.argv[3]} free ports from ${process.argv[2]}`); process.exit(1); }
  console.log(got.join(" "));
});' -- "$BENCH/lib/ports.js" "$1" "$2" "${3:-}"
}
read -r -a HTTP_PORTS <<<"$(free_ports "${CHAOS_HTTP_PORT:-18281}" "$INSTANCES")"
read -r -a HZ_PORTS <<<"$(free_ports "${CHAOS_HZ_PORT:-17071}" "$INSTANCES" "$(IFS=,; echo "${HTTP_PORTS[*]}")")"
MEMBERS=""
for h in "${HZ_PORTS[@]}"; do MEMBERS+="${MEMBERS:+,}127.0.0.1:$h"; done
CLUSTER="roomcast-chaos-$STAMP-$$"
# C1 only and the serial collector: three JVMs booting at once on a small machine spend most of
# their start-up in the JIT and GC threads; the run itself is light (about 120 publishes/s).
JVM_OPTS=${CHAOS_JVM_OPTS:-"-Xms256m -Xmx768m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"}
SECRET=$(cd "$BENCH" && node -e 'console.log(require("./config").jwtSecret)')
CLUSTER_SECRET=$(head -c 33 /dev/urandom | base64 | tr -d '\n') # this run's instances only
# Settings: a signed token per client (no dev mode), rate limits out of the way (2.1's per-user and
# per-address ones too: every client connects from 127.0.0.1), streams at their defaults; the cluster
# secret and size, without which instances do not share rooms (PROTOCOL 13.10), below.
ENVV=(ROOMCAST_JWT_SECRET="$SECRET" ROOMCAST_LIMITS_RATE=100000 ROOMCAST_LIMITS_BURST=100000
      ROOMCAST_LIMITS_USER_RATE=1000000 ROOMCAST_LIMITS_USER_BURST=1000000
      ROOMCAST_LIMITS_HANDSHAKE_RATE=1000000 ROOMCAST_LIMITS_HANDSHAKE_BURST=1000000
      ROOMCAST_LIMITS_CONNECTIONS_PER_ADDRESS=100000 ROOMCAST_LIMITS_CONNECTIONS_PER_USER=100000
      ROOMCAST_HEARTBEAT_INTERVAL=5 ROOMCAST_HEARTBEAT_TIMEOUT=60)

# ---------------------------------------------------------------- start
say "${WAR_SRC#$REPO/} on $INSTANCES instance(s)$([ "$CONTROL" -eq 1 ] && echo ' (control run, no cluster)' || echo ", Hazelcast $MEMBERS"), HTTP ${HTTP_PORTS[*]}, JVM $JVM_OPTS; results in ${OUT#$REPO/}"
for i in $(seq 0 $((INSTANCES - 1))); do
  name="chaos-$((i + 1))"
  mkdir -p "$WORK/$name-tmp"
  # shellcheck disable=SC2086 # JVM_OPTS is a list of options
  cmd=(java $JVM_OPTS "-Djava.io.tmpdir=$WORK/$name-tmp" -jar "$WORK/payara-micro.jar"
       --deploy "$WORK/roomcast.war" --contextroot / --port "${HTTP_PORTS[$i]}" --name "$name")
  clustering=()
  if [ "$CONTROL" -eq 1 ]; then
    cmd+=(--nocluster)
  else
    cmd+=(--clustername "$CLUSTER" --clustermode "tcpip:$MEMBERS" --interfaces 127.0.0.1 --startport "${HZ_PORTS[$i]}")
    # Rooms are shared only with the cluster secret (PROTOCOL 13.10); publishes need a majority of the size.
    clustering=(ROOMCAST_CLUSTER_SECRET="$CLUSTER_SECRET" ROOMCAST_CLUSTER_SIZE="$INSTANCES")
  fi
  echo "==== $(date -u +%FT%TZ) ${cmd[*]}" >"$OUT/$name.log"
  env "${ENVV[@]}" "${clustering[@]}" "${cmd[@]}" >>"$OUT/$name.log" 2>&1 &
  PIDS+=($!)
  say "started $name: pid $!, http ${HTTP_PORTS[$i]}"
done

# Until every instance answers /api/status listing all instances (bounded: 240 s).
say "waiting until every /api/status lists $INSTANCES instance(s)"
# In the background + wait, as the clients below: a signal to this script is handled at once.
node - "$(IFS=,; echo "${HTTP_PORTS[*]}")" "$(IFS=,; echo "${PIDS[*]}")" "$INSTANCES" "$CONTROL" <<'EOF' &
const [ports, pids] = [process.argv[2].split(',').map(Number), process.argv[3].split(',').map(Number)];
const n = Number(process.argv[4]); const control = process.argv[5] === '1';
const deadline = Date.now() + 240_000;
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return false; } };
(async () => {
  for (;;) {
    let ready = 0;
    for (let k = 0; k < ports.length; k++) {
      if (!alive(pids[k])) { console.error(`instance pid ${pids[k]} (port ${ports[k]}) exited during start-up`); process.exit(1); }
      try {
        const res = await fetch(`http://127.0.0.1:${ports[k]}/api/status`, { signal: AbortSignal.timeout(3000) });
        if (res.status !== 200) continue;
        const b = await res.json();
        if (control || (Array.isArray(b.instances) && b.instances.length === n)) ready += 1;
      } catch (e) { /* not up yet */ }
    }
    if (ready === ports.length) process.exit(0);
    if (Date.now() > deadline) { console.error('the instances did not all come up (or find each other) in 240 s'); process.exit(1); }
    await new Promise((r) => setTimeout(r, 500));
  }
})();
EOF
HELPER_PID=$!
wait "$HELPER_PID"
HELPER_PID=""
say "ready"

# ---------------------------------------------------------------- the run
KILL=()
# The victim is the second instance: chaos.js sends SIGKILL to this PID, which this script started.
[ "$CONTROL" -eq 1 ] || KILL=(--kill-pid "${PIDS[1]}" --victim 1)
set +e
node "$BENCH/chaos.js" --ports "$(IFS=,; echo "${HTTP_PORTS[*]}")" --jwt-secret "$SECRET" "${KILL[@]}" \
  --out "$OUT/chaos.json" "${CHAOS_ARGS[@]}" > >(tee "$OUT/SUMMARY.txt") 2> >(tee -a "$OUT/run.log" >&2) &
CLIENTS_PID=$!
wait "$CLIENTS_PID"
RC=$?
CLIENTS_PID=""
set -e
if [ "$CONTROL" -eq 0 ] && kill -0 "${PIDS[1]}" 2>/dev/null; then say "the victim (pid ${PIDS[1]}) is still alive"; RC=1; fi
for k in "${!PIDS[@]}"; do
  [ "$CONTROL" -eq 0 ] && [ "$k" -eq 1 ] && continue
  kill -0 "${PIDS[$k]}" 2>/dev/null || { say "instance chaos-$((k + 1)) (pid ${PIDS[$k]}) died during the run"; RC=1; }
done
say "results: ${OUT#$REPO/} (exit $RC)"
exit "$RC"
