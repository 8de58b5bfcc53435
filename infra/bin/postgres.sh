#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers at DATABASE_URL (Debian hosts, no Docker).
#
#   infra/bin/postgres.sh up       use the server that answers; otherwise install (apt) and/or
#                                  start the local Debian cluster; then check pg_trgm
#   infra/bin/postgres.sh down     stop the cluster only if this script started it
#   infra/bin/postgres.sh status   exit 0 when the server answers, 3 when it does not
#
# Environment:
#   DATABASE_URL         default postgres://postgres@127.0.0.1:5432/postgres
#   PG_CLUSTER           Debian cluster name to start                   default main
#   PG_START_TIMEOUT     seconds to wait for pg_isready after a start   default 60
#   HOMEWARD_LOCAL_DIR   where the "we installed/started it" markers go default <repo>/.local
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"

DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
PG_CLUSTER="${PG_CLUSTER:-main}"
PG_START_TIMEOUT="${PG_START_TIMEOUT:-60}"
LOCAL_DIR="${HOMEWARD_LOCAL_DIR:-${REPO_ROOT}/.local}"
STATE_DIR="${LOCAL_DIR}/postgres"
# Present when this script installed the server packages (then it may edit the cluster config).
INSTALLED_MARKER="${STATE_DIR}/installed-by-homeward"
# Holds "<version> <cluster>" when this script started a cluster (then `down` may stop it).
STARTED_MARKER="${STATE_DIR}/started-by-homeward"
HBA_TAG="# homeward: trust local TCP connections (added by infra/bin/postgres.sh)"

log() { printf '[postgres] %s\n' "$*"; }
err() { printf '[postgres] ERROR: %s\n' "$*" >&2; }
die() {
  err "$*"
  exit 1
}

# postgres[ql]://[user[:password]@][host][:port][/dbname][?params]
URL_RE='^postgres(ql)?://(([^@/]*)@)?(\[[^]/]*\]|[^:/?]*)(:([0-9]+))?(/([^?]*))?(\?.*)?$'
[[ "${DATABASE_URL}" =~ ${URL_RE} ]] ||
  die "DATABASE_URL must look like postgres://user@host:port/db, got '${DATABASE_URL}'"
PG_HOST="${BASH_REMATCH[4]:-127.0.0.1}"
PG_PORT="${BASH_REMATCH[6]:-5432}"
PG_HOST="${PG_HOST#[}"
PG_HOST="${PG_HOST%]}"
SAFE_URL="postgres://${PG_HOST}:${PG_PORT}/${BASH_REMATCH[8]:-}" # no credentials in messages

as_root() {
  if [[ "$(id -u)" == 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root for: $* (run as root or install sudo)"
  fi
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install $* yourself (Debian/Ubuntu only here)"
  log "installing $* with apt-get ..."
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

is_local_host() {
  case "${PG_HOST}" in
    127.0.0.1 | localhost | ::1 | "") return 0 ;;
    *) return 1 ;;
  esac
}

ensure_client() {
  if ! command -v pg_isready >/dev/null 2>&1 || ! command -v psql >/dev/null 2>&1; then
    apt_install postgresql-client
  fi
}

pg_ready() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -t 2 -d "${DATABASE_URL}" >/dev/null 2>&1
  else # status without the client installed: a bare TCP probe
    # shellcheck disable=SC2016 # $0/$1 expand in the child bash, on purpose
    timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "${PG_HOST}" "${PG_PORT}" 2>/dev/null
  fi
}

check_trgm() {
  local out
  if ! out="$(psql "${DATABASE_URL}" -X -w -Atq -v ON_ERROR_STOP=1 \
    -c "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'" 2>&1)"; then
    die "cannot query ${SAFE_URL}: ${out}" \
      "(pg_hba.conf is only edited for a server this script installed; allow trust for" \
      "127.0.0.1 there or put the password in DATABASE_URL)"
  fi
  [[ "${out}" == "1" ]] ||
    die "extension pg_trgm is not available on ${SAFE_URL} (Debian: it ships with postgresql-<version>; elsewhere install postgresql-contrib)"
  log "pg_trgm is available"
}

server_installed() { compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; }

# Highest major version that has /etc/postgresql/<version>/<cluster>.
detect_version() {
  local d v best=""
  for d in /etc/postgresql/*/"${PG_CLUSTER}"; do
    [[ -d "${d}" ]] || continue
    v="$(basename "$(dirname "${d}")")"
    [[ "${v}" =~ ^[0-9]+(\.[0-9]+)?$ ]] || continue
    if [[ -z "${best}" ]] || [[ "$(printf '%s\n%s\n' "${best}" "${v}" | sort -V | tail -n1)" == "${v}" ]]; then
      best="${v}"
    fi
  done
  [[ -n "${best}" ]] || return 1
  printf '%s\n' "${best}"
}

# Installed server version (highest), for creating a cluster when none exists.
installed_server_version() {
  local b
  for b in /usr/lib/postgresql/*/bin/postgres; do
    basename "$(dirname "$(dirname "${b}")")"
  done | sort -V | tail -n1
}

# "online"/"down" for <version> <cluster>, from pg_lsclusters.
cluster_status() {
  pg_lsclusters -h 2>/dev/null | awk -v v="$1" -v c="$2" '$1 == v && $2 == c { print $4 }'
}

cluster_port() {
  pg_lsclusters -h 2>/dev/null | awk -v v="$1" -v c="$2" '$1 == v && $2 == c { print $3 }'
}

# Only for a server this script installed: listen on 127.0.0.1 at PG_PORT, trust local TCP.
configure_own_cluster() {
  local version="$1" conf_dir="/etc/postgresql/$1/${PG_CLUSTER}"
  local hba="${conf_dir}/pg_hba.conf"
  as_root mkdir -p "${conf_dir}/conf.d"
  printf '%s\n' "# Written by infra/bin/postgres.sh (homeward)" \
    "listen_addresses = '127.0.0.1'" "port = ${PG_PORT}" |
    as_root tee "${conf_dir}/conf.d/homeward.conf" >/dev/null
  if ! as_root grep -qF "${HBA_TAG}" "${hba}"; then
    local tmp
    tmp="$(mktemp)"
    {
      printf '%s\n' "${HBA_TAG}" \
        "host    all    all    127.0.0.1/32    trust" \
        "host    all    all    ::1/128         trust"
      as_root cat "${hba}"
    } >"${tmp}"
    as_root cp "${tmp}" "${hba}"
    rm -f "${tmp}"
    log "pg_hba.conf: local TCP connections now use trust (${hba})"
  fi
  log "cluster ${version}/${PG_CLUSTER} configured for 127.0.0.1:${PG_PORT}"
}

wait_ready() {
  local deadline=$((SECONDS + PG_START_TIMEOUT))
  until pg_ready; do
    if ((SECONDS >= deadline)); then
      local logf="/var/log/postgresql/postgresql-$1-${PG_CLUSTER}.log"
      [[ -r "${logf}" ]] && tail -n 30 "${logf}" >&2
      die "PostgreSQL not answering at ${SAFE_URL} after ${PG_START_TIMEOUT} s"
    fi
    sleep 0.5
  done
}

cmd_up() {
  ensure_client
  if pg_ready; then
    log "already answering at ${SAFE_URL}"
    check_trgm
    return 0
  fi
  is_local_host ||
    die "nothing answers at ${SAFE_URL} and it is not a local address; start that server or fix DATABASE_URL"
  mkdir -p "${STATE_DIR}"

  if ! server_installed; then
    apt_install postgresql
    touch "${INSTALLED_MARKER}"
  fi
  command -v pg_ctlcluster >/dev/null 2>&1 || apt_install postgresql-common

  local version owned=0
  [[ -f "${INSTALLED_MARKER}" ]] && owned=1
  if ! version="$(detect_version)"; then
    ((owned == 1)) ||
      die "no cluster /etc/postgresql/*/${PG_CLUSTER}; create one (pg_createcluster) or set PG_CLUSTER"
    version="$(installed_server_version)"
    log "creating cluster ${version}/${PG_CLUSTER}"
    as_root pg_createcluster "${version}" "${PG_CLUSTER}" --port "${PG_PORT}"
  fi

  if ((owned == 1)); then
    configure_own_cluster "${version}"
  else
    local port
    port="$(cluster_port "${version}" "${PG_CLUSTER}")"
    [[ -z "${port}" || "${port}" == "${PG_PORT}" ]] ||
      die "cluster ${version}/${PG_CLUSTER} is configured for port ${port}, DATABASE_URL says ${PG_PORT}"
  fi

  if [[ "$(cluster_status "${version}" "${PG_CLUSTER}")" == online ]]; then
    if ((owned == 1)); then
      log "restarting cluster ${version}/${PG_CLUSTER} to apply its configuration"
      as_root pg_ctlcluster --skip-systemctl-redirect "${version}" "${PG_CLUSTER}" restart
    else
      die "cluster ${version}/${PG_CLUSTER} is online but ${SAFE_URL} does not answer; check its listen_addresses/port"
    fi
  else
    log "starting cluster ${version}/${PG_CLUSTER}"
    as_root pg_ctlcluster --skip-systemctl-redirect "${version}" "${PG_CLUSTER}" start
  fi
  printf '%s %s\n' "${version}" "${PG_CLUSTER}" >"${STARTED_MARKER}"
  wait_ready "${version}"
  log "answering at ${SAFE_URL} (cluster ${version}/${PG_CLUSTER}, started by this script)"
  check_trgm
}

cmd_down() {
  if [[ ! -f "${STARTED_MARKER}" ]]; then
    log "not started by this script; leaving PostgreSQL as it is"
    return 0
  fi
  local version cluster
  read -r version cluster <"${STARTED_MARKER}"
  if [[ "$(cluster_status "${version}" "${cluster}")" == online ]]; then
    log "stopping cluster ${version}/${cluster} (started by this script)"
    as_root pg_ctlcluster --skip-systemctl-redirect "${version}" "${cluster}" stop
  else
    log "cluster ${version}/${cluster} is not running"
  fi
  rm -f "${STARTED_MARKER}"
}

cmd_status() {
  if pg_ready; then
    log "running at ${SAFE_URL}"
    return 0
  fi
  log "stopped (nothing answers at ${SAFE_URL})"
  return 3
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *)
    echo "usage: $(basename "$0") up|down|status" >&2
    exit 2
    ;;
esac
