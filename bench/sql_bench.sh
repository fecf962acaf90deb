#!/bin/sh
# The August X policy as SQL beside the same policy written by hand as a plain WHERE clause, on
# the same rows, in the same run: SQLite (always) and PostgreSQL 15 (when installed; a throwaway
# cluster in a temporary directory, stopped and removed at the end). Prints each query's time
# and checks that both count the same rows. Usage: bench/sql_bench.sh [USEGATE] [ROWS]
# (docs/performance.md, "SQL").
set -eu
cd "$(dirname "$0")/.."
usegate=${1:-build/usegate}
rows=${2:-1000000}
work=$(mktemp -d /tmp/usegate-sql-bench-XXXXXX)
pg_bin=/usr/lib/postgresql/15/bin
as_postgres=""
[ "$(id -u)" -eq 0 ] && as_postgres="runuser -u postgres --"
cleanup() {
  if [ -f "$work/pg/data/postmaster.pid" ]; then
    $as_postgres "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$usegate" sim policies/x-grok-2024-08.policy --scenario policies/scenarios/x-grok-2024-08-15.yaml \
  --write-records "$work/all.jsonl" >/dev/null
head -n "$rows" "$work/all.jsonl" > "$work/records.jsonl"
rows=$(wc -l < "$work/records.jsonl" | tr -d ' ')

# The policy by hand, for training on 2024-08-15: deny overrides allow (docs/language.md).
hand="COALESCE(grok_sharing, 'on') = 'on'
  AND ((category = 'post' AND visibility = 'public'
        AND (region IN ('US', 'UK', 'other_region') OR (region = 'EU' AND (ts < 1715040000 OR ts >= 1722470400))))
       OR category IN ('interaction', 'input', 'result'))"

sqlite3 "$work/posts.db" ".mode tabs" "CREATE TABLE lines (j TEXT);" ".import $work/records.jsonl lines" \
  "CREATE TABLE posts AS SELECT json_extract(j, '\$.category') AS category, json_extract(j, '\$.region') AS region,
     json_extract(j, '\$.visibility') AS visibility, json_extract(j, '\$.ts') AS ts,
     json_extract(j, '\$.consent.grok_sharing') AS grok_sharing FROM lines; DROP TABLE lines;"
# PostgreSQL's columns are typed: `ts` is a double precision column of epoch seconds there, which
# the bindings say (without them a time column is ISO-8601 text, docs/sql.md).
printf 'attributes:\n  ts: {field: ts, time: epoch_seconds}\n' > "$work/postgres.bindings.yaml"
"$usegate" build policies/x-grok-2024-08.policy --target sql --dialect sqlite --table posts --purpose training \
  --now 2024-08-15 -o "$work/sqlite.sql" 2>/dev/null
"$usegate" build policies/x-grok-2024-08.policy --target sql --dialect postgres --table posts --purpose training \
  --now 2024-08-15 --bindings "$work/postgres.bindings.yaml" -o "$work/postgres.sql" 2>/dev/null
sqlite3 "$work/posts.db" ".read $work/sqlite.sql"

seconds() { # COMMAND...: wall seconds of the command, its output to $work/out
  start=$(date +%s.%N); "$@" > "$work/out"; end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }'
}
report() { # ENGINE QUERY-NAME SECONDS
  printf '%-10s %-28s %8s s  %10.0f rows/s  count %s\n' "$1" "$2" "$3" \
    "$(awk -v r="$rows" -v s="$3" 'BEGIN { print r / s }')" "$(tr -d ' \n' < "$work/out")"
}

echo "$rows rows"
t=$(seconds sqlite3 "$work/posts.db" "SELECT count(*) FROM posts WHERE $hand")
report sqlite "hand-written WHERE" "$t"; hand_count=$(cat "$work/out")
t=$(seconds sqlite3 "$work/posts.db" "SELECT count(*) FROM posts_usegate_usable")
report sqlite "usegate (posts_usegate_usable)" "$t"
[ "$(cat "$work/out")" = "$hand_count" ] || { echo "sqlite: the counts differ" >&2; exit 1; }

if [ -x "$pg_bin/initdb" ]; then
  mkdir -p "$work/pg"
  [ -n "$as_postgres" ] && chown -R postgres "$work"
  $as_postgres "$pg_bin/initdb" -D "$work/pg/data" --auth=trust -U postgres >/dev/null
  $as_postgres "$pg_bin/pg_ctl" -D "$work/pg/data" -o "-c listen_addresses='' -k $work/pg" -l "$work/pg/log" -w start \
    >/dev/null
  psql="psql -X -q -A -t -h $work/pg -U postgres -d postgres"
  sqlite3 -csv "$work/posts.db" "SELECT category, region, visibility, ts, grok_sharing FROM posts" > "$work/posts.csv"
  [ -n "$as_postgres" ] && chown postgres "$work/posts.csv"
  $psql -c "CREATE TABLE posts (category text, region text, visibility text, ts double precision, grok_sharing text)" \
    -c "\\copy posts FROM '$work/posts.csv' CSV" -c "ANALYZE posts" -f "$work/postgres.sql"
  t=$(seconds $psql -c "SELECT count(*) FROM posts WHERE $hand")
  report postgres "hand-written WHERE" "$t"; hand_count=$(cat "$work/out")
  t=$(seconds $psql -c "SELECT count(*) FROM posts_usegate_usable")
  report postgres "usegate (posts_usegate_usable)" "$t"
  [ "$(cat "$work/out")" = "$hand_count" ] || { echo "postgres: the counts differ" >&2; exit 1; }
fi
