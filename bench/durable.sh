#!/usr/bin/env bash
# The durable store's figures (issue 22) in one command: the same target/roomcast.war on Payara Micro
# and on WildFly, each with roomcast.store=memory and then =postgres (a PostgreSQL this run starts on
# loopback and removes afterwards), side by side: echo, fan-out 100x10 and 1x1000 at 20,000
# deliveries/s, publish-to-ack latency at 2,000 publishes/s, acknowledged publishes/s to saturation.
#
#   bench/durable.sh                 full run (10-12 min on 2 cores); bench/results/<stamp>-durable/DURABLE.md
#   bench/durable.sh --quick         smoke-sized run (5-8 min)
#   options passed on to durable.js: --servers roomcast,roomcast-wildfly  --stores memory,postgres
#                                    --jfr auto|always|never  --keep-pg  --out DIR
#                                    --only SCENARIOS  --repeat N  --jfr-scenario S [--profiler async]
#
# Idempotent: npm ci where the load generator's ws is missing, Debian's PostgreSQL installed by
# src/postgres/postgres.sh when missing (root), Roomcast built with `mvn -q -DskipTests package dependency:copy@payara-micro` when
# target/roomcast.war is missing, WildFly unpacked into target/ when missing. Signals only the PIDs it
# started (the servers, the postmaster).
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
say() { echo "[durable.sh] $*"; }
ASYNC_PROFILER_VERSION=4.1

command -v node >/dev/null || { echo "node (>= 18) is required" >&2; exit 1; }
if [ ! -d "$BENCH/node_modules/ws" ]; then
  say "npm ci in bench"
  (cd "$BENCH" && npm ci --no-audit --no-fund --silent)
fi
bash "$REPO/src/postgres/postgres.sh" install
if [ ! -f "$REPO/target/roomcast.war" ] || [ ! -f "$REPO/target/payara-micro.jar" ]; then
  say "building Roomcast: mvn -q -DskipTests package dependency:copy@payara-micro"
  (cd "$REPO" && mvn -q -DskipTests package dependency:copy@payara-micro)
fi
if ! ls "$REPO"/target/wildfly-*/jboss-modules.jar >/dev/null 2>&1; then
  say "unpacking WildFly: mvn -q -Pwildfly dependency:unpack@wildfly-dist"
  (cd "$REPO" && mvn -q -Pwildfly dependency:unpack@wildfly-dist) || say "WARNING: WildFly unpack failed; roomcast-wildfly will be skipped"
fi
case " $* " in
  *" --profiler async "*)
    AP="$BENCH/.work/async-profiler"
    if [ ! -f "$AP/libasyncProfiler.so" ]; then
      say "fetching async-profiler from Maven Central (tools.profiler:async-profiler:$ASYNC_PROFILER_VERSION)"
      (cd "$REPO" && mvn -q dependency:copy -Dartifact="tools.profiler:async-profiler:$ASYNC_PROFILER_VERSION" -DoutputDirectory="$AP")
      unzip -q -o -j "$AP/async-profiler-$ASYNC_PROFILER_VERSION.jar" linux-x64/libasyncProfiler.so -d "$AP"
    fi ;;
esac
exec node "$BENCH/durable.js" "$@"
