#!/usr/bin/env bash
# The README's first command, `go run ./cmd/dashvet ./examples/...`, as a
# newcomer meets it: from a fresh clone with empty module, build and
# result caches (the module proxy reachable), then again with them filled.
# With BASELINE=<rev>, the same for a clone at <rev> first, in the same run,
# so that old and new are measured side by side.
#
#   bench/firstrun.sh                 # this checkout's HEAD
#   BASELINE=ba7d958 bench/firstrun.sh
#
# Prints one line per run: wall time, CPU time (user+sys), peak RSS of the
# largest process, the exit status (1: findings, as intended) and the load
# average when it started.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/dashvet-firstrun.XXXXXX)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

measure() { # label rev
  local label=$1 rev=$2 dir=$work/$1
  git clone -q "$root" "$dir"
  git -C "$dir" checkout -q --detach "$rev"
  local env=(GOMODCACHE="$work/$label-mod" GOCACHE="$work/$label-cache" GOFLAGS=-modcacherw
    DASHVET_CACHE="$work/$label-results" GOPATH="$work/$label-gopath")
  for run in cold warm warm; do
    local load; load=$(cut -d' ' -f1 /proc/loadavg)
    (cd "$dir" && env "${env[@]}" /usr/bin/time -o "$work/time" -f '%e %U %S %M %x' \
      go run ./cmd/dashvet ./examples/... >/dev/null 2>&1) || true
    read -r wall user sys rss status < <(tail -1 "$work/time")
    printf '%-9s %-5s %8.1f s wall %8.1f s cpu %6d MiB  exit %s  load %s\n' \
      "$label" "$run" "$wall" "$(echo "$user + $sys" | bc)" $((rss / 1024)) "$status" "$load"
  done
}

if [ -n "${BASELINE:-}" ]; then
  measure baseline "$BASELINE"
fi
measure head "$(git -C "$root" rev-parse HEAD)"
