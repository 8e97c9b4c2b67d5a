#!/usr/bin/env bash
# Stop the throwaway PostgreSQL cluster started by postgres-start.sh and delete it entirely.
# Env: KLAXON_INFRA_DIR (<repo>/.infra).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INFRA="${KLAXON_INFRA_DIR:-$ROOT/.infra}"
PGSTATE="$INFRA/postgres"
DATA="$PGSTATE/data"

log() { echo "[postgres-stop] $*" >&2; }
# PostgreSQL refuses to run as root: as root, run pg_ctl as the `postgres` OS user.
as_pg() {
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

mkdir -p "$INFRA"
# Same lock as postgres-start.sh (kept outside the state dir, which is deleted), so a stop never
# races a concurrent start.
exec 9>"$INFRA/.postgres.lock"
flock 9

BIN="$(pg_config --bindir 2>/dev/null || true)"
[[ -x "$BIN/pg_ctl" ]] || BIN=/usr/lib/postgresql/15/bin

if [[ -f "$DATA/PG_VERSION" ]] && as_pg "$BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1; then
  log "stopping"
  # fast: roll back open transactions and disconnect clients instead of waiting for them.
  as_pg "$BIN/pg_ctl" stop -D "$DATA" -m fast -w -t 60 >&2 9>&-
else
  log "not running"
fi

rm -rf "$PGSTATE"
