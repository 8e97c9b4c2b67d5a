#!/usr/bin/env bash
# Stop the throwaway Kafka broker started by kafka-start.sh and delete its data (the next start
# formats a fresh log dir anyway). Keeps .infra/kafka/lib (jar cache) and broker.log (post-mortem).
# Env: KLAXON_INFRA_DIR (<repo>/.infra).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INFRA="${KLAXON_INFRA_DIR:-$ROOT/.infra}"
KDIR="$INFRA/kafka"
PIDFILE="$KDIR/pid"

log() { echo "[kafka-stop] $*" >&2; }
# A zombie counts as dead: this machine's init can be slow to reap the detached broker.
alive() { local st; st="$(ps -o stat= -p "$1" 2>/dev/null)" && [[ $st != Z* ]]; }

[[ -d "$KDIR" ]] || { log "not running"; exit 0; }
# Same lock as kafka-start.sh, so a stop never races a concurrent start.
exec 9>"$KDIR/lock"
flock 9

if [[ -s "$PIDFILE" ]]; then
  pid="$(<"$PIDFILE")"
  # Only signal the pid if it is still our broker (the pid may have been recycled).
  if alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka'; then
    log "stopping broker (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    # Controlled shutdown of a single node normally takes a few seconds; give it 30 s.
    for _ in $(seq 1 60); do
      alive "$pid" || break
      sleep 0.5
    done
    if alive "$pid"; then
      log "still alive after 30 s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.2; done
    fi
  else
    log "pid $pid is not running; cleaning up"
  fi
else
  log "not running"
fi

rm -rf "$KDIR/data" "$KDIR/server.properties" "$PIDFILE"
