#!/usr/bin/env bash
# Memory and tails of the reference app (bench/refapp: slider, selectbox,
# cached SQLite query, metric, 50-row table, line chart), before and after a
# change, measured side by side in one run: the runtime of commit BEFORE
# (default: the last commit before frame parts were shared) and of the
# working tree each serve the same app from bench/refapp, and the
# benchmarks alternate between the two so both see the same machine load.
#
#   bench/refapp.sh                      # -count 3: about 2 minutes
#   bench/refapp.sh -before HEAD~3 -count 5 -sessions 1000 -servers 10
#
# Reported: RSS per idle session over N sessions (and heap, stacks,
# goroutines), and p50/p99 of the first run of 50 sessions opened at once
# on a fresh server (cold) and of their slider round trips once warm.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

before=ba7d958717b54cc0dff5dca5e3f4685658a9030e count=3 sessions=1000 servers=10 out=
while [ $# -gt 0 ]; do
  case $1 in
    -before) before=$2; shift ;;
    -count) count=$2; shift ;;
    -sessions) sessions=$2; shift ;;
    -servers) servers=$2; shift ;;
    -out) out=$2; shift ;;
    *) echo "usage: $0 [-before REV] [-count N] [-sessions N] [-servers N] [-out FILE]" >&2; exit 2 ;;
  esac
  shift
done
work=$(mktemp -d /tmp/dash-refapp.XXXXXX)
trap 'rm -rf "$work"' EXIT
[ -n "$out" ] || out=$work/raw.txt

# The old runtime with today's benchmark: bench/refapp uses only the public
# dash API, so it builds against either.
mkdir "$work/before"
git -C "$root" archive "$before" | tar -x -C "$work/before"
rm -rf "$work/before/bench/refapp"
cp -r "$root/bench/refapp" "$work/before/bench/refapp"
echo "building the benchmark against $before and against the working tree" >&2
(cd "$work/before" && go test -c -o "$work/before.test" ./bench/refapp)
(cd "$root" && go test -c -o "$work/after.test" ./bench/refapp)

: >"$out"
{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(go version) before=$(git -C "$root" rev-parse --short "$before") after=$(git -C "$root" rev-parse --short HEAD)+worktree"
  echo "# nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
} >>"$out"
run() { # LABEL BENCH BENCHTIME
  (cd "$work" && "./$1.test" -test.run '^$' -test.bench "^$2\$" -test.benchtime "$3") |
    sed -n "s/^Benchmark/$1 Benchmark/p" | tee -a "$out" >&2
}
for i in $(seq "$count"); do
  for side in before after; do run "$side" BenchmarkIdleSession "${sessions}x"; done
  for side in before after; do run "$side" BenchmarkFiftySessions "${servers}x"; done
done
echo "# load at the end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$out"
echo "raw output: $out" >&2

# Median of each metric over the runs, before and after.
awk '
/^(before|after) Benchmark/ {
  side = $1; bench = $2; sub(/-[0-9]+$/, "", bench); sub(/^Benchmark/, "", bench)
  for (i = 6; i < NF; i += 2) {
    key = bench " " $(i+1)
    if (!(key in seen)) { seen[key] = 1; order[++n] = key }
    vals[side, key] = vals[side, key] " " $i
  }
}
function median(s,   a, k, i, j, t) {
  k = split(s, a, " ")
  for (i = 2; i <= k; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
  return k % 2 ? a[(k+1)/2] : (a[k/2] + a[k/2+1]) / 2
}
END {
  printf "%-46s %14s %14s\n", "median of the runs", "before", "after"
  for (i = 1; i <= n; i++) {
    k = order[i]
    printf "%-46s %14.1f %14.1f\n", k, median(vals["before", k]), median(vals["after", k])
  }
}' "$out"
