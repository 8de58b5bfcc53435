#!/usr/bin/env bash
# Local single-node Apache Kafka 3.9.1 (KRaft, broker+controller in one JVM), no Docker.
#
#   infra/bin/kafka.sh up       resolve jars (once), format storage (once), start, wait until ready
#   infra/bin/kafka.sh down     SIGTERM, wait up to KAFKA_STOP_TIMEOUT s, then SIGKILL
#   infra/bin/kafka.sh kill     SIGKILL (no clean shutdown): for fault drills
#   infra/bin/kafka.sh status   prints running/stopped; exit 0 when running, 3 when stopped
#   infra/bin/kafka.sh logs [-f]  print (or follow) the broker's server.log
#   infra/bin/kafka.sh jars     only resolve the jars into HOMEWARD_LOCAL_DIR (once); for tests that
#                               start brokers of their own from the same jars
#
# Environment:
#   KAFKA_PORT             client (PLAINTEXT) port on 127.0.0.1            default 9092
#   KAFKA_CONTROLLER_PORT  KRaft controller port on 127.0.0.1              default KAFKA_PORT+1
#   HOMEWARD_LOCAL_DIR     where jars, data and logs go                    default <repo>/.local
#   KAFKA_HEAP_OPTS        JVM heap flags                       default "-Xms256m -Xmx768m"
#   KAFKA_JVM_OPTS         further JVM flags, e.g. -XX:TieredStopAtLevel=1 (quicker start) default none
#   KAFKA_START_TIMEOUT    seconds to wait for readiness                   default 90
#   KAFKA_STOP_TIMEOUT     seconds to wait after SIGTERM before SIGKILL    default 30
#   JAVA_HOME              optional; otherwise `java` from PATH
#
# One node of a cluster (infra/bin/kafka-cluster.sh sets these for each of its nodes):
#   KAFKA_NODE_ID          this node's id                                  default 1
#   KAFKA_QUORUM_VOTERS    controller.quorum.voters, e.g. 1@127.0.0.1:9193,2@…  default <id>@127.0.0.1:CONTROLLER_PORT
#   KAFKA_CLUSTER_ID       22-char id every node is formatted with         default a random one
#   KAFKA_REPLICATION      replicas of the internal topics and default of new topics      default 1
#   KAFKA_MIN_INSYNC       min.insync.replicas (and of the transaction log)               default 1
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
KAFKA_INFRA_DIR="${REPO_ROOT}/infra/kafka"
POM="${KAFKA_INFRA_DIR}/pom.xml"
LOG4J_CONFIG="${KAFKA_INFRA_DIR}/log4j.properties"
DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.7.1"
HOST="127.0.0.1"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS:-}"
KAFKA_NODE_ID="${KAFKA_NODE_ID:-1}"
KAFKA_REPLICATION="${KAFKA_REPLICATION:-1}"
KAFKA_MIN_INSYNC="${KAFKA_MIN_INSYNC:-1}"

log() { printf '[kafka:%s] %s\n' "${KAFKA_PORT}" "$*"; }
err() { printf '[kafka:%s] ERROR: %s\n' "${KAFKA_PORT}" "$*" >&2; }
die() {
  err "$*"
  exit 1
}

is_port_number() { [[ "$1" =~ ^[0-9]+$ ]] && ((10#$1 >= 1 && 10#$1 <= 65535)); }
is_port_number "${KAFKA_PORT}" || die "KAFKA_PORT must be a TCP port number, got '${KAFKA_PORT}'"
KAFKA_PORT=$((10#${KAFKA_PORT}))
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
is_port_number "${KAFKA_CONTROLLER_PORT}" ||
  die "KAFKA_CONTROLLER_PORT must be a TCP port number, got '${KAFKA_CONTROLLER_PORT}'"
KAFKA_CONTROLLER_PORT=$((10#${KAFKA_CONTROLLER_PORT}))
[[ "${KAFKA_CONTROLLER_PORT}" != "${KAFKA_PORT}" ]] ||
  die "KAFKA_CONTROLLER_PORT must differ from KAFKA_PORT (${KAFKA_PORT})"
[[ "${KAFKA_NODE_ID}" =~ ^[0-9]+$ ]] || die "KAFKA_NODE_ID must be a whole number, got '${KAFKA_NODE_ID}'"
[[ "${KAFKA_REPLICATION}" =~ ^[1-9][0-9]*$ && "${KAFKA_MIN_INSYNC}" =~ ^[1-9][0-9]*$ ]] ||
  die "KAFKA_REPLICATION and KAFKA_MIN_INSYNC must be positive whole numbers"
((KAFKA_MIN_INSYNC <= KAFKA_REPLICATION)) || die "KAFKA_MIN_INSYNC must not exceed KAFKA_REPLICATION"
KAFKA_QUORUM_VOTERS="${KAFKA_QUORUM_VOTERS:-${KAFKA_NODE_ID}@${HOST}:${KAFKA_CONTROLLER_PORT}}"

LOCAL_DIR="${HOMEWARD_LOCAL_DIR:-${REPO_ROOT}/.local}"
mkdir -p "${LOCAL_DIR}"
LOCAL_DIR="$(cd "${LOCAL_DIR}" && pwd)"
KAFKA_HOME_DIR="${LOCAL_DIR}/kafka"
LIB_DIR="${KAFKA_HOME_DIR}/lib"
LIB_MARKER="${LIB_DIR}/.resolved"
DATA_DIR="${KAFKA_HOME_DIR}/data-${KAFKA_PORT}"
LOG_DIR="${KAFKA_HOME_DIR}/logs-${KAFKA_PORT}"
SERVER_PROPERTIES="${LOG_DIR}/server.properties"
PID_FILE="${LOG_DIR}/kafka.pid"
SERVER_LOG="${LOG_DIR}/server.log"
STDOUT_LOG="${LOG_DIR}/kafka.out"
# Size of server.log when the current broker was launched: only log lines after it count.
START_OFFSET_FILE="${LOG_DIR}/kafka.log-offset"

if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then
  JAVA="${JAVA_HOME}/bin/java"
else
  JAVA="java"
fi

# True when something accepts a TCP connection on HOST:$1.
port_open() {
  # shellcheck disable=SC2016 # $0/$1 expand in the child bash, on purpose
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "${HOST}" "$1" 2>/dev/null
}

# Prints the pid of the broker this script started for KAFKA_PORT, if it is still alive.
# Guards against pid reuse by checking the command line for kafka.Kafka and our config file.
running_pid() {
  local pid cmdline
  [[ -f "${PID_FILE}" ]] || return 1
  pid="$(tr -dc '0-9' <"${PID_FILE}")"
  [[ -n "${pid}" ]] || return 1
  kill -0 "${pid}" 2>/dev/null || return 1
  cmdline="$(tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null || true)"
  [[ "${cmdline}" == *kafka.Kafka*"${SERVER_PROPERTIES}"* ]] || return 1
  printf '%s\n' "${pid}"
}

# Shows what the current start attempt logged: the JVM's stdout/stderr, then server.log
# lines written since the launch (older runs' lines would only mislead).
print_log_tail() {
  local offset=0
  if [[ -s "${STDOUT_LOG}" ]]; then
    printf -- '----- last 20 lines of %s -----\n' "${STDOUT_LOG}" >&2
    tail -n 20 "${STDOUT_LOG}" >&2
  fi
  if [[ -s "${SERVER_LOG}" ]]; then
    offset="$(tr -dc '0-9' <"${START_OFFSET_FILE}" 2>/dev/null || true)"
    offset="${offset:-0}"
    if (($(file_size "${SERVER_LOG}") < offset)); then offset=0; fi
    printf -- '----- last 40 lines of %s (this start) -----\n' "${SERVER_LOG}" >&2
    tail -c "+$((offset + 1))" "${SERVER_LOG}" | tail -n 40 >&2
  fi
}

file_size() {
  if [[ -f "$1" ]]; then wc -c <"$1" | tr -d ' '; else echo 0; fi
}

require_tools() {
  command -v "${JAVA}" >/dev/null 2>&1 || die "java not found (need a JDK/JRE 17+; set JAVA_HOME or PATH)"
  command -v timeout >/dev/null 2>&1 || die "timeout (coreutils) not found"
}

# Resolve the broker's jars from Maven Central into LIB_DIR once. The marker records the
# POM's checksum and is written last, so an interrupted download or an edited POM is redone.
resolve_jars() {
  local want lock_fd tmp_dir
  want="$(sha256sum "${POM}" | cut -d' ' -f1)"
  if [[ -f "${LIB_MARKER}" && "$(cat "${LIB_MARKER}")" == "${want}" ]]; then
    return 0
  fi
  mkdir -p "${KAFKA_HOME_DIR}"
  # Serialize concurrent `up`s (e.g. two ports started at once) on the shared jar cache.
  exec {lock_fd}>"${KAFKA_HOME_DIR}/.lib.lock"
  flock "${lock_fd}"
  if [[ -f "${LIB_MARKER}" && "$(cat "${LIB_MARKER}")" == "${want}" ]]; then
    exec {lock_fd}>&-
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found (Maven is needed once to fetch the Kafka jars)"
  log "resolving Kafka jars from Maven Central into ${LIB_DIR} (first run only) ..."
  local started=${SECONDS}
  tmp_dir="${KAFKA_HOME_DIR}/lib.tmp.$$"
  rm -rf "${tmp_dir}"
  local mvn_log="${KAFKA_HOME_DIR}/mvn.log"
  if ! mvn -B -q -Dstyle.color=never -f "${POM}" "${DEP_PLUGIN}:copy-dependencies" \
    -DincludeScope=runtime -DoutputDirectory="${tmp_dir}" >"${mvn_log}" 2>&1; then
    rm -rf "${tmp_dir}"
    tail -n 40 "${mvn_log}" >&2
    die "mvn copy-dependencies failed (full output in ${mvn_log})"
  fi
  compgen -G "${tmp_dir}/kafka_2.13-*.jar" >/dev/null || die "kafka_2.13 jar missing after mvn run in ${tmp_dir}"
  rm -rf "${LIB_DIR}"
  mv "${tmp_dir}" "${LIB_DIR}"
  printf '%s\n' "${want}" >"${LIB_MARKER}"
  log "resolved $(find "${LIB_DIR}" -name '*.jar' | wc -l) jars in $((SECONDS - started)) s"
  exec {lock_fd}>&-
}

write_server_properties() {
  mkdir -p "${DATA_DIR}" "${LOG_DIR}"
  local tmp="${SERVER_PROPERTIES}.tmp.$$"
  cat >"${tmp}" <<EOF
# Generated by infra/bin/kafka.sh on every \`up\`; edits here are overwritten.
process.roles=broker,controller
node.id=${KAFKA_NODE_ID}
controller.quorum.voters=${KAFKA_QUORUM_VOTERS}
listeners=PLAINTEXT://${HOST}:${KAFKA_PORT},CONTROLLER://${HOST}:${KAFKA_CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://${HOST}:${KAFKA_PORT}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${DATA_DIR}

# Replicas of the internal topics and the defaults of new topics: 1 on a single node (the default 3 would
# never create __consumer_offsets), 3 with min.insync.replicas=2 on a three-node cluster (kafka-cluster.sh).
offsets.topic.replication.factor=${KAFKA_REPLICATION}
transaction.state.log.replication.factor=${KAFKA_REPLICATION}
transaction.state.log.min.isr=${KAFKA_MIN_INSYNC}
default.replication.factor=${KAFKA_REPLICATION}
min.insync.replicas=${KAFKA_MIN_INSYNC}
group.initial.rebalance.delay.ms=0

# Topics are created explicitly (kafkajs auto-creation on KRaft is unreliable).
auto.create.topics.enable=false

num.network.threads=2
num.io.threads=2
num.partitions=1
EOF
  mv "${tmp}" "${SERVER_PROPERTIES}"
}

log4j_opts() {
  printf '%s\n' "-Dlog4j.configuration=file:${LOG4J_CONFIG}" "-Dkafka.logs.dir=${LOG_DIR}"
}

format_storage() {
  if [[ -f "${DATA_DIR}/meta.properties" ]]; then
    return 0
  fi
  local cluster_id="${KAFKA_CLUSTER_ID:-}" opts=()
  # A Kafka Uuid: 16 random bytes, URL-safe base64 without padding (22 chars). Like Kafka's
  # Uuid.randomUuid(), reject ids starting with '-': StorageTool's argument parser would take
  # them for an option ("argument --cluster-id/-t: expected one argument").
  [[ -n "${cluster_id}" ]] || cluster_id="-"
  while [[ "${cluster_id}" == -* ]]; do
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  done
  mapfile -t opts < <(log4j_opts)
  log "formatting ${DATA_DIR} (cluster id ${cluster_id})"
  local jvm=()
  read -r -a jvm <<<"${KAFKA_JVM_OPTS}"
  "${JAVA}" ${jvm[@]+"${jvm[@]}"} "${opts[@]}" -cp "${LIB_DIR}/*" kafka.tools.StorageTool format \
    -t "${cluster_id}" -c "${SERVER_PROPERTIES}" -g >>"${STDOUT_LOG}" 2>&1 ||
    {
      print_log_tail
      die "kafka.tools.StorageTool format failed"
    }
  [[ -f "${DATA_DIR}/meta.properties" ]] || die "format did not write ${DATA_DIR}/meta.properties"
}

# Wait until the broker accepts TCP on KAFKA_PORT and its log (after byte offset $2) says
# "Kafka Server started". Fails early if the process ($1) dies.
wait_ready() {
  local pid="$1" log_offset="$2" deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  local started_logged=0
  while ((SECONDS < deadline)); do
    if ! kill -0 "${pid}" 2>/dev/null; then
      print_log_tail
      rm -f "${PID_FILE}"
      die "broker process ${pid} exited during startup"
    fi
    if ((started_logged == 0)); then
      # If the log was rotated since we started, search the whole (new) file.
      if (($(file_size "${SERVER_LOG}") < log_offset)); then log_offset=0; fi
      # Not grep -q: its early exit can SIGPIPE tail, and with pipefail the test would fail.
      if [[ -f "${SERVER_LOG}" ]] &&
        tail -c "+$((log_offset + 1))" "${SERVER_LOG}" | grep -F 'Kafka Server started' >/dev/null; then
        started_logged=1
      fi
    fi
    if ((started_logged == 1)) && port_open "${KAFKA_PORT}"; then
      return 0
    fi
    sleep 0.5
  done
  print_log_tail
  die "broker (pid ${pid}) not ready on ${HOST}:${KAFKA_PORT} after ${KAFKA_START_TIMEOUT} s;" \
    "it is still running: \`$(basename "$0") down\` stops it"
}

cmd_up() {
  local pid
  if pid="$(running_pid)"; then
    if port_open "${KAFKA_PORT}"; then
      log "already running (pid ${pid}) on ${HOST}:${KAFKA_PORT}"
      return 0
    fi
    log "pid ${pid} is alive but ${HOST}:${KAFKA_PORT} does not answer yet; waiting"
    wait_ready "${pid}" "$(tr -dc '0-9' <"${START_OFFSET_FILE}" 2>/dev/null || echo 0)"
    log "ready on ${HOST}:${KAFKA_PORT} (pid ${pid})"
    return 0
  fi
  if port_open "${KAFKA_PORT}"; then
    log "something already answers on ${HOST}:${KAFKA_PORT} (not started by this script); not starting another"
    return 0
  fi
  if port_open "${KAFKA_CONTROLLER_PORT}"; then
    die "controller port ${HOST}:${KAFKA_CONTROLLER_PORT} is already in use; set KAFKA_CONTROLLER_PORT"
  fi

  require_tools
  [[ -f "${POM}" && -f "${LOG4J_CONFIG}" ]] || die "missing ${POM} or ${LOG4J_CONFIG}"
  resolve_jars
  write_server_properties
  format_storage

  local opts=() heap=() jvm=() log_offset t0=${SECONDS}
  mapfile -t opts < <(log4j_opts)
  read -r -a heap <<<"${KAFKA_HEAP_OPTS}"
  read -r -a jvm <<<"${KAFKA_JVM_OPTS}"
  log_offset="$(file_size "${SERVER_LOG}")"
  printf '%s\n' "${log_offset}" >"${START_OFFSET_FILE}"
  rm -f "${PID_FILE}"
  printf '\n===== %s kafka.sh up (port %s) =====\n' "$(date -Is)" "${KAFKA_PORT}" >>"${STDOUT_LOG}"
  # setsid: own session, so a Ctrl-C in the calling terminal does not reach the broker.
  # The wrapper writes its own pid and execs java, so the pid file names the JVM itself.
  # shellcheck disable=SC2016 # $$/$0/$@ expand in the child sh, on purpose
  setsid sh -c 'echo $$ >"$0"; exec "$@"' "${PID_FILE}" \
    "${JAVA}" "${heap[@]}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true ${jvm[@]+"${jvm[@]}"} "${opts[@]}" \
    -cp "${LIB_DIR}/*" kafka.Kafka "${SERVER_PROPERTIES}" \
    </dev/null >>"${STDOUT_LOG}" 2>&1 &
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s "${PID_FILE}" ]] && break
    sleep 0.1
  done
  pid="$(tr -dc '0-9' <"${PID_FILE}" 2>/dev/null || true)"
  [[ -n "${pid}" ]] || die "could not start java (no pid written to ${PID_FILE})"
  log "started pid ${pid}; waiting for ${HOST}:${KAFKA_PORT} (timeout ${KAFKA_START_TIMEOUT} s)"
  wait_ready "${pid}" "${log_offset}"
  log "ready on ${HOST}:${KAFKA_PORT} (pid ${pid}, $((SECONDS - t0)) s); data ${DATA_DIR}, logs ${LOG_DIR}"
}

cmd_down() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "${PID_FILE}"
    if port_open "${KAFKA_PORT}"; then
      log "stopped nothing: ${HOST}:${KAFKA_PORT} is served by a process this script did not start"
    else
      log "not running"
    fi
    return 0
  fi
  log "stopping pid ${pid} (SIGTERM, up to ${KAFKA_STOP_TIMEOUT} s)"
  kill -TERM "${pid}" 2>/dev/null || true
  local deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
  while kill -0 "${pid}" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.5
  done
  if kill -0 "${pid}" 2>/dev/null; then
    err "pid ${pid} still alive after ${KAFKA_STOP_TIMEOUT} s; sending SIGKILL"
    kill -KILL "${pid}" 2>/dev/null || true
    while kill -0 "${pid}" 2>/dev/null; do sleep 0.2; done
  fi
  rm -f "${PID_FILE}"
  log "stopped"
}

# SIGKILL, as a machine that dies: no shutdown hook, nothing flushed or handed over. For fault tests and drills.
cmd_kill() {
  local pid
  if ! pid="$(running_pid)"; then
    log "not running (nothing started by this script to kill)"
    return 0
  fi
  kill -KILL "${pid}" 2>/dev/null || true
  while kill -0 "${pid}" 2>/dev/null; do sleep 0.1; done
  rm -f "${PID_FILE}"
  log "killed pid ${pid} (SIGKILL)"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    if port_open "${KAFKA_PORT}"; then
      log "running pid=${pid} port=${KAFKA_PORT} controller_port=${KAFKA_CONTROLLER_PORT} data=${DATA_DIR}"
    else
      log "running pid=${pid} port=${KAFKA_PORT} (port not answering yet: starting or unhealthy)"
    fi
    return 0
  fi
  if port_open "${KAFKA_PORT}"; then
    log "running pid=unknown port=${KAFKA_PORT} (not started by this script)"
    return 0
  fi
  log "stopped port=${KAFKA_PORT}"
  return 3
}

cmd_logs() {
  [[ -f "${SERVER_LOG}" ]] || die "no log yet at ${SERVER_LOG}"
  if [[ "${1:-}" == "-f" ]]; then
    exec tail -n 100 -F "${SERVER_LOG}"
  fi
  tail -n "${KAFKA_LOG_LINES:-200}" "${SERVER_LOG}"
}

usage() {
  echo "usage: $(basename "$0") up|down|kill|status|logs [-f]|jars" >&2
  exit 2
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  kill) cmd_kill ;;
  status) cmd_status ;;
  logs) cmd_logs "${2:-}" ;;
  jars) resolve_jars ;;
  *) usage ;;
esac
