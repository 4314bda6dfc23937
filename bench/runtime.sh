#!/usr/bin/env bash
# Runtime speed: runs the dash runtime benchmarks (go test -bench, each
# -count times) and prints the median of every metric next to the targets
# of issue 6, with PASS or MISS.
#
#   bench/runtime.sh                 # -count 5 (about 4 minutes)
#   bench/runtime.sh -quick          # -count 1, shorter load phases (CI smoke)
#   bench/runtime.sh -count 10 -out /tmp/new.txt
#
# The raw output is benchstat input: keep two runs' files and compare them
# with `benchstat old.txt new.txt`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

count=5 quick=0 out=
while [ $# -gt 0 ]; do
  case $1 in
    -quick) quick=1 count=1 ;;
    -count) count=$2; shift ;;
    -out) out=$2; shift ;;
    *) echo "usage: $0 [-quick] [-count N] [-out FILE]" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$out" ]; then
  out=$(mktemp /tmp/dash-runtime-bench.XXXXXX)
fi

# Load phases: how long the concurrent-session benchmark generates load,
# and how many sessions the idle-memory benchmark opens.
load_time=5s idle_sessions=1000x
if [ $quick = 1 ]; then
  load_time=2s idle_sessions=300x
fi

bench() { # PATTERN [extra go test flags...]
  local pattern=$1; shift
  echo "go test -run '^\$' -bench '$pattern' -benchmem -count $count $* ./dash" >&2
  (cd "$root" && go test -run '^$' -bench "$pattern" -benchmem -count "$count" "$@" ./dash) | tee -a "$out" >&2
}

: >"$out"
{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(go version)"
  echo "# nproc=$(nproc) cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1) load=$(cut -d' ' -f1-3 /proc/loadavg)"
} >>"$out"
bench '^Benchmark(Rerun|RoundTrip|RoundTripRaw)$'
bench '^BenchmarkCacheDataGetHit$'
bench '^BenchmarkSessions$' -benchtime "$load_time" -timeout 30m
bench '^BenchmarkIdleSession$' -benchtime "$idle_sessions"
echo "# load at the end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$out"
echo "raw output: $out" >&2

# The table: the median over the runs of each benchmark and metric.
# Targets are "metric<limit"; benchmarks without one are listed for
# reference.
awk -v count="$count" '
BEGIN {
  target["Rerun/trivial ns/op"] = 200000
  target["RoundTrip/trivial ns/op"] = 2000000
  target["Sessions/sessions=100/think=1s p50-ms"] = 2
  target["Sessions/sessions=100/think=1s p99-ms"] = 100
  target["Sessions/sessions=1000/think=1s p50-ms"] = 2
  target["Sessions/sessions=1000/think=1s p99-ms"] = 100
  target["IdleSession/app=trivial bytes/session"] = 65536
  show["ns/op"] = show["B/op"] = show["allocs/op"] = 1
  show["p50-ms"] = show["p99-ms"] = show["max-ms"] = show["rt/s"] = show["cpu-µs/rt"] = 1
  show["bytes/session"] = show["goroutines/session"] = 1
}
/^# / { header = header substr($0, 3) "\n" }
/^Benchmark/ {
  name = $1; sub(/^Benchmark/, "", name); sub(/-[0-9]+$/, "", name)
  if (!(name in seen)) { seen[name] = 1; order[++n] = name }
  for (i = 3; i + 1 <= NF; i += 2) {
    unit = $(i + 1)
    if (!(unit in show)) continue
    # The load benchmarks allocate mostly in their clients.
    if (name ~ /^(Sessions|IdleSession)\// && (unit == "B/op" || unit == "allocs/op")) continue
    key = name " " unit
    if (!(key in nv)) { units[name] = units[name] " " unit }
    vals[key, ++nv[key]] = $i
  }
}
function median(key,   m, i, j, t, a) {
  m = nv[key]
  for (i = 1; i <= m; i++) a[i] = vals[key, i] + 0
  for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
  return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
}
function human(v, unit) {
  if (unit == "ns/op") {
    if (v >= 1e6) return sprintf("%.2f ms", v / 1e6)
    if (v >= 1e3) return sprintf("%.1f µs", v / 1e3)
    return sprintf("%.0f ns", v)
  }
  if (unit == "bytes/session" || unit == "B/op") {
    if (v >= 1048576) return sprintf("%.1f MiB", v / 1048576)
    if (v >= 1024) return sprintf("%.1f KiB", v / 1024)
    return sprintf("%.0f B", v)
  }
  if (unit ~ /-ms$/) return sprintf("%.2f ms", v)
  if (unit == "allocs/op" || unit == "rt/s") return sprintf("%.0f", v)
  return sprintf("%.4g", v)
}
END {
  # Groups in a fixed order (go test runs them in source file order).
  ng = split("Rerun/ RoundTripRaw/ RoundTrip/ CacheDataGetHit/ Sessions/ IdleSession/", groups, " ")
  m = 0
  for (g = 1; g <= ng; g++)
    for (k = 1; k <= n; k++)
      if (index(order[k], groups[g]) == 1 && !(order[k] in placed)) { placed[order[k]] = 1; sorted[++m] = order[k] }
  for (k = 1; k <= n; k++)
    if (!(order[k] in placed)) sorted[++m] = order[k]
  printf "\n%s", header
  printf "\n%-42s %-18s %12s %12s  %s\n", "benchmark (median of " count ")", "metric", "value", "target", "result"
  misses = 0
  for (k = 1; k <= n; k++) {
    name = sorted[k]
    m = split(substr(units[name], 2), us, " ")
    for (u = 1; u <= m; u++) {
      key = name " " us[u]
      v = median(key)
      tgt = "-"; res = ""
      if (key in target) {
        tgt = "< " human(target[key], us[u])
        res = v < target[key] ? "PASS" : "MISS"
        if (res == "MISS") misses++
      }
      printf "%-42s %-18s %12s %12s  %s\n", name, us[u], human(v, us[u]), tgt, res
    }
  }
  if (misses) printf "\n%d target(s) missed\n", misses
}' "$out"
