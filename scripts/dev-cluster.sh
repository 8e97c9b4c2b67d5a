#!/usr/bin/env bash
# Distributed Klaxon on one machine, without Docker: the topology of docker-compose.yml and deploy/k8s.
#   scripts/dev-cluster.sh up          build, start PostgreSQL 15 and Kafka (our scripts), create the
#                                      topics, start the five services as separate compiled processes
#                                      (grouping twice) and the gateway (nginx with deploy/gateway's routing)
#   scripts/dev-cluster.sh status      each process: pid alive and /readyz (exit 1 if one is not)
#   scripts/dev-cluster.sh restart N   stop (if alive) and start one process again, e.g. grouping-2
#   scripts/dev-cluster.sh down        graceful stop of everything, infrastructure deleted, logs kept
# Everything lives in $KLAXON_CLUSTER_DIR (.infra/cluster): logs/, pids/, the gateway's nginx.conf and
# cluster.env (base URL, bootstrap token file; read by `pnpm test:cluster`).
# Env: KLAXON_CLUSTER_PORT (gateway, 18080; the processes take the next seven ports),
#      KLAXON_PG_PORT (55632), KLAXON_KAFKA_PORT (19292), KLAXON_CLUSTER_DIR.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${KLAXON_CLUSTER_DIR:-$ROOT/.infra/cluster}"
ENV_FILE="$DIR/cluster.env"
# A running cluster's own settings win over the environment, so status, restart and down reach the
# processes `up` started whatever the caller's variables say.
if [[ -f "$ENV_FILE" ]]; then
  # shellcheck source=/dev/null
  source "$ENV_FILE"
fi
GATEWAY_PORT="${KLAXON_CLUSTER_PORT:-18080}"
export KLAXON_INFRA_DIR="$DIR/infra" KLAXON_PG_PORT="${KLAXON_PG_PORT:-55632}"
export KLAXON_KAFKA_PORT="${KLAXON_KAFKA_PORT:-19292}"
LOGS="$DIR/logs"
PIDS="$DIR/pids"
# name:service:port. Two grouping replicas split events.accepted's partitions between them.
PROCESSES=(
  "ingest:ingest:$((GATEWAY_PORT + 1))"
  "catalog:catalog:$((GATEWAY_PORT + 2))"
  "grouping-1:grouping:$((GATEWAY_PORT + 3))"
  "grouping-2:grouping:$((GATEWAY_PORT + 4))"
  "escalation:escalation:$((GATEWAY_PORT + 5))"
  "notify:notify:$((GATEWAY_PORT + 6))"
  "console:console:$((GATEWAY_PORT + 7))"
)
READY_TIMEOUT_S="${KLAXON_CLUSTER_READY_TIMEOUT:-180}"
# The console merges these services' API documents for the gateway's /openapi.json and /docs.
API_DOCS_SOURCES="$(for n in 1 2 3 5 6; do printf 'http://127.0.0.1:%s,' "$((GATEWAY_PORT + n))"; done)"

log() { echo "[dev-cluster] $*" >&2; }
field() { cut -d: -f"$2" <<<"$1"; }
lookup() {
  local p
  for p in "${PROCESSES[@]}"; do [[ "$(field "$p" 1)" == "$1" ]] && { echo "$p"; return 0; }; done
  log "unknown process $1 (one of: $(for p in "${PROCESSES[@]}"; do printf '%s ' "$(field "$p" 1)"; done))"
  return 1
}
# A zombie counts as dead; the pid must still be a node process (pids are recycled).
alive() {
  local pid st
  [[ -s "$1" ]] || return 1
  pid="$(<"$1")"
  st="$(ps -o stat= -p "$pid" 2>/dev/null)" && [[ $st != Z* ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qE "$2"
}
ready() { curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$1/readyz" 2>/dev/null; }
node_bin() { command -v node; }

infra_env() {
  local out
  out="$(bash "$ROOT/scripts/postgres-start.sh")"
  DATABASE_URL="${out#*=}"
  out="$(bash "$ROOT/scripts/kafka-start.sh")"
  BROKERS="${out#*=}"
}

# The settings every process gets, as in docker-compose.yml; the webhook allow-list lets webhook and
# chat deliveries reach receivers on loopback (the cluster suite's), refused by default.
start_process() {
  local spec="$1" name service port main
  name="$(field "$spec" 1)" service="$(field "$spec" 2)" port="$(field "$spec" 3)"
  main="$ROOT/services/$service/dist/main.js"
  [[ -f "$main" ]] || { log "$main missing: run pnpm build"; return 1; }
  alive "$PIDS/$name.pid" "dist/main.js" && { log "$name already running"; return 0; }
  # setsid: its own session, so the caller's Ctrl-C does not reach it; the inner bash records the pid
  # it then execs node as.
  env KLAXON_DATABASE_URL="$DATABASE_URL" KLAXON_KAFKA_BROKERS="$BROKERS" \
    KLAXON_PORT="$port" KLAXON_HOST=127.0.0.1 KLAXON_PUBLIC_URL="http://127.0.0.1:$GATEWAY_PORT" \
    KLAXON_BOOTSTRAP_TOKEN="$(<"$DIR/bootstrap-token")" KLAXON_WEBHOOK_ALLOWED_HOSTS=127.0.0.1,localhost \
    KLAXON_HTTP_MAX_CONNECTIONS_PER_ADDRESS=0 NODE_ENV=production \
    KLAXON_API_DOCS_SOURCES="$API_DOCS_SOURCES" \
    setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$PIDS/$name.pid" \
    "$(node_bin)" --conditions=klaxon-dist "$main" </dev/null >>"$LOGS/$name.log" 2>&1 &
}

wait_ready() {
  local spec name port deadline=$((SECONDS + READY_TIMEOUT_S))
  for spec in "$@"; do
    name="$(field "$spec" 1)" port="$(field "$spec" 3)"
    until ready "$port"; do
      if ! alive "$PIDS/$name.pid" "dist/main.js"; then
        log "$name exited during start; last lines of $LOGS/$name.log:"
        tail -n 20 "$LOGS/$name.log" >&2
        return 1
      fi
      ((SECONDS < deadline)) || { log "$name not ready after ${READY_TIMEOUT_S}s"; return 1; }
      sleep 0.5
    done
  done
}

stop_pid() {
  local file="$1" pattern="$2" pid
  alive "$file" "$pattern" || { rm -f "$file"; return 0; }
  pid="$(<"$file")"
  kill -TERM "$pid" 2>/dev/null || true
  # Services drain within 25 s (packages/kit shutdown); then they are killed.
  for _ in $(seq 1 60); do alive "$file" "$pattern" || break; sleep 0.5; done
  if alive "$file" "$pattern"; then
    log "pid $pid still alive after 30 s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

# deploy/gateway/nginx.conf with each upstream pointed at this machine's processes: the routing is
# that file's, not a copy. Logs, pid and temp files go to the cluster folder.
gateway_config() {
  local upstreams="" spec service
  for service in ingest catalog grouping escalation notify console; do
    upstreams+="  upstream $service {"
    for spec in "${PROCESSES[@]}"; do
      [[ "$(field "$spec" 2)" == "$service" ]] && upstreams+=" server 127.0.0.1:$(field "$spec" 3);"
    done
    upstreams+=" }\n"
  done
  awk -v dir="$DIR" -v logs="$LOGS" -v port="$GATEWAY_PORT" -v upstreams="$upstreams" '
    /^events/ { print "pid " dir "/nginx/nginx.pid;"; print "error_log " logs "/gateway.error.log warn;" }
    /^[ \t]*upstream [a-z]+ \{ server [a-z]+:8080; \}/ { if (!done) { printf "%s", upstreams; done = 1 }; next }
    /^http \{/ {
      print
      print "  access_log " logs "/gateway.access.log;"
      print "  client_body_temp_path " dir "/nginx/body; proxy_temp_path " dir "/nginx/proxy;"
      print "  fastcgi_temp_path " dir "/nginx/fastcgi; uwsgi_temp_path " dir "/nginx/uwsgi; scgi_temp_path " dir "/nginx/scgi;"
      next
    }
    /^[ \t]*listen 8080;/ { print "    listen 127.0.0.1:" port ";"; next }
    { print }
  ' "$ROOT/deploy/gateway/nginx.conf"
}

nginx_bin() {
  command -v nginx 2>/dev/null || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || return 1
}

start_gateway() {
  local bin
  bin="$(nginx_bin)" || { log "nginx not found: apt-get install -y nginx-light"; return 1; }
  mkdir -p "$DIR/nginx"
  gateway_config >"$DIR/nginx.conf"
  "$bin" -t -q -c "$DIR/nginx.conf" -p "$DIR/nginx" -e "$LOGS/gateway.error.log"
  alive "$DIR/nginx/nginx.pid" nginx && { log "gateway already running"; return 0; }
  "$bin" -c "$DIR/nginx.conf" -p "$DIR/nginx" -e "$LOGS/gateway.error.log"
}

cmd_up() {
  local started=$SECONDS spec
  mkdir -p "$LOGS" "$PIDS"
  log "building"
  (cd "$ROOT" && node_modules/.bin/tsx scripts/build.ts) >&2
  log "starting PostgreSQL on $KLAXON_PG_PORT and Kafka on $KLAXON_KAFKA_PORT"
  infra_env
  if [[ ! -s "$DIR/bootstrap-token" ]]; then
    (umask 077 && head -c 24 /dev/urandom | base64 | tr '+/' '-_' >"$DIR/bootstrap-token")
  fi
  log "creating topics"
  KLAXON_KAFKA_BROKERS="$BROKERS" "$(node_bin)" --conditions=klaxon-dist \
    "$ROOT/packages/runtime/dist/topics.main.js" >>"$LOGS/topics.log" 2>&1 ||
    { tail -n 20 "$LOGS/topics.log" >&2; return 1; }
  # catalog first: it runs the bootstrap and publishes the catalog every other service reads.
  start_process "$(lookup catalog)"
  wait_ready "$(lookup catalog)"
  for spec in "${PROCESSES[@]}"; do [[ "$(field "$spec" 1)" == catalog ]] || start_process "$spec"; done
  wait_ready "${PROCESSES[@]}"
  start_gateway
  # Sourced by this script's later commands; read by `pnpm test:cluster` (deploy/test).
  {
    printf 'KLAXON_CLUSTER_PORT=%q\nKLAXON_PG_PORT=%q\nKLAXON_KAFKA_PORT=%q\n' \
      "$GATEWAY_PORT" "$KLAXON_PG_PORT" "$KLAXON_KAFKA_PORT"
    printf 'KLAXON_CLUSTER_URL=%q\nKLAXON_CLUSTER_TOKEN_FILE=%q\nKLAXON_CLUSTER_PIDS=%q\n' \
      "http://127.0.0.1:$GATEWAY_PORT" "$DIR/bootstrap-token" "$PIDS"
  } >"$ENV_FILE"
  log "up in $((SECONDS - started)) s: http://127.0.0.1:$GATEWAY_PORT (logs in $LOGS)"
}

cmd_status() {
  local spec name port bad=0 state
  for spec in "${PROCESSES[@]}"; do
    name="$(field "$spec" 1)" port="$(field "$spec" 3)"
    if ! alive "$PIDS/$name.pid" "dist/main.js"; then
      state="down"
      bad=1
    elif ready "$port"; then
      state="ready (pid $(<"$PIDS/$name.pid"), :$port)"
    else
      state="not ready (pid $(<"$PIDS/$name.pid"), :$port)"
      bad=1
    fi
    printf '%-12s %s\n' "$name" "$state"
  done
  if alive "$DIR/nginx/nginx.pid" nginx && curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/healthz"; then
    printf '%-12s %s\n' gateway "ready (pid $(<"$DIR/nginx/nginx.pid"), :$GATEWAY_PORT)"
  else
    printf '%-12s %s\n' gateway down
    bad=1
  fi
  if [[ -s "$KLAXON_INFRA_DIR/kafka/pid" ]] && alive "$KLAXON_INFRA_DIR/kafka/pid" 'kafka\.Kafka'; then
    printf '%-12s %s\n' kafka "running (pid $(<"$KLAXON_INFRA_DIR/kafka/pid"), :$KLAXON_KAFKA_PORT)"
  else
    printf '%-12s %s\n' kafka down
    bad=1
  fi
  if pg_isready -q -h 127.0.0.1 -p "$KLAXON_PG_PORT" 2>/dev/null ||
    /usr/lib/postgresql/15/bin/pg_isready -q -h 127.0.0.1 -p "$KLAXON_PG_PORT" 2>/dev/null; then
    printf '%-12s %s\n' postgres "ready (:$KLAXON_PG_PORT)"
  else
    printf '%-12s %s\n' postgres down
    bad=1
  fi
  return "$bad"
}

cmd_restart() {
  local spec
  spec="$(lookup "$1")"
  stop_pid "$PIDS/$1.pid" "dist/main.js"
  infra_env
  start_process "$spec"
  wait_ready "$spec"
  log "$1 ready"
}

cmd_down() {
  local spec bin i
  if [[ -s "$DIR/nginx/nginx.pid" ]] && bin="$(nginx_bin)"; then
    "$bin" -c "$DIR/nginx.conf" -p "$DIR/nginx" -e "$LOGS/gateway.error.log" -s quit 2>/dev/null || true
    for _ in $(seq 1 20); do alive "$DIR/nginx/nginx.pid" nginx || break; sleep 0.25; done
  fi
  # Every service at once (each drains on its own), then wait for each; reverse order of start.
  for ((i = ${#PROCESSES[@]} - 1; i >= 0; i--)); do
    spec="${PROCESSES[$i]}"
    stop_pid "$PIDS/$(field "$spec" 1).pid" "dist/main.js" &
  done
  wait
  bash "$ROOT/scripts/kafka-stop.sh" || true
  bash "$ROOT/scripts/postgres-stop.sh" || true
  rm -f "$ENV_FILE"
  log "down (logs kept in $LOGS)"
}

case "${1:-}" in
  up) cmd_up ;;
  status) cmd_status ;;
  restart) [[ -n "${2:-}" ]] || { log "usage: $0 restart NAME"; exit 64; }; cmd_restart "$2" ;;
  down) cmd_down ;;
  *) echo "usage: $0 up|down|status|restart NAME" >&2; exit 64 ;;
esac
