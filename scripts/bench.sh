#!/usr/bin/env bash
# Runs a benchmark against real PostgreSQL and Kafka on loopback, then stops them. Unless given
# KLAXON_TEST_DATABASE_URL / KLAXON_TEST_KAFKA_BROKERS, it starts its own pair in .infra/bench on
# ports of their own (a running test pair is left alone), the broker with its full JIT: benchmarks
# measure steady state, not start-up.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export KLAXON_INFRA_DIR="${KLAXON_BENCH_INFRA_DIR:-$root/.infra/bench}"
export KLAXON_PG_PORT="${KLAXON_BENCH_PG_PORT:-55532}" KLAXON_KAFKA_PORT="${KLAXON_BENCH_KAFKA_PORT:-19192}"
export KLAXON_KAFKA_JIT=full
# A run only of the embedded setup (BENCH_SETUPS=default, pipeline bench) needs no servers.
if [[ "${BENCH_SETUPS:-}" == "default" ]]; then exec node_modules/.bin/tsx "$@"; fi
started=()
cleanup() { for s in "${started[@]}"; do bash "scripts/$s-stop.sh" >/dev/null 2>&1 || true; done; }
trap cleanup EXIT
if [[ -z "${KLAXON_TEST_DATABASE_URL:-}" ]]; then
  out=$(bash scripts/postgres-start.sh); export "${out##*$'\n'}"; started+=(postgres)
fi
if [[ -z "${KLAXON_TEST_KAFKA_BROKERS:-}" ]]; then
  out=$(bash scripts/kafka-start.sh); export "${out##*$'\n'}"; started+=(kafka)
  # The broker is this run's own, so a bench may restart it for a clean slate (pipeline.bench.ts).
  export KLAXON_BENCH_KAFKA_RESTART=1
fi
node_modules/.bin/tsx "$@"
