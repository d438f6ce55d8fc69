#!/usr/bin/env bash
# Durable chaos run (issue 22): three Roomcast instances with roomcast.store=postgres on one
# PostgreSQL that this script starts itself (src/postgres/postgres.sh, data under bench/.work/):
# two Payara Micro (--nocluster: the database is the cluster) and one WildFly, and the JSON clients
# of bench/chaos.js in 20 rooms over all three, publishing acknowledged messages (with `ref`).
# Then, in order, each a signal to a PID this script started, never a name:
#   kill-one     SIGKILL of the second instance; its clients reconnect elsewhere with `since` and
#                resend what was not acknowledged
#   victim-back  that instance started again (same port), so that the next phase has three to kill
#   kill-all     SIGKILL of all three, all three started again (same ports); clients reconnect with `since`
#   pg-restart   PostgreSQL killed (SIGKILL of the postmaster; --pg-stop fast: SIGINT, a fast
#                shutdown) and started again on the same data and port; publishes refused meanwhile
#                as `unavailable` are resent by the clients until acknowledged
# then publishing stops, the clients drain, and it prints acknowledged, lost, duplicates,
# recovered true/false, epochs changed and recovery time p50/p99, overall and per phase. About
# 3 minutes (most of it JVMs booting on two cores).
#
#   bench/chaos-durable.sh [--runtimes payara,payara,wildfly | --instances 1] [--pg-stop kill|fast]
#                          [--phase-seconds 8] [--war target/roomcast.war]
#                          [chaos.js options: --rooms 20 --per-room 3 --rate 2 --drain 30 --ack-timeout 5]
#
# --runtimes     the instances, in order (payara or wildfly each); the second one is the victim of
#                kill-one. With a single instance (--instances 1 = --runtimes payara) there is no
#                kill-one or victim-back: kill-all kills it and starts it again.
# --pg-stop      kill (default: SIGKILL, a crash; committed rows must survive it) or fast (SIGINT)
# --phase-seconds  how long the clients publish between two events (default 8)
# Env: CHAOS_JVM_OPTS (as chaos.sh: -Xms256m -Xmx768m -XX:+UseSerialGC -XX:TieredStopAtLevel=1),
# CHAOS_HTTP_PORT (first HTTP port tried, 18381), CHAOS_PG_PORT (first PostgreSQL port tried, 15532).
# Results (figures as JSON, SUMMARY.txt, instance and database logs) in
# bench/results/<stamp>-chaos-durable/. Exit code 0 only with 0 lost, 0 duplicates, 0 epochs changed
# and every reconnect recovered:true. Everything it started is stopped on any exit (Ctrl-C too), and
# bench/.work/chaos-durable-* (the database's data included) is deleted.
# Needs target/roomcast.war, target/payara-micro.jar (mvn -B -o package -DskipTests dependency:copy@payara-micro) and, for WildFly,
# target/wildfly-*/ (mvn -B -o -Pwildfly dependency:unpack@wildfly-dist); PostgreSQL 15 is installed
# by postgres.sh when missing (root).
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
PG_SH="$REPO/src/postgres/postgres.sh"
PG_BIN="${ROOMCAST_PG_BIN:-/usr/lib/postgresql/15/bin}"

RUNTIMES=(payara payara wildfly)
PG_STOP=kill
PHASE_S=8
WAR_SRC="$REPO/target/roomcast.war"
CHAOS_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runtimes) IFS=, read -r -a RUNTIMES <<<"${2:?--runtimes payara,payara,wildfly}"; shift 2 ;;
    --instances) [ "${2:-}" = 1 ] || { echo "--instances takes 1 only (else --runtimes)" >&2; exit 2; }; RUNTIMES=(payara); shift 2 ;;
    --pg-stop) PG_STOP=${2:?--pg-stop kill|fast}; shift 2 ;;
    --phase-seconds) PHASE_S=${2:?--phase-seconds N}; shift 2 ;;
    --war) WAR_SRC=$(realpath "${2:?--war PATH}"); shift 2 ;;
    --ports|--kill-pid|--victim|--jwt-secret|--out|--phases|--state-file|--duration|--kill-at)
      echo "$1 is set by chaos-durable.sh" >&2; exit 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) CHAOS_ARGS+=("$1"); shift ;;
  esac
done
N=${#RUNTIMES[@]}
[ "$N" -ge 1 ] && [ "$N" -le 9 ] || { echo "1 to 9 instances" >&2; exit 2; }
for r in "${RUNTIMES[@]}"; do [[ "$r" =~ ^(payara|wildfly)$ ]] || { echo "runtime $r: payara or wildfly" >&2; exit 2; }; done
[[ "$PG_STOP" =~ ^(kill|fast)$ ]] || { echo "--pg-stop kill or fast" >&2; exit 2; }
[[ "$PHASE_S" =~ ^[0-9]+$ ]] || { echo "--phase-seconds N" >&2; exit 2; }

JAR_SRC="$REPO/target/payara-micro.jar"
if [ ! -f "$JAR_SRC" ] || [ ! -f "$WAR_SRC" ]; then
  echo "$WAR_SRC or target/payara-micro.jar missing: run mvn -B -o package -DskipTests dependency:copy@payara-micro first" >&2
  exit 2
fi
WILDFLY_HOME=""
if [[ " ${RUNTIMES[*]} " == *" wildfly "* ]]; then
  for d in "$REPO"/target/wildfly-[0-9]*; do [ -f "$d/jboss-modules.jar" ] && WILDFLY_HOME="$d"; done
  [ -n "$WILDFLY_HOME" ] || { echo "target/wildfly-*/ missing: run mvn -B -o -Pwildfly dependency:unpack@wildfly-dist first" >&2; exit 2; }
fi
[ -d "$BENCH/node_modules/ws" ] || (cd "$BENCH" && npm ci --no-audit --no-fund --silent)
bash "$PG_SH" install >/dev/null

STAMP=$(date -u +%Y%m%d-%H%M%S)
OUT="$BENCH/results/$STAMP-chaos-durable"
mkdir -p "$OUT"
# Private copies (a concurrent mvn package cannot pull the WAR away mid-run) and the database's data.
WORK="$BENCH/.work/chaos-durable-$STAMP-$$"
mkdir -p "$WORK"
cp "$JAR_SRC" "$WORK/payara-micro.jar"
cp "$WAR_SRC" "$WORK/roomcast.war"

t0=$SECONDS
say() { printf '[chaos-durable +%ss] %s\n' "$((SECONDS - t0))" "$*" | tee -a "$OUT/run.log" >&2; }

# Every process this script starts is in PIDS (instances), PG_PID (the postmaster), HELPER_PID (a
# readiness wait) or CLIENTS_PID (chaos.js); the trap ends exactly those, on any exit (and the
# postmaster's backends, should any outlive it: pg_procs). PostgreSQL runs in a session of its own
# (setsid execs, so PG_PID stays the postmaster), so that a Ctrl-C in the terminal does not reach it
# before the instances are stopped.
PIDS=()
PG_PID=""
CLIENTS_PID=""
HELPER_PID=""
PG_PORT=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  exec 3>&- 2>/dev/null || true
  for p in "$CLIENTS_PID" "$HELPER_PID"; do
    if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then kill -TERM "$p" 2>/dev/null || true; fi
  done
  local alive=()
  for p in "${PIDS[@]}"; do [ -n "$p" ] && kill -0 "$p" 2>/dev/null && alive+=("$p"); done
  if [ ${#alive[@]} -gt 0 ]; then
    say "stopping instance(s) ${alive[*]}"
    for p in "${alive[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    local deadline=$((SECONDS + 20))
    for p in "${alive[@]}"; do
      while kill -0 "$p" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.25; done
      kill -0 "$p" 2>/dev/null && { say "instance $p still running 20 s after SIGTERM: SIGKILL"; kill -KILL "$p" 2>/dev/null || true; }
    done
  fi
  if [ -n "$PG_PID" ] && kill -0 "$PG_PID" 2>/dev/null; then
    say "stopping PostgreSQL (pid $PG_PID, fast shutdown)"
    kill -INT "$PG_PID" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while kill -0 "$PG_PID" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.25; done
    kill -0 "$PG_PID" 2>/dev/null && { say "PostgreSQL still running 30 s after SIGINT: SIGKILL"; kill -KILL "$PG_PID" 2>/dev/null || true; }
  fi
  if [ -n "$PG_PID" ] && ! pg_procs_gone 30; then
    local left
    left=$(pg_procs | tr '\n' ' ')
    say "PostgreSQL backends left 30 s after the postmaster: SIGKILL to $left"
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null || true
  fi
  wait 2>/dev/null || true
  [ -f "$WORK/pg/log" ] && cp "$WORK/pg/log" "$OUT/postgres.log" 2>/dev/null
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# A write to chaos.js after it ended fails (set -e) instead of killing this script untrapped.
trap '' PIPE

# ---------------------------------------------------------------- helpers
free_ports() { # first, count, avoid
  node -e '
const { freePorts } = require(process.argv[1]);
freePorts(Number(process.argv[2]), Number(process.argv[3]), { avoid: (process.argv[4] || "").split(",").map(Number) }).then((got) => {
  if (!got) { console.error(`no ${process.argv[3]} free ports from ${process.argv[2]}`); process.exit(1); }
  console.log(got.join(" "));
});' -- "$BENCH/lib/ports.js" "$1" "$2" "${3:-}"
}

# An HTTP port for WildFly whose offset from 8080 moves every socket of standalone.xml (https, ajp,
# management, txn) onto free ports too (as testsupport/WildFlyProcess does).
free_wildfly_port() { # first, avoid
  node -e '
const { portFree } = require(process.argv[1]);
const avoid = (process.argv[3] || "").split(",").map(Number);
const DEFAULTS = [8080, 8443, 8009, 9990, 9993, 4712, 4713];
(async () => {
  for (let http = Number(process.argv[2]); http < Number(process.argv[2]) + 400; http++) {
    const ports = DEFAULTS.map((p) => p - 8080 + http);
    if (ports.some((p) => avoid.includes(p))) continue;
    let all = true;
    for (const p of ports) if (!(await portFree(p))) { all = false; break; }
    if (all) { console.log(http); return; }
  }
  console.error("no WildFly port offset with every socket free"); process.exit(1);
})();' -- "$BENCH/lib/ports.js" "$1" "${2:-}"
}

# Is any process of this run's PostgreSQL left? The postmaster and every backend it forks work in
# the data directory (their cwd), and no other process does; a process group would not do, since
# each backend makes a session of its own.
pg_procs() {
  local cwd data
  data=$(realpath "$WORK/pg/data")
  for cwd in /proc/[0-9]*/cwd; do
    [ "$(readlink "$cwd" 2>/dev/null)" = "$data" ] && { cwd=${cwd#/proc/}; echo "${cwd%/cwd}"; }
  done
  return 0
}
pg_procs_gone() { # seconds
  local deadline=$((SECONDS + $1))
  while [ -n "$(pg_procs)" ]; do
    [ $SECONDS -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

pg_start() {
  echo "==== $(date -u +%FT%TZ) starting on 127.0.0.1:$PG_PORT" >>"$WORK/pg/log"
  setsid bash "$PG_SH" serve "$WORK/pg/data" "$PG_PORT" >>"$WORK/pg/log" 2>&1 &
  PG_PID=$!
  local deadline=$((SECONDS + 120))
  until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U roomcast -d postgres; do
    kill -0 "$PG_PID" 2>/dev/null || { say "PostgreSQL exited during start-up; see $OUT/postgres.log"; tail -5 "$WORK/pg/log" >&2; return 1; }
    [ $SECONDS -lt $deadline ] || { say "PostgreSQL not ready in 120 s"; return 1; }
    sleep 0.1
  done
  # The PID signalled later must be the postmaster itself (setsid and setpriv exec, they do not fork).
  [ "$(readlink "/proc/$PG_PID/exe")" = "$(realpath "$PG_BIN/postgres")" ] \
    || { say "pid $PG_PID is not the postmaster ($(readlink "/proc/$PG_PID/exe")): refusing to go on"; return 1; }
}

SECRET=$(cd "$BENCH" && node -e 'console.log(require("./config").jwtSecret)')
JVM_OPTS=${CHAOS_JVM_OPTS:-"-Xms256m -Xmx768m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"}
WILDFLY_MODULE_OPTIONS=$(cd "$BENCH" && node -e 'console.log(require("./lib/servers").WILDFLY_MODULE_OPTIONS.join(" "))')
# Settings as chaos.sh (a signed token per client, rate limits out of the way), no drain at stop
# (nothing to tell a load balancer), and the durable store on this run's database. No cluster
# secret: without it the instances use no Hazelcast; the database makes them one service.
ENVV=(ROOMCAST_JWT_SECRET="$SECRET" ROOMCAST_LIMITS_RATE=100000 ROOMCAST_LIMITS_BURST=100000
      ROOMCAST_LIMITS_USER_RATE=1000000 ROOMCAST_LIMITS_USER_BURST=1000000
      ROOMCAST_LIMITS_HANDSHAKE_RATE=1000000 ROOMCAST_LIMITS_HANDSHAKE_BURST=1000000
      ROOMCAST_LIMITS_CONNECTIONS_PER_ADDRESS=100000 ROOMCAST_LIMITS_CONNECTIONS_PER_USER=100000
      ROOMCAST_HEARTBEAT_INTERVAL=5 ROOMCAST_HEARTBEAT_TIMEOUT=60 ROOMCAST_SHUTDOWN_GRACE=0
      ROOMCAST_STORE=postgres ROOMCAST_STORE_USER=roomcast)

NAMES=()
for i in $(seq 0 $((N - 1))); do NAMES+=("${RUNTIMES[$i]}-$((i + 1))"); done

start_instance() { # index
  local i=$1 name=${NAMES[$1]} cmd
  # shellcheck disable=SC2086 # JVM_OPTS is a list of options
  if [ "${RUNTIMES[$i]}" = payara ]; then
    mkdir -p "$WORK/$name-tmp"
    cmd=(java $JVM_OPTS "-Djava.io.tmpdir=$WORK/$name-tmp" -jar "$WORK/payara-micro.jar"
         --deploy "$WORK/roomcast.war" --contextroot / --port "${HTTP_PORTS[$i]}" --name "$name" --nocluster)
  else
    local base="$WORK/$name"
    # shellcheck disable=SC2086
    cmd=(java $JVM_OPTS $WILDFLY_MODULE_OPTIONS "-Djboss.home.dir=$WILDFLY_HOME" "-Djboss.server.base.dir=$base"
         "-Dorg.jboss.boot.log.file=$base/log/server.log" "-Dlogging.configuration=file:$base/configuration/logging.properties"
         -Djava.net.preferIPv4Stack=true -Djboss.bind.address=127.0.0.1 -Djboss.bind.address.management=127.0.0.1
         "-Djboss.socket.binding.port-offset=$((HTTP_PORTS[$i] - 8080))"
         -jar "$WILDFLY_HOME/jboss-modules.jar" -mp "$WILDFLY_HOME/modules" org.jboss.as.standalone -c=standalone.xml)
  fi
  echo "==== $(date -u +%FT%TZ) ${cmd[*]}" >>"$OUT/$name.log"
  (cd "$WORK" && exec env "${ENVV[@]}" ROOMCAST_STORE_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/roomcast" "${cmd[@]}") >>"$OUT/$name.log" 2>&1 &
  PIDS[$i]=$!
  say "started $name: pid ${PIDS[$i]}, http ${HTTP_PORTS[$i]}"
}

kill_instance() { # index
  local i=$1
  kill -KILL "${PIDS[$i]}"
  wait "${PIDS[$i]}" 2>/dev/null || true
  say "SIGKILL to ${NAMES[$i]} (pid ${PIDS[$i]})"
  PIDS[$i]=""
}

# Until the given instances answer /api/status 200 and /api/health/ready 200 (the room store UP) and,
# when the WAR has the database bus, until each lists at least all N instances. Bounded: 240 s.
await_instances() { # indexes...
  local ports=() pids=() i
  for i in "$@"; do ports+=("${HTTP_PORTS[$i]}"); pids+=("${PIDS[$i]}"); done
  node - "$(IFS=,; echo "${ports[*]}")" "$(IFS=,; echo "${pids[*]}")" "$([ "$HAS_BUS" = 1 ] && echo "$N" || echo 0)" <<'EOF' &
const [ports, pids] = [process.argv[2].split(',').map(Number), process.argv[3].split(',').map(Number)];
const want = Number(process.argv[4]);
const deadline = Date.now() + 240_000;
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return false; } };
const get = async (port, path) => fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3000) });
(async () => {
  for (;;) {
    let ready = 0;
    for (let k = 0; k < ports.length; k++) {
      if (!alive(pids[k])) { console.error(`instance pid ${pids[k]} (port ${ports[k]}) exited during start-up`); process.exit(1); }
      try {
        const status = await get(ports[k], '/api/status');
        if (status.status !== 200) continue;
        const b = await status.json();
        if ((await get(ports[k], '/api/health/ready')).status !== 200) continue;
        if (want && !(Array.isArray(b.instances) && b.instances.length >= want)) continue;
        ready += 1;
      } catch (e) { /* not up yet */ }
    }
    if (ready === ports.length) process.exit(0);
    if (Date.now() > deadline) { console.error('the instances did not all come up (or see each other) in 240 s'); process.exit(1); }
    await new Promise((r) => setTimeout(r, 500));
  }
})();
EOF
  HELPER_PID=$!
  wait "$HELPER_PID"
  HELPER_PID=""
}

# Until chaos.js reports every client joined and none recovering (bounded; a timeout is reported,
# the figures then say what did not recover).
await_clients() { # seconds
  local deadline=$((SECONDS + $1)) ready clients recovering unacked publishing
  while :; do
    kill -0 "$CLIENTS_PID" 2>/dev/null || { say "chaos.js ended early"; return 1; }
    if [ -f "$WORK/state" ]; then
      read -r ready clients recovering unacked publishing <"$WORK/state" || true
      if [ "${ready#ready=}" = "${clients#clients=}" ] && [ "$recovering" = recovering=0 ]; then return 0; fi
    fi
    [ $SECONDS -lt "$deadline" ] || { say "clients not all recovered after $1 s ($ready $clients $recovering $unacked)"; return 0; }
    sleep 0.2
  done
}
await_publishing() { # seconds
  local deadline=$((SECONDS + $1))
  until grep -q publishing=1 "$WORK/state" 2>/dev/null; do
    kill -0 "$CLIENTS_PID" 2>/dev/null || { say "chaos.js ended before publishing"; return 1; }
    [ $SECONDS -lt "$deadline" ] || { say "clients not publishing after $1 s"; return 1; }
    sleep 0.2
  done
}
phase() { say "phase $*"; echo "phase $*" >&3; }
publish_for() { sleep "$1"; } # the clients publish meanwhile: load, not a wait for an outcome

# ---------------------------------------------------------------- ports, database, WildFly's configuration
read -r -a HTTP_PORTS <<<"$(free_ports "${CHAOS_HTTP_PORT:-18381}" "$N")"
for i in $(seq 0 $((N - 1))); do
  if [ "${RUNTIMES[$i]}" = wildfly ]; then
    HTTP_PORTS[$i]=$(free_wildfly_port "$((HTTP_PORTS[N - 1] + 1))" "$(IFS=,; echo "${HTTP_PORTS[*]}")")
  fi
done
PG_PORT=$(free_ports "${CHAOS_PG_PORT:-15532}" 1 "$(IFS=,; echo "${HTTP_PORTS[*]}")")
HAS_BUS=0
unzip -l "$WORK/roomcast.war" | grep -q '/PostgresBus.class' && HAS_BUS=1

say "${WAR_SRC#$REPO/} on ${NAMES[*]} (HTTP ${HTTP_PORTS[*]}), PostgreSQL on 127.0.0.1:$PG_PORT, JVM $JVM_OPTS; results in ${OUT#$REPO/}"
say "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine shows here and in boot times)"
[ "$HAS_BUS" = 1 ] || say "NOTE: this WAR has no PostgresBus: instances on one database share streams, but another instance's messages reach members here only when a gap shows (no notifications between instances)"

mkdir -p "$WORK/pg"
bash "$PG_SH" init "$WORK/pg/data" >"$WORK/pg/init.log" 2>&1 || { cat "$WORK/pg/init.log" >&2; exit 1; }
pg_start
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U roomcast roomcast
say "PostgreSQL pid $PG_PID on 127.0.0.1:$PG_PORT, database roomcast (data in ${WORK#$REPO/}/pg/data)"

if [ -n "$WILDFLY_HOME" ]; then
  # One configured standalone/ (src/main/wildfly/roomcast.cli applied as an operator would, as
  # testsupport/WildFlyProcess does), copied for each WildFly instance with the WAR as ROOT.war.
  template="$WORK/wildfly-template"
  cp -r "$WILDFLY_HOME/standalone" "$template"
  rm -rf "$template/data" "$template/tmp" "$template/log"
  say "applying src/main/wildfly/roomcast.cli to a copy of WildFly's standalone/"
  (cd "$template" && JAVA_OPTS="-Xms64m -Xmx256m -XX:TieredStopAtLevel=1" "$WILDFLY_HOME/bin/jboss-cli.sh" \
      "-Djboss.server.base.dir=$template" "--file=$REPO/src/main/wildfly/roomcast.cli") >"$OUT/wildfly-cli.log" 2>&1 \
    || { say "roomcast.cli failed; see $OUT/wildfly-cli.log"; exit 1; }
  rm -rf "$template/data" "$template/tmp" "$template/log"
  for i in $(seq 0 $((N - 1))); do
    if [ "${RUNTIMES[$i]}" = wildfly ]; then
      cp -r "$template" "$WORK/${NAMES[$i]}"
      cp "$WORK/roomcast.war" "$WORK/${NAMES[$i]}/deployments/ROOT.war"
    fi
  done
fi

# ---------------------------------------------------------------- start
for i in $(seq 0 $((N - 1))); do start_instance "$i"; done
say "waiting until every instance is ready$([ "$HAS_BUS" = 1 ] && echo " and lists $N instances")"
await_instances $(seq 0 $((N - 1)))
say "ready"

# ---------------------------------------------------------------- the run
mkfifo "$WORK/phases"
set +e
node "$BENCH/chaos.js" --ports "$(IFS=,; echo "${HTTP_PORTS[*]}")" --jwt-secret "$SECRET" \
  --phases stdin --state-file "$WORK/state" --duration 900 --drain 30 --out "$OUT/chaos.json" "${CHAOS_ARGS[@]}" \
  <"$WORK/phases" > >(tee "$OUT/SUMMARY.txt") 2> >(tee -a "$OUT/run.log" >&2) &
CLIENTS_PID=$!
set -e
exec 3>"$WORK/phases"
await_publishing 90
publish_for "$PHASE_S"

if [ "$N" -ge 2 ]; then
  phase kill-one "SIGKILL to ${NAMES[1]}"
  kill_instance 1
  await_clients 90
  publish_for "$PHASE_S"
  phase victim-back "${NAMES[1]} started again"
  start_instance 1
  await_instances 1
  await_clients 60
  publish_for "$((PHASE_S / 2))"
fi

phase kill-all "SIGKILL to every instance, all started again"
for i in $(seq 0 $((N - 1))); do kill_instance "$i"; done
for i in $(seq 0 $((N - 1))); do start_instance "$i"; done
await_instances $(seq 0 $((N - 1)))
say "instances ready again"
await_clients 90
publish_for "$PHASE_S"

if [ "$PG_STOP" = kill ]; then
  phase pg-restart "SIGKILL to the postmaster, started again on the same data and port"
  kill -KILL "$PG_PID"
else
  phase pg-restart "SIGINT (fast shutdown) to the postmaster, started again on the same data and port"
  kill -INT "$PG_PID"
fi
wait "$PG_PID" 2>/dev/null || true
# A crashed postmaster's backends end by themselves once they notice; a restart needs them gone.
pg_procs_gone 30 || { say "PostgreSQL backends still alive 30 s after the postmaster ended: $(pg_procs | tr '\n' ' ')"; exit 1; }
say "PostgreSQL stopped ($PG_STOP); starting it again"
pg_start
say "PostgreSQL pid $PG_PID again on 127.0.0.1:$PG_PORT"
publish_for "$PHASE_S"

echo stop >&3
exec 3>&-
set +e
wait "$CLIENTS_PID"
RC=$?
CLIENTS_PID=""
set -e
for i in $(seq 0 $((N - 1))); do
  kill -0 "${PIDS[$i]}" 2>/dev/null || { say "instance ${NAMES[$i]} (pid ${PIDS[$i]}) died during the run"; RC=1; }
done
say "load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
say "results: ${OUT#$REPO/} (exit $RC)"
exit "$RC"
