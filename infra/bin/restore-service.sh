#!/usr/bin/env bash
# Restores a write service's database from a dump and catches up from its Kafka topic
# (docs/operations/backup-restore.md). Stop every process of the service first: it must not serve
# until the catch-up says the store is complete.
#
#   infra/bin/restore-service.sh <service> <database-url> <dump-file> [--dry-run]
#
# <service>: registration | skills-certification | employment-matching | emergency-fund
# Environment, as the service reads it: KAFKA_BROKERS (default 127.0.0.1:9092), TOPIC_NAMESPACE (default
# empty), ORIGIN_COUNTRY (default PH); for skills-certification its VERIFICATION_SECRET, without which the
# certificates issued after the dump cannot be taken back (their verification-code hash is never on the topic).
#
# 1. drops and recreates the database named in <database-url>, restores the dump into it;
# 2. runs the service's catch-up: events on its topic that the restored store lacks are written back with
#    their event ids, stream versions, data and timestamps — all of them, or none when any cannot be
#    (exit 2, the report says which; the service must stay stopped until an operator reconciles).
# With --dry-run: restores, then only reports what the catch-up would take back.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 <service> <database-url> <dump-file> [--dry-run]" >&2
  exit 64
fi
service=$1
url=$2
file=$3
mode=--apply
[ "${4:-}" = "--dry-run" ] && mode=
case "$service" in
  registration | skills-certification | employment-matching | emergency-fund) ;;
  *)
    echo "unknown write service: $service" >&2
    exit 64
    ;;
esac
root=$(cd "$(dirname "$0")/../.." && pwd)
database=$(node -e 'console.log(decodeURIComponent(new URL(process.argv[1]).pathname.slice(1)))' "$url")
admin=$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/postgres"; console.log(u.toString())' "$url")

echo "==> restore $service: recreating database $database from $file"
psql --quiet --no-psqlrc -v ON_ERROR_STOP=1 --dbname="$admin" \
  -c "DROP DATABASE IF EXISTS \"$database\" WITH (FORCE)" -c "CREATE DATABASE \"$database\""
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$url" "$file"

echo "==> catch-up of $service from its topic ${mode:-(dry run)}"
cd "$root"
DATABASE_URL=$url node "$root/node_modules/tsx/dist/cli.mjs" --conditions=@homeward/source \
  "services/$service/src/cli/catch-up.cli.ts" $mode
