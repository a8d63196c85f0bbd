#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and trials, from Debian's package, in a folder of its own.
#
#   scripts/postgres-test-server.sh start DIR [PORT]   # prints the --db URL on stdout, e.g.
#                                                      # postgresql+psycopg://postgres@127.0.0.1:54329/cnkg
#   scripts/postgres-test-server.sh stop DIR           # stops it and deletes its data
#
# The server listens on 127.0.0.1 only and trusts local connections: it is for tests, never for real data.
# Root cannot run PostgreSQL, so as root the cluster belongs to the `postgres` user (created by the Debian
# package) or else to `nobody`; its data live in a folder of /tmp that user can reach (DIR, a pytest
# tmp_path say, is often closed to others), and DIR/cluster records where. When the binaries are missing and
# we are root, the Debian package is installed first (scripts/system-deps.sh). Exit code 3 means
# PostgreSQL cannot be had here; the message on stderr says why.
set -euo pipefail

usage() { echo "usage: $0 start DIR [PORT] | stop DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
command=$1
dir=$(realpath -m "$2")
port=${3:-}
here=$(cd "$(dirname "$0")" && pwd)

find_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_owner() {
  # Run a PostgreSQL program as the cluster's owner (root may not).
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$owner" -- "$@"
  else
    "$@"
  fi
}

pick_owner() {
  if [ "$(id -u)" != 0 ]; then
    owner=$(id -un)
  elif id postgres >/dev/null 2>&1; then
    owner=postgres
  else
    owner=nobody
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case "$command" in
  start)
    bin=$(find_bin)
    if [ -z "$bin" ] && [ "$(id -u)" = 0 ]; then
      bash "$here/system-deps.sh" >&2 || true
      bin=$(find_bin)
    fi
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
      echo "postgres-test-server: no PostgreSQL binaries in /usr/lib/postgresql/*/bin" \
           "(install Debian's 'postgresql' package, e.g. with scripts/system-deps.sh as root)" >&2
      exit 3
    fi
    pick_owner
    port=${port:-$(free_port)}
    mkdir -p "$dir"
    if [ -f "$dir/cluster" ]; then
      cluster=$(cat "$dir/cluster")
    else
      cluster=$(mktemp -d "${TMPDIR:-/tmp}/cnkg-postgres.XXXXXX")
      echo "$cluster" >"$dir/cluster"
    fi
    chmod 700 "$cluster"
    [ "$(id -u)" = 0 ] && chown "$owner" "$cluster"
    if [ ! -f "$cluster/data/PG_VERSION" ]; then
      as_owner "$bin/initdb" --pgdata="$cluster/data" --username=postgres --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { echo "postgres-test-server: initdb failed, see $dir/initdb.log" >&2; cat "$dir/initdb.log" >&2; exit 3; }
    fi
    as_owner "$bin/pg_ctl" --pgdata="$cluster/data" --log="$cluster/server.log" --wait --timeout=60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$cluster -c fsync=off" \
      start >/dev/null \
      || { echo "postgres-test-server: the server did not start, see $cluster/server.log" >&2; \
           tail -n 20 "$cluster/server.log" >&2; exit 3; }
    echo "$port" >"$dir/port"
    as_owner "$bin/psql" --host=127.0.0.1 --port="$port" --username=postgres --dbname=postgres -q -v ON_ERROR_STOP=1 \
      -c "SELECT 1 FROM pg_database WHERE datname = 'cnkg'" -t | grep -q 1 \
      || as_owner "$bin/createdb" --host=127.0.0.1 --port="$port" --username=postgres cnkg
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/cnkg"
    ;;
  stop)
    bin=$(find_bin)
    pick_owner
    [ -f "$dir/cluster" ] || exit 0
    cluster=$(cat "$dir/cluster")
    if [ -n "$bin" ] && [ -f "$cluster/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" --pgdata="$cluster/data" --mode=fast --wait stop >/dev/null
    fi
    case "$cluster" in */cnkg-postgres.*) rm -rf "$cluster" ;; esac
    rm -f "$dir/cluster" "$dir/port"
    ;;
  *)
    usage
    ;;
esac
