#!/usr/bin/env bash
# The incident, reproduced: N users move sliders and change filters against
# examples/antipatterns (the mistakes dashvet reports) and examples/sales (the
# same dashboard done right), on a real PostgreSQL with its default
# max_connections and on the embedded SQLite. Prints per app and database:
# queries executed, peak open connections, failed reruns, rerun latency.
#
#   bench/incident.sh                 # 50 users x 40 moves
#   USERS=20 MOVES=10 bench/incident.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
USERS=${USERS:-50}; MOVES=${MOVES:-40}
# Both apps have a Region filter; moving only it gives both the same
# interactions (sales has more filters; WIDGETS= moves every widget).
WIDGETS=${WIDGETS-Region}
export PGROOT=${PGROOT:-/tmp/dashvet-bench-pg} PGPORT=${PGPORT:-25433}
export PGEXTRA="-c shared_preload_libraries=pg_stat_statements"

work=$(mktemp -d /tmp/dashvet-incident.XXXXXX)
cleanup() {
  [ -n "${app_pid:-}" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "${mon_pid:-}" ] && kill "$mon_pid" 2>/dev/null || true
  "$root/scripts/postgres-start" stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$root" && go build -o "$work/sales" ./examples/sales && go build -o "$work/antipatterns" ./examples/antipatterns &&
  go build -o "$work/loadgen" ./bench/loadgen)
"$root/scripts/postgres-start" >/dev/null
admin="postgres://postgres@127.0.0.1:$PGPORT/postgres?sslmode=disable"
# The apps connect as an ordinary role, so the slots PostgreSQL reserves for
# superusers stay free for this script's monitoring even when an app has
# exhausted max_connections. Each run starts from a fresh database.
psql -qX "$admin" >/dev/null <<'SQL'
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dashapp') THEN CREATE ROLE dashapp LOGIN; END IF;
END $$;
DROP DATABASE IF EXISTS dashbench;
CREATE DATABASE dashbench OWNER dashapp;
SQL
dsn="postgres://dashapp@127.0.0.1:$PGPORT/dashbench?sslmode=disable"
maxconn=$(psql -qXtA "$admin" -c 'SHOW max_connections')

port=18600
printf '%-19s %-8s %6s %8s %9s %8s %8s %9s %9s\n' app db users queries peakconns failed dropped p50ms p99ms
for db in postgres sqlite; do
  for variant in antipatterns antipatterns-closed sales; do
    app=${variant%-closed}; extra=()
    [ "$variant" = antipatterns-closed ] && extra=(-close-pools)
    port=$((port+1))
    if [ $db = postgres ]; then target=$dsn; else target=$work/$variant.db; fi
    "$work/$app" --db "$target" "${extra[@]}" --server.port=$port >"$work/$variant-$db.log" 2>&1 &
    app_pid=$!
    for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
    # Let the first (seeding) run finish, then count only the users' load.
    "$work/loadgen" -url "http://127.0.0.1:$port" -users 1 -moves 1 >/dev/null
    if [ $db = postgres ]; then
      psql -qX "$admin" -c 'SELECT pg_stat_statements_reset()' >/dev/null
      ( peak=0; while :; do
          n=$(psql -qXtA "$admin" -c "SELECT count(*) FROM pg_stat_activity WHERE datname='dashbench'" 2>/dev/null || echo 0)
          [ "$n" -gt "$peak" ] && peak=$n && echo "$peak" >"$work/peak"
          sleep 0.1
        done ) &
      mon_pid=$!
    fi
    "$work/loadgen" -url "http://127.0.0.1:$port" -users "$USERS" -moves "$MOVES" -think 50ms -widgets "$WIDGETS" >"$work/result.json"
    queries=n/a; peak=n/a
    if [ $db = postgres ]; then
      kill "$mon_pid"; wait "$mon_pid" 2>/dev/null || true; mon_pid=
      peak=$(cat "$work/peak" 2>/dev/null || echo 0)
      queries=$(psql -qXtA "$admin" -c "SELECT coalesce(sum(calls),0) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname='dashbench'")
    fi
    kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=
    python3 - "$work/result.json" "$variant" "$db" "$queries" "$peak" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
app, db, q, peak = sys.argv[2:6]
print(f"{app:19s} {db:8s} {r['users']:6d} {q:>8s} {peak:>9s} {r['failed_reruns']:8d} {r['dropped_users']+r['connect_errors']:8d} {r['rerun_p50_ms']:9.1f} {r['rerun_p99_ms']:9.1f}")
for text, n in sorted(r['error_samples'].items(), key=lambda kv: -kv[1])[:2]:
    print(f"    {n}x {text}")
PY
  done
done
echo "antipatterns-closed: the same app with -close-pools (each rerun closes the pool it opened)."
echo "PostgreSQL max_connections=$maxconn; queries = pg_stat_statements calls during the load; SQLite runs inside the app process, so its queries and connections are not observable from outside (n/a)."
