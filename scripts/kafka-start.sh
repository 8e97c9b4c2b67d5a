#!/usr/bin/env bash
# Start a throwaway single-node Apache Kafka (KRaft) broker for tests/CI, from Maven Central jars
# (no Docker engine here). Progress goes to stderr; the last stdout line is
#   KLAXON_TEST_KAFKA_BROKERS=127.0.0.1:<port>
# Idempotent: if our broker is already running, only that line is printed.
# Env: KLAXON_KAFKA_PORT (19092), KLAXON_KAFKA_CONTROLLER_PORT (client port + 1),
#      KLAXON_INFRA_DIR (<repo>/.infra), KLAXON_KAFKA_TIMEOUT (readiness timeout, 120 s).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INFRA="${KLAXON_INFRA_DIR:-$ROOT/.infra}"
KDIR="$INFRA/kafka"
PORT="${KLAXON_KAFKA_PORT:-19092}"
CPORT="${KLAXON_KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
TIMEOUT="${KLAXON_KAFKA_TIMEOUT:-120}"
POM="$ROOT/scripts/kafka/pom.xml"
LIB="$KDIR/lib"
PIDFILE="$KDIR/pid"
LOG="$KDIR/broker.log"
# Kafka 4.x logs this (INFO, logger kafka.server.KafkaRaftServer) once the broker is unfenced and serving.
READY_LINE='Kafka Server started'

log() { echo "[kafka-start] $*" >&2; }
ready_line() { echo "KLAXON_TEST_KAFKA_BROKERS=127.0.0.1:$PORT"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Alive and really our broker (guards against a recycled pid after a reboot/crash).
our_broker_running() {
  local pid
  [[ -s "$PIDFILE" ]] || return 1
  pid="$(<"$PIDFILE")"
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka'
}

mkdir -p "$KDIR"
# Serialise concurrent starts (parallel CI steps / test runners) so only one broker is launched.
exec 9>"$KDIR/lock"
flock 9

if our_broker_running; then
  log "already running (pid $(<"$PIDFILE"))"
  ready_line
  exit 0
fi
rm -f "$PIDFILE"

for p in "$PORT" "$CPORT"; do
  if port_open "$p"; then
    log "port $p is already in use by another process; set KLAXON_KAFKA_PORT / KLAXON_KAFKA_CONTROLLER_PORT"
    exit 1
  fi
done

# Fetch broker jars once; the stamp (pom checksum) makes a pom change trigger a re-fetch and makes an
# interrupted copy (no stamp) retry instead of leaving a half-filled lib dir.
STAMP="$(sha256sum "$POM" | cut -d' ' -f1)"
NEED_JARS=0
[[ "$(cat "$LIB/.stamp" 2>/dev/null)" == "$STAMP" ]] || NEED_JARS=1

# Fresh machines (CI) may lack the toolchain; install it from Debian when we are allowed to.
if ! command -v java >/dev/null || { ((NEED_JARS)) && ! command -v mvn >/dev/null; }; then
  if [[ $EUID -eq 0 ]]; then
    log "installing java/maven from apt"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless maven >&2
  else
    log "java (and mvn for the first run) are required"
    exit 1
  fi
fi

if ((NEED_JARS)); then
  log "fetching Kafka jars with Maven into $LIB (first run downloads ~45 MB)"
  rm -rf "$LIB"
  mvn -q -B -f "$POM" dependency:copy-dependencies -DoutputDirectory="$LIB" -DincludeScope=runtime >&2
  echo "$STAMP" >"$LIB/.stamp"
fi
CP="$LIB/*"

# Template ports and data dir into the state dir (the repo copy stays a template).
sed -e "s|@KAFKA_PORT@|$PORT|g" -e "s|@CONTROLLER_PORT@|$CPORT|g" -e "s|@LOG_DIRS@|$KDIR/data|g" \
  "$ROOT/scripts/kafka/server.properties" >"$KDIR/server.properties"

# Short-lived JVMs on 2 cores: serial GC and C1 only start fastest. Benchmarks want the broker's
# steady state instead and set KLAXON_KAFKA_JIT=full (C2 compiles the hot paths after warm-up).
JAVA_OPTS=(-XX:+UseSerialGC -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$ROOT/scripts/kafka/log4j2.properties")
[[ "${KLAXON_KAFKA_JIT:-fast-start}" == full ]] || JAVA_OPTS+=(-XX:TieredStopAtLevel=1)

# Throwaway state: format a brand-new log dir every start. Static quorum voters => no --standalone.
rm -rf "$KDIR/data"
CLUSTER_ID="$(java -Xmx128m "${JAVA_OPTS[@]}" -cp "$CP" kafka.tools.StorageTool random-uuid)"
java -Xmx128m "${JAVA_OPTS[@]}" -cp "$CP" kafka.tools.StorageTool format \
  -t "$CLUSTER_ID" -c "$KDIR/server.properties" >&2

log "starting broker on 127.0.0.1:$PORT (controller $CPORT), log $LOG"
: >"$LOG"
# setsid: own session, so Ctrl-C / job control in the caller's terminal doesn't kill the broker.
# The inner bash records its own pid and execs java, so the pid file holds the JVM's pid.
# 9>&-: the broker must not inherit the start lock, or the next start would block forever.
setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$PIDFILE" \
  java -Xms256m -Xmx768m "${JAVA_OPTS[@]}" -cp "$CP" kafka.Kafka "$KDIR/server.properties" \
  </dev/null >>"$LOG" 2>&1 9>&- &

# Ready = listener accepts TCP and the broker logged its started line (the port opens before the
# broker is unfenced, when metadata requests would still fail).
deadline=$((SECONDS + TIMEOUT))
while :; do
  sleep 0.5
  if our_broker_running; then
    if port_open "$PORT" && grep -q "$READY_LINE" "$LOG"; then
      break
    fi
  elif [[ -s "$PIDFILE" ]]; then # pid written, process gone
    log "broker exited during startup; last log lines:"
    tail -n 40 "$LOG" >&2
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    log "not ready after ${TIMEOUT}s; killing it. Last log lines:"
    tail -n 40 "$LOG" >&2
    # Don't leave a half-started broker holding the ports for the next attempt.
    our_broker_running && kill -KILL "$(<"$PIDFILE")" 2>/dev/null
    rm -f "$PIDFILE"
    exit 1
  fi
done

log "ready (pid $(<"$PIDFILE"))"
ready_line
