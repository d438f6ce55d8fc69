#!/usr/bin/env bash
# A real PostgreSQL (Debian's package) for the tests and `mvn -Prun-postgres`, run by the project
# itself: data, log and unix socket under target/, listening on 127.0.0.1 only.
#
#   postgres.sh install                 installs Debian's postgresql when initdb is missing (root: apt-get)
#   postgres.sh init <datadir>          creates the cluster once (superuser roomcast); trust on loopback,
#                                       or scram-sha-256 when ROOMCAST_PG_PASSWORD is set (the run command)
#   postgres.sh serve <datadir> <port>  becomes the server, in the foreground: the caller's child PID
#                                       IS the postmaster, so stopping it is a signal to that PID
#                                       (SIGINT: fast shutdown; SIGKILL: a crash), never a name
#
# <datadir>'s parent is the instance's directory: it holds the unix socket and, as root, belongs to
# the postgres user too (initdb and the server refuse to run as root).
set -euo pipefail

bin="${ROOMCAST_PG_BIN:-/usr/lib/postgresql/15/bin}"

die() { echo "postgres.sh: $*" >&2; exit 1; }

# As root, commands run as the postgres system user the package creates. setpriv execs the command
# itself (no su/runuser process in between), so an exec'd server keeps our child's PID.
server_user=()
if [ "$(id -u)" -eq 0 ]; then
  server_user=(setpriv --reuid=postgres --regid=postgres --init-groups --)
fi

install() {
  if [ -x "$bin/initdb" ] && [ -x "$bin/postgres" ]; then
    echo "postgres.sh: PostgreSQL found in $bin"
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    die "PostgreSQL 15 is not installed ($bin/initdb missing) and installing it needs root; run:
  sudo apt-get install -y --no-install-recommends postgresql"
  fi
  echo "postgres.sh: $bin/initdb missing, installing Debian's postgresql package"
  # The package would create (and, with an init system, start) a system-wide cluster on port 5432:
  # a daemon nobody here started on purpose. Ours are created under target/ instead.
  # One apt-get at a time: the demo page test's Chromium install, or another server's, may run beside.
  exec 9>/var/lock/roomcast-apt.lock
  flock 9
  if [ ! -x "$bin/initdb" ]; then
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/roomcast-no-main.conf
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends postgresql
  fi
  exec 9>&-
  [ -x "$bin/initdb" ] || die "postgresql installed but $bin/initdb is still missing (not version 15?)"
}

# A checkout under a directory closed to other users (/root is 0700 on many machines) would keep the
# postgres user from its data under target/: let it pass through (o+x: enter, not list) each closed
# ancestor, and say so. Nothing else of those directories changes.
open_the_way() {
  local dir="$1" path=""
  IFS=/ read -r -a parts <<<"${dir#/}"
  for part in "${parts[@]}"; do
    path="$path/$part"
    [ -d "$path" ] || break
    if ! "${server_user[@]}" test -x "$path"; then
      chmod o+x "$path"
      echo "postgres.sh: let the postgres user pass through $path (chmod o+x) to reach its data under $dir"
    fi
  done
}

init() {
  local datadir="$1" home
  home="$(dirname "$datadir")"
  if [ -f "$datadir/PG_VERSION" ]; then
    echo "postgres.sh: cluster exists in $datadir"
    return
  fi
  mkdir -p "$home"
  if [ "$(id -u)" -eq 0 ]; then
    open_the_way "$home"
    chown postgres:postgres "$home"
    "${server_user[@]}" test -w "$home" ||
      die "the postgres user cannot write $home (a parent directory closed to other users?)"
  fi
  local auth=(--auth=trust) pwfile=""
  if [ -n "${ROOMCAST_PG_PASSWORD:-}" ]; then
    # initdb reads the password from a file that the postgres user can read; it lives a moment only
    pwfile="$home/.initdb-password"
    (umask 077; printf '%s\n' "$ROOMCAST_PG_PASSWORD" > "$pwfile")
    [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$pwfile"
    auth=(--auth=scram-sha-256 "--pwfile=$pwfile")
  fi
  "${server_user[@]}" "$bin/initdb" -D "$datadir" -U roomcast --encoding=UTF8 --locale=C.UTF-8 "${auth[@]}"
  [ -z "$pwfile" ] || rm -f "$pwfile"
}

serve() {
  local datadir="$1" port="$2"
  [ -f "$datadir/PG_VERSION" ] || die "no cluster in $datadir: run postgres.sh init first"
  # Settings on the command line, not in postgresql.conf: the same for every data dir, visible in ps.
  # fsync and synchronous_commit stay on: durability is what the store's tests test.
  cd "$datadir"
  exec "${server_user[@]}" "$bin/postgres" -D "$datadir" -p "$port" \
    -c listen_addresses=127.0.0.1 -c "unix_socket_directories=$(dirname "$datadir")" \
    -c max_connections=200 -c shared_buffers=128MB -c fsync=on -c synchronous_commit=on
}

case "${1:-}" in
  install) install ;;
  init) [ $# -eq 2 ] || die "usage: postgres.sh init <datadir>"; init "$(realpath -m "$2")" ;;
  serve) [ $# -eq 3 ] || die "usage: postgres.sh serve <datadir> <port>"; serve "$(realpath -m "$2")" "$3" ;;
  *) die "usage: postgres.sh install | init <datadir> | serve <datadir> <port>" ;;
esac
