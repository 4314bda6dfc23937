#!/usr/bin/env bash
# Analyzer speed: dashvet (standalone and as vettool) versus staticcheck,
# go vet and a no-op vettool (the type-checking floor), on the same machine
# in the same run, with a cold and a warm build cache. Prints a table of wall
# time and peak RSS with ratios.
#
#   bench/analyzers.sh           # std (warm) and golang.org/x/tools (cold and warm)
#   STD_COLD=1 bench/analyzers.sh  # also std with a cold cache (~20 min more)
#   bench/analyzers.sh -quick    # net/http/... only, warm only (CI smoke)
#   ONLY=x/tools bench/analyzers.sh    # one of the targets only
#   BASELINE=<rev> bench/analyzers.sh  # also dashvet built from <rev> as
#                                      # "base-vettool": old and new engine
#                                      # side by side in one run
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
quick=0; [ "${1:-}" = -quick ] && quick=1
STATICCHECK_VERSION=${STATICCHECK_VERSION:-v0.8.2}   # staticcheck 2026.1.x
XTOOLS_VERSION=${XTOOLS_VERSION:-v0.52.0}

work=$(mktemp -d /tmp/dashvet-bench.XXXXXX)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
bin=$work/bin; mkdir -p "$bin"

echo "building dashvet, noopvet; installing staticcheck $STATICCHECK_VERSION" >&2
(cd "$root" && go build -o "$bin/dashvet" ./cmd/dashvet && go build -o "$bin/noopvet" ./bench/noopvet)
tools=(noop-vettool go-vet dashvet-vettool dashvet staticcheck)
if [ -n "${BASELINE:-}" ]; then
  echo "building dashvet at $BASELINE" >&2
  git -C "$root" worktree add -q --detach "$work/base" "$BASELINE"
  (cd "$work/base" && go build -o "$bin/dashvet-base" ./cmd/dashvet)
  git -C "$root" worktree remove --force "$work/base"
  tools=(noop-vettool go-vet base-vettool dashvet-vettool dashvet staticcheck)
fi
# The staticcheck binary is kept between runs; it is a tool, not a subject.
sc_cache=${XDG_CACHE_HOME:-$HOME/.cache}/dashvet-bench/staticcheck-$STATICCHECK_VERSION
[ -x "$sc_cache/staticcheck" ] || GOBIN=$sc_cache go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"
cp "$sc_cache/staticcheck" "$bin/staticcheck"

# Targets: "label|dir|patterns"
targets=()
if [ $quick = 1 ]; then
  targets+=("net/http/...|$root|net/http/...")
else
  targets+=("std|$root|std")
  xt=$(cd "$root" && go mod download -json "golang.org/x/tools@$XTOOLS_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  cp -r "$xt" "$work/xtools"; chmod -R u+w "$work/xtools"
  (cd "$work/xtools" && go mod download >/dev/null 2>&1)
  targets+=("x/tools|$work/xtools|./...")
fi

if [ -n "${ONLY:-}" ]; then
  kept=()
  for t in "${targets[@]}"; do [ "${t%%|*}" = "$ONLY" ] && kept+=("$t"); done
  targets=("${kept[@]}")
fi

# measure LABEL DIR CACHE -- CMD...: prints "seconds maxrss_kib"
measure() {
  local dir=$1 cache=$2; shift 3
  ( cd "$dir" && GOCACHE=$cache STATICCHECK_CACHE=$cache/staticcheck GOFLAGS=-mod=mod \
      /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" ) || true
  cat "$work/time" | tail -1
}

# Cold: empty build cache. Warm: a build cache primed by `go build` of the
# target (compiled export data present) but holding no analysis results, so
# every tool analyzes every package in both modes: go vet caches vet results
# and staticcheck caches its own, and a rerun of either on an unchanged tree
# would measure only those caches.
printf '%-12s %-6s %-22s %9s %10s %9s %9s\n' target cache tool seconds "peakRSS" "×static" "×floor"
for t in "${targets[@]}"; do
  IFS='|' read -r label dir pats <<<"$t"
  slug=$(echo "$label" | tr '/.' '__')
  primed=$work/primed-$slug; mkdir -p "$primed"
  (cd "$dir" && GOCACHE=$primed GOFLAGS=-mod=mod go build $pats >/dev/null 2>&1) || true
  modes=(cold warm); [ $quick = 1 ] && modes=(warm)
  # A cold std means compiling the standard library five times over
  # (~20 min on 2 cores); STD_COLD=1 includes it.
  [ "$label" = std ] && [ "${STD_COLD:-0}" != 1 ] && modes=(warm)
  declare -A secs=() rss=()
  for tool in "${tools[@]}"; do
    case $tool in
      base-vettool)    cmd=(go vet -vettool="$bin/dashvet-base" $pats) ;;
      noop-vettool)    cmd=(go vet -vettool="$bin/noopvet" $pats) ;;
      go-vet)          cmd=(go vet $pats) ;;
      dashvet-vettool) cmd=(go vet -vettool="$bin/dashvet" $pats) ;;
      dashvet)         cmd=("$bin/dashvet" $pats) ;;
      staticcheck)     cmd=("$bin/staticcheck" $pats) ;;
    esac
    for m in "${modes[@]}"; do
      cache=$work/cache; rm -rf "$cache"
      if [ $m = warm ]; then cp -a "$primed" "$cache"; else mkdir -p "$cache"; fi
      read -r s k < <(measure "$dir" "$cache" -- "${cmd[@]}")
      secs[$tool,$m]=$s; rss[$tool,$m]=$k
    done
  done
  rm -rf "$work/cache" "$primed"
  for m in "${modes[@]}"; do
    for tool in "${tools[@]}"; do
      s=${secs[$tool,$m]}; k=${rss[$tool,$m]}
      xs=$(awk -v a="$s" -v b="${secs[staticcheck,$m]}" 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "-" }')
      xf=$(awk -v a="$s" -v b="${secs[noop-vettool,$m]}" 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "-" }')
      printf '%-12s %-6s %-22s %9s %8dMiB %9s %9s\n' "$label" "$m" "$tool" "$s" $((k/1024)) "$xs" "$xf"
    done
  done
  unset secs rss
done
