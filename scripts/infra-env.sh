#!/usr/bin/env bash
# Start the throwaway test infrastructure (PostgreSQL + Kafka) and export its addresses:
#   source scripts/infra-env.sh      # exports KLAXON_TEST_DATABASE_URL, KLAXON_TEST_KAFKA_BROKERS
#   eval "$(scripts/infra-env.sh)"   # same, when executed it prints `export ...` lines instead
# Both start scripts are idempotent, so sourcing this again is cheap.
# When sourced, `set -euo pipefail` would leak into (and could kill) the caller's shell, so it is only
# set when executed; when sourced, a failure makes `source` return non-zero instead.

_klaxon_infra_env() {
  local dir out
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  # Start scripts print progress on stderr and the VAR=value line last on stdout.
  out="$(bash "$dir/postgres-start.sh")" || { echo "[infra-env] postgres-start.sh failed" >&2; return 1; }
  export "${out##*$'\n'}"
  out="$(bash "$dir/kafka-start.sh")" || { echo "[infra-env] kafka-start.sh failed" >&2; return 1; }
  export "${out##*$'\n'}"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  _klaxon_infra_env
  printf 'export KLAXON_TEST_DATABASE_URL=%q\nexport KLAXON_TEST_KAFKA_BROKERS=%q\n' \
    "$KLAXON_TEST_DATABASE_URL" "$KLAXON_TEST_KAFKA_BROKERS"
else
  _klaxon_infra_env
  _klaxon_rc=$?
  unset -f _klaxon_infra_env
  return "$_klaxon_rc"
fi
