#!/usr/bin/env bash
# Local infrastructure for Homeward: PostgreSQL (postgres.sh) and Kafka (kafka.sh).
#
#   infra/bin/infra.sh up       PostgreSQL up, then Kafka up
#   infra/bin/infra.sh down     Kafka down, then PostgreSQL down (only if postgres.sh started it)
#   infra/bin/infra.sh status   both; exit 0 when both run, 3 otherwise
#
# Environment: see infra/bin/kafka.sh and infra/bin/postgres.sh (KAFKA_PORT, DATABASE_URL, ...).
set -euo pipefail

BIN_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

cmd_status() {
  local rc=0
  bash "${BIN_DIR}/postgres.sh" status || rc=3
  bash "${BIN_DIR}/kafka.sh" status || rc=3
  return "${rc}"
}

case "${1:-}" in
  up)
    bash "${BIN_DIR}/postgres.sh" up
    bash "${BIN_DIR}/kafka.sh" up
    ;;
  down)
    rc=0
    bash "${BIN_DIR}/kafka.sh" down || rc=$?
    bash "${BIN_DIR}/postgres.sh" down || rc=$?
    exit "${rc}"
    ;;
  status) cmd_status ;;
  *)
    echo "usage: $(basename "$0") up|down|status" >&2
    exit 2
    ;;
esac
