#!/usr/bin/env bash
# A local Apache Kafka 3.9.1 cluster of three KRaft nodes (each broker and controller in one JVM, a
# three-voter quorum), each node an infra/bin/kafka.sh of its own port, data and logs. No Docker.
#
#   infra/bin/kafka-cluster.sh up          start every node that is not running (in parallel: a node is
#                                          ready only once a majority of the quorum runs), wait until all serve
#   infra/bin/kafka-cluster.sh down        SIGTERM every node (then SIGKILL after KAFKA_STOP_TIMEOUT s)
#   infra/bin/kafka-cluster.sh status      one line per node; exit 0 when all run, 3 otherwise
#   infra/bin/kafka-cluster.sh kill N      SIGKILL node N (1..KAFKA_CLUSTER_NODES), as a machine that dies
#   infra/bin/kafka-cluster.sh stop N      SIGTERM node N
#   infra/bin/kafka-cluster.sh start N     start node N again on its port and data, wait until it serves
#   infra/bin/kafka-cluster.sh logs N [-f] node N's server.log
#   infra/bin/kafka-cluster.sh brokers     the bootstrap list for KAFKA_BROKERS, e.g. 127.0.0.1:9192,127.0.0.1:9194,…
#
# Environment:
#   KAFKA_CLUSTER_PORT   client port of node 1; node N listens on PORT+2(N-1), its controller on the port after
#                        default 9192 (9192..9197: beside the single broker of `npm start` on 9092/9093)
#   KAFKA_CLUSTER_NODES  number of nodes (all voters)                                default 3
#   KAFKA_HEAP_OPTS      JVM heap flags of each node                                 default "-Xms128m -Xmx384m"
#   HOMEWARD_LOCAL_DIR, KAFKA_START_TIMEOUT, KAFKA_STOP_TIMEOUT, JAVA_HOME: as for kafka.sh
#
# Topics get 3 replicas and min.insync.replicas=2 by default on three or more nodes (so a producer with
# acks=all goes on writing while one node is down, and nothing it was told is written lives on one disk only).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
KAFKA_SH="${SCRIPT_DIR}/kafka.sh"
HOST="127.0.0.1"

BASE_PORT="${KAFKA_CLUSTER_PORT:-9192}"
NODES="${KAFKA_CLUSTER_NODES:-3}"
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms128m -Xmx384m}"

die() {
  printf '[kafka-cluster] ERROR: %s\n' "$*" >&2
  exit 1
}
[[ "${BASE_PORT}" =~ ^[0-9]+$ ]] && ((BASE_PORT >= 1 && BASE_PORT + 2 * NODES <= 65535)) ||
  die "KAFKA_CLUSTER_PORT must be a TCP port number with room for ${NODES} port pairs above it, got '${BASE_PORT}'"
[[ "${NODES}" =~ ^[0-9]+$ ]] && ((NODES >= 1 && NODES <= 9)) || die "KAFKA_CLUSTER_NODES must be 1..9, got '${NODES}'"

LOCAL_DIR="${HOMEWARD_LOCAL_DIR:-${REPO_ROOT}/.local}"
mkdir -p "${LOCAL_DIR}/kafka"
LOCAL_DIR="$(cd "${LOCAL_DIR}" && pwd)"
export HOMEWARD_LOCAL_DIR="${LOCAL_DIR}"
# Every node is formatted with the same cluster id, chosen once per cluster (per base port).
CLUSTER_ID_FILE="${LOCAL_DIR}/kafka/cluster-${BASE_PORT}.id"

port_of() { echo $((BASE_PORT + 2 * ($1 - 1))); }

voters() {
  local n out=()
  for ((n = 1; n <= NODES; n++)); do out+=("${n}@${HOST}:$(($(port_of "${n}") + 1))"); done
  (
    IFS=,
    echo "${out[*]}"
  )
}

cluster_id() {
  if [[ ! -s "${CLUSTER_ID_FILE}" ]]; then
    local id="-"
    # A Kafka Uuid (16 random bytes, URL-safe base64, 22 chars) that StorageTool won't take for an option.
    while [[ "${id}" == -* ]]; do id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"; done
    printf '%s\n' "${id}" >"${CLUSTER_ID_FILE}"
  fi
  tr -d '\n' <"${CLUSTER_ID_FILE}"
}

replication() { if ((NODES >= 3)); then echo 3; else echo "${NODES}"; fi; }
min_insync() { if ((NODES >= 3)); then echo 2; else echo 1; fi; }

# Runs kafka.sh for node $1 with the rest of the arguments.
node() {
  local n="$1" port
  shift
  ((n >= 1 && n <= NODES)) || die "no node '${n}' (nodes are 1..${NODES})"
  port="$(port_of "${n}")"
  KAFKA_PORT="${port}" KAFKA_CONTROLLER_PORT="$((port + 1))" KAFKA_NODE_ID="${n}" \
    KAFKA_QUORUM_VOTERS="$(voters)" KAFKA_CLUSTER_ID="$(cluster_id)" \
    KAFKA_REPLICATION="$(replication)" KAFKA_MIN_INSYNC="$(min_insync)" \
    bash "${KAFKA_SH}" "$@"
}

# Runs `kafka.sh $1` on every node at once; fails if any node failed.
every_node() {
  local n pids=() failed=0
  # Resolve the jars (once) before the nodes race for them.
  [[ "$1" != up ]] || bash "${KAFKA_SH}" jars
  cluster_id >/dev/null
  for ((n = 1; n <= NODES; n++)); do
    node "${n}" "$1" &
    pids+=($!)
  done
  for n in "${pids[@]}"; do wait "${n}" || failed=1; done
  return "${failed}"
}

brokers() {
  local n out=()
  for ((n = 1; n <= NODES; n++)); do out+=("${HOST}:$(port_of "${n}")"); done
  (
    IFS=,
    echo "${out[*]}"
  )
}

cmd_status() {
  local n rc=0
  for ((n = 1; n <= NODES; n++)); do node "${n}" status || rc=3; done
  return "${rc}"
}

usage() {
  echo "usage: $(basename "$0") up|down|status|brokers|kill N|stop N|start N|logs N [-f]" >&2
  exit 2
}

case "${1:-}" in
  up)
    every_node up
    echo "[kafka-cluster] ${NODES} nodes ready; KAFKA_BROKERS=$(brokers)"
    ;;
  down) every_node down ;;
  status) cmd_status ;;
  brokers) brokers ;;
  kill) node "${2:?node number}" kill ;;
  stop) node "${2:?node number}" down ;;
  start) node "${2:?node number}" up ;;
  logs) node "${2:?node number}" logs "${3:-}" ;;
  *) usage ;;
esac
