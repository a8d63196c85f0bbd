#!/usr/bin/env bash
# A shared SPARQL store for a team: Oxigraph's server (the `oxigraph` PyPI package, installed in .venv),
# persisting to DIR. `kg push --endpoint http://HOST:PORT/store` fills it; clients query /query.
#
#   scripts/oxigraph-server.sh DIR [HOST:PORT]              # read-write: accepts kg push (default 127.0.0.1:7879)
#   READ_ONLY=1 scripts/oxigraph-server.sh DIR [HOST:PORT]  # read-only, once the data are in
#
# Oxigraph's server executes SERVICE calls and has no per-query kill: put it behind a trusted network,
# and give analysts `kg serve` (read-only, SERVICE refused, time limits) for ad-hoc queries.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 DIR [HOST:PORT]" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
oxigraph=$(command -v "$here/.venv/bin/oxigraph" || command -v oxigraph || true)
if [ -z "$oxigraph" ]; then
  echo "oxigraph-server: no oxigraph binary; run: $here/.venv/bin/pip install oxigraph" >&2
  exit 3
fi
mode=serve
[ "${READ_ONLY:-}" = 1 ] && mode=serve-read-only
mkdir -p "$1"
exec "$oxigraph" "$mode" --location "$1" --bind "${2:-127.0.0.1:7879}" --union-default-graph
