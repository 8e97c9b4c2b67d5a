#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 cluster for tests/CI (native server: much faster than any
# emulation, and it is what production runs). Progress goes to stderr; the last stdout line is
#   KLAXON_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:<port>/postgres
# Idempotent: if our cluster is already running, only that line is printed. A stopped/crashed
# cluster is wiped and re-created, so every fresh start begins empty.
# Env: KLAXON_PG_PORT (55432), KLAXON_INFRA_DIR (<repo>/.infra).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INFRA="${KLAXON_INFRA_DIR:-$ROOT/.infra}"
PGSTATE="$INFRA/postgres"
DATA="$PGSTATE/data"
SOCK="$PGSTATE/run"
LOG="$PGSTATE/postgres.log"
PORT="${KLAXON_PG_PORT:-55432}"

log() { echo "[postgres-start] $*" >&2; }
ready_line() { echo "KLAXON_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$PORT/postgres"; }

# PostgreSQL refuses to run as root: as root, run server tools as the `postgres` OS user.
as_pg() {
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Locate the server binaries (pg_config may be absent or belong to another major version, so also
# try Debian's fixed path); install PostgreSQL 15 from Debian if missing and we are root.
find_bindir() {
  local d
  for d in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/15/bin; do
    if [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}
if ! BIN="$(find_bindir)"; then
  if [[ $EUID -eq 0 ]]; then
    log "installing postgresql-15 from apt"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >&2
    BIN="$(find_bindir)" || { log "PostgreSQL binaries still not found after install"; exit 1; }
  else
    log "PostgreSQL 15 server binaries not found (need initdb/pg_ctl; pg_config --bindir)"
    exit 1
  fi
fi

mkdir -p "$PGSTATE"
# Serialise concurrent starts so only one cluster is initialised.
exec 9>"$INFRA/.postgres.lock"
flock 9

is_ready() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres; }

if [[ -f "$DATA/PG_VERSION" ]] && as_pg "$BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1; then
  # pg_ctl status only checks the pid; a crashed postmaster can linger as a zombie, so also ask it.
  for _ in $(seq 1 10); do
    if is_ready; then
      log "already running"
      ready_line
      exit 0
    fi
    sleep 0.5
  done
  log "cluster in $DATA looks running but does not answer; discarding it"
  as_pg "$BIN/pg_ctl" stop -D "$DATA" -m immediate -w -t 10 >/dev/null 2>&1 9>&- || true
fi

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  log "port $PORT is already in use by another process; set KLAXON_PG_PORT"
  exit 1
fi

# Fresh cluster each start: trust auth (loopback-only throwaway), fixed C locale so results don't
# depend on which locales the machine has, --no-sync because durability is irrelevant here.
rm -rf "$DATA" "$SOCK"
mkdir -p "$DATA" "$SOCK"
if [[ $EUID -eq 0 ]]; then
  chown -R postgres:postgres "$PGSTATE"
  # The postgres user must be able to reach the state dir through its parents.
  if ! runuser -u postgres -- test -w "$PGSTATE"; then
    log "user postgres cannot access $PGSTATE (a parent directory is not traversable); set KLAXON_INFRA_DIR"
    exit 1
  fi
fi
chmod 700 "$DATA"
log "initdb in $DATA"
as_pg "$BIN/initdb" -D "$DATA" -A trust -U postgres -E UTF8 --locale=C --no-sync >"$PGSTATE/initdb.log" 2>&1 ||
  { cat "$PGSTATE/initdb.log" >&2; exit 1; }

# Test-speed settings (no fsync / WAL full-page writes); many connections because parallel test
# workers each hold a pool. Unix socket kept inside the state dir, so /var/run/postgresql isn't needed.
# 9>&-: the postmaster must not inherit the start lock, or the next start would block forever.
log "starting on 127.0.0.1:$PORT, log $LOG"
as_pg "$BIN/pg_ctl" start -D "$DATA" -l "$LOG" -w -t 60 -o "-c listen_addresses=127.0.0.1 -p $PORT \
-c unix_socket_directories=$SOCK -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
-c max_connections=300" >&2 9>&- || { tail -n 40 "$LOG" >&2; exit 1; }

# pg_ctl -w already waited; pg_isready confirms TCP on the advertised address.
for _ in $(seq 1 60); do
  if is_ready; then
    log "ready"
    ready_line
    exit 0
  fi
  sleep 0.5
done
log "not accepting connections after 30 s; last log lines:"
tail -n 40 "$LOG" >&2
exit 1
