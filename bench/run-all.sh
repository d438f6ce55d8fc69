#!/usr/bin/env bash
# One command for the whole comparison: Roomcast on Payara Micro and on WildFly
# (the same WAR) vs the FastAPI and Node ws peers, every scenario, results +
# docs/BENCHMARKS.md + docs/bench-latency.svg.
#
#   bench/run-all.sh             full run (< 15 min on 2 cores)
#   bench/run-all.sh --quick     smoke-sized run (~2-3 min), report only in bench/results/
#   options passed on to run-all.js: --servers roomcast,roomcast-wildfly,fastapi,node-ws  --no-variants  --no-docs
#
# Idempotent: installs what is missing (npm ci for the load generator and the
# node-ws peer; Debian python3-fastapi/uvicorn via apt-get as root), builds
# Roomcast with `mvn -q -DskipTests package dependency:copy@payara-micro` when target/roomcast.war is
# missing, then starts each server in turn on 127.0.0.1:18080-18082, runs the
# scenarios and stops it. Targets loopback only.
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
say() { echo "[run-all.sh] $*"; }

command -v node >/dev/null || { echo "node (>= 18) is required" >&2; exit 1; }

# 1. load generator and node-ws peer
for d in "$BENCH" "$BENCH/peers/node-ws"; do
  if [ ! -d "$d/node_modules/ws" ]; then
    say "npm ci in ${d#$REPO/}"
    (cd "$d" && npm ci --no-audit --no-fund --silent)
  fi
done

# 2. FastAPI peer: Debian's packages, Debian's /usr/bin/python3
PYMODS="import fastapi, uvicorn, websockets, jwt, uvloop, httptools"
if ! /usr/bin/python3 -c "$PYMODS" 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing python3-fastapi python3-uvicorn (+ websockets, uvloop, httptools, jwt) with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends python3-fastapi python3-uvicorn python3-websockets \
      python3-uvloop python3-httptools python3-jwt >/dev/null
  else
    say "WARNING: FastAPI peer needs python3-fastapi python3-uvicorn python3-websockets python3-uvloop python3-httptools python3-jwt (apt-get as root)"
  fi
fi

# 3. Roomcast
if [ ! -f "$REPO/target/roomcast.war" ] || [ ! -f "$REPO/target/payara-micro.jar" ]; then
  say "building Roomcast: mvn -q -DskipTests package dependency:copy@payara-micro"
  (cd "$REPO" && mvn -q -DskipTests package dependency:copy@payara-micro) || say "WARNING: Roomcast build failed; it will be skipped"
fi

# 3b. WildFly for the same WAR: unpacked from Maven Central into target/ by the wildfly profile
if ! ls "$REPO"/target/wildfly-*/jboss-modules.jar >/dev/null 2>&1; then
  say "unpacking WildFly: mvn -q -Pwildfly dependency:unpack@wildfly-dist"
  (cd "$REPO" && mvn -q -Pwildfly dependency:unpack@wildfly-dist) || say "WARNING: WildFly unpack failed; roomcast-wildfly will be skipped"
fi

# 4. run
exec node "$BENCH/run-all.js" "$@"
