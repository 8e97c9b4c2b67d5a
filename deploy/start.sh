#!/bin/sh
# The image's entrypoint: runs one compiled Klaxon process, named by the first argument or $SERVICE:
#   ingest | catalog | grouping | escalation | notify   one service (distributed mode)
#   console                                             the web console's static files (no database or bus)
#   topics                                              create the Kafka topics and exit (init step)
#   all-in-one                                          every service in one process (needs KLAXON_DATABASE_URL:
#                                                       the image carries no embedded PostgreSQL server)
# --conditions=klaxon-dist makes every @klaxon/* package resolve to its compiled dist/.
set -eu
service="${1:-${SERVICE:-}}"
case "$service" in
  ingest | catalog | grouping | escalation | notify) main="node_modules/@klaxon/$service/dist/main.js" ;;
  console) main="node_modules/@klaxon/console/dist/main.js" ;;
  topics) main="node_modules/@klaxon/runtime/dist/topics.main.js" ;;
  all-in-one) main="dist/main.js" ;;
  *)
    echo "usage: start.sh ingest|catalog|grouping|escalation|notify|console|topics|all-in-one (or set SERVICE)" >&2
    exit 64
    ;;
esac
# exec: node replaces the shell (PID 1 in a container), so SIGTERM reaches its graceful shutdown.
exec node --conditions=klaxon-dist "$main"
