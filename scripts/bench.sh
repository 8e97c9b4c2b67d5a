#!/usr/bin/env bash
# Runs a benchmark against real PostgreSQL and Kafka on loopback (started here unless given), then
# stops what it started.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
started=()
if [[ -z "${KLAXON_TEST_DATABASE_URL:-}" ]]; then
  out=$(bash scripts/postgres-start.sh); export "${out##*$'\n'}"; started+=(postgres)
fi
if [[ -z "${KLAXON_TEST_KAFKA_BROKERS:-}" ]]; then
  out=$(bash scripts/kafka-start.sh); export "${out##*$'\n'}"; started+=(kafka)
fi
cleanup() { for s in "${started[@]}"; do bash "scripts/$s-stop.sh" >/dev/null 2>&1 || true; done; }
trap cleanup EXIT
node_modules/.bin/tsx "$@"
