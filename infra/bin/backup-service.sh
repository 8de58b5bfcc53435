#!/usr/bin/env bash
# Backs up one service's database: a pg_dump in custom format (docs/operations/backup-restore.md).
#
#   infra/bin/backup-service.sh <database-url> <dump-file>
#
# e.g. infra/bin/backup-service.sh postgres://postgres@127.0.0.1:5432/homeward_registration registration.dump
# The dump is consistent (one snapshot); the service keeps running meanwhile.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 <database-url> <dump-file>" >&2
  exit 64
fi
url=$1
file=$2
pg_dump --format=custom --no-owner --no-privileges --dbname="$url" --file="$file.partial"
mv "$file.partial" "$file"
echo "dumped $(pg_restore --list "$file" | grep -c ' TABLE DATA ') tables to $file ($(stat -c %s "$file") bytes)"
