#!/usr/bin/env bash
# Replicas sharing their caches through Redis, measured: the seed's scenario
# (USERS users x MOVES moves of a select box and a slider) against one
# process, 3 replicas caching alone, and 3 replicas sharing through Redis,
# all behind a round-robin proxy on loopback. Prints database queries,
# rerun latency p50/p99, failed reruns and dropped users per setup.
#
#   bench/replicas.sh                  # 50 users x 40 moves
#   USERS=20 MOVES=10 bench/replicas.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
USERS=${USERS:-50}; MOVES=${MOVES:-40}
work=$(mktemp -d /tmp/dashvet-replicas.XXXXXX)
trap 'rm -rf "$work"' EXIT
(cd "$root" && go build -o "$work/app" ./bench/replicas/app && go build -o "$work/loadgen" ./bench/loadgen &&
  go build -o "$work/replicas" ./bench/replicas)
redis=${DASH_TEST_REDIS_URL:-$("$root/scripts/redis-start")}
"$work/replicas" -app "$work/app" -loadgen "$work/loadgen" -redis "$redis" -users "$USERS" -moves "$MOVES"
