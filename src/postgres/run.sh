#!/usr/bin/env bash
# mvn -Prun-postgres: Roomcast with the durable store on a PostgreSQL this script starts itself.
#
#   run.sh <instance dir> <port> <command that starts Roomcast...>
#
# Installs PostgreSQL if missing, creates the cluster in <instance dir>/data once (kept between runs:
# that is the point, a restart of Roomcast loses nothing) with a password of its own, generated on
# first use into <instance dir>.password, starts the server on 127.0.0.1:<port> (log: <instance
# dir>.log), creates the database roomcast, then runs the command with that password in
# ROOMCAST_STORE_PASSWORD (an environment variable, so it never shows in ps). When Roomcast exits,
# or on Ctrl-C / SIGTERM, it stops Roomcast, then PostgreSQL: signals to the PIDs it started, only.
set -euo pipefail

[ $# -ge 3 ] || { echo "usage: run.sh <instance dir> <port> <command...>" >&2; exit 2; }
# mvn does not signal its child when it ends (exec:exec has no destroyer for a foreground command):
# ask the kernel for a SIGTERM when our parent dies. setpriv execs us again, same PID, same parent.
if [ -z "${ROOMCAST_RUN_WATCHED:-}" ]; then
  ROOMCAST_RUN_WATCHED=1 exec setpriv --pdeathsig TERM -- bash "${BASH_SOURCE[0]}" "$@"
fi
unset ROOMCAST_RUN_WATCHED
home="$(realpath -m "$1")" port="$2"
shift 2
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${ROOMCAST_PG_BIN:-/usr/lib/postgresql/15/bin}"
log="$home.log"
pwfile="$home.password"

# Job control: each background job gets a process group of its own, so a Ctrl-C in the terminal
# reaches this script (and mvn) only, and the trap below stops Roomcast before its database.
set -m

bash "$here/postgres.sh" install
if [ ! -s "$pwfile" ]; then
  [ ! -f "$home/data/PG_VERSION" ] ||
    { echo "run.sh: $home/data exists but $pwfile is gone; delete $home to start over" >&2; exit 1; }
  (umask 077; head -c 18 /dev/urandom | base64 | tr '+/' '-_' > "$pwfile")
fi
password="$(cat "$pwfile")"
ROOMCAST_PG_PASSWORD="$password" bash "$here/postgres.sh" init "$home/data"

# Once mvn is gone, so is the pipe behind our stdout: a message must not end the script half-way.
say() { echo "run.sh: $*" 2>/dev/null || true; }

roomcast_pid="" postgres_pid=""
stop_all() {
  # A Ctrl-C brings SIGINT, then mvn's death SIGTERM: the stop runs once, to the end.
  trap '' INT TERM PIPE
  trap - EXIT
  if [ -n "$roomcast_pid" ] && kill -0 "$roomcast_pid" 2>/dev/null; then
    say "stopping Roomcast (pid $roomcast_pid)"
    kill -TERM "$roomcast_pid"
    wait "$roomcast_pid" || true
  fi
  if [ -n "$postgres_pid" ] && kill -0 "$postgres_pid" 2>/dev/null; then
    say "stopping PostgreSQL (pid $postgres_pid, fast shutdown)"
    kill -INT "$postgres_pid"
    wait "$postgres_pid" || true
  fi
  say "stopped"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

echo "==== $(date -u +%FT%TZ) starting on 127.0.0.1:$port" >> "$log"
bash "$here/postgres.sh" serve "$home/data" "$port" >> "$log" 2>&1 &
postgres_pid=$!
# Ready when the lock file names OUR postmaster as ready: pg_isready alone would also answer for
# another server already on this port, while ours exits on the taken port or data dir.
ready() { [ "$(sed -n '1p;8p' "$home/data/postmaster.pid" 2>/dev/null | tr -d ' ' | paste -sd' ')" = "$postgres_pid ready" ]; }
for _ in $(seq 300); do
  ready && break
  kill -0 "$postgres_pid" 2>/dev/null || { say "PostgreSQL did not start; see $log" >&2; tail -5 "$log" >&2; exit 1; }
  sleep 0.2
done
ready || { say "PostgreSQL not ready after 60 s; see $log" >&2; exit 1; }
export PGPASSWORD="$password"
if [ -z "$("$bin/psql" -h 127.0.0.1 -p "$port" -U roomcast -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'roomcast'")" ]; then
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U roomcast roomcast
fi
unset PGPASSWORD
say "PostgreSQL (pid $postgres_pid) on 127.0.0.1:$port, database roomcast, data in $home/data, log $log"

ROOMCAST_STORE_PASSWORD="$password" "$@" &
roomcast_pid=$!
status=0
wait "$roomcast_pid" || status=$?
roomcast_pid=""
stop_all
exit "$status"
