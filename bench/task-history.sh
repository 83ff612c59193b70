#!/usr/bin/env bash
# The tasks page over a 1,000,000-row history: the first page and each kind of search, timed as the browser waits for
# them (curl's time to the last byte over loopback, so the whole server side: query, template, bytes), next to the
# naive way to reach a deep page (LIMIT/OFFSET, timed by PostgreSQL itself). A private database on the machine's
# PostgreSQL and a private redis-server; the node runs the packaged jar with the postgres profile.
#   bench/task-history.sh [ROWS] [REPS]      defaults 1000000 rows, 20 requests per row of the table
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${1:-1000000}
REPS=${2:-20}
JAR=${CLIPFLOW_JAR:-target/clipflow.jar}
if [ ! -f "$JAR" ] || [ -n "$(find pom.xml src/main -newer "$JAR" -print -quit)" ]; then mvn -B -q -DskipTests package; fi
JAR=$(realpath "$JAR")
ROUTES=$(realpath routes)
PY=/usr/bin/python3
DB=clipflow_bench_tasks
PSQL=(psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt)
pg_isready -h 127.0.0.1 -q || { echo "task-history: needs PostgreSQL at 127.0.0.1:5432" >&2; exit 1; }

work=$(mktemp -d /tmp/clipflow-task-history.XXXX)
port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
redis_port=$(port)
http_port=$(port)
token="cf_bench_$(head -c 24 /dev/urandom | base64 | tr -dc A-Za-z0-9)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --pidfile "$work/redis.pid" --logfile "$work/redis.log"
node_pid=""
cleanup() {
  [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null || true
  kill "$(cat "$work/redis.pid" 2>/dev/null)" 2>/dev/null || true
  "${PSQL[@]}" -d postgres -c "drop database if exists $DB" >/dev/null 2>&1 || true
}
trap cleanup EXIT

"${PSQL[@]}" -d postgres -c "drop database if exists $DB" -c "create database $DB"
(cd "$work" && CLIPFLOW_DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB" CLIPFLOW_ADMIN_TOKEN="$token" \
  exec java -Xmx1g -jar "$JAR" --spring.profiles.active=postgres --server.port="$http_port" \
  --spring.data.redis.url="redis://127.0.0.1:$redis_port/0" --clipflow.routes-dir="$ROUTES" \
  --clipflow.rate-limits.enabled=false >"$work/node.log" 2>&1) &
node_pid=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$http_port/actuator/health/readiness" >/dev/null 2>&1 && break
  sleep 1
done

echo "loading $ROWS history rows with their calls…" >&2
start=$(date +%s)
"${PSQL[@]}" -d "$DB" <<SQL
insert into task (task_id, name, queue, owner_id, state, retries, worker, error, created_at, started_at, finished_at)
select md5(i::text)::uuid::text,
       (array['videos.tasks.process_video','clipflow.noop','ai.execute_llm_stage','clipflow.ping'])[1 + i % 4],
       (array['video','celery','llm','celery'])[1 + i % 4],
       (select id from app_user where username = 'admin'),
       case when i % 50 = 0 then 'FAILURE' else 'SUCCESS' end,
       case when i % 50 = 0 then 3 else 0 end,
       'celery@bench-' || (i % 3),
       case when i % 50 = 0 then 'MediaException: ffmpeg exited 1' end,
       now() - make_interval(secs => i * 2.6),
       now() - make_interval(secs => i * 2.6) + interval '100 ms',
       now() - make_interval(secs => i * 2.6) + interval '900 ms'
from generate_series(1, $ROWS) i;
insert into task_call (task_id, args_json, kwargs_json)
select md5(i::text)::uuid::text, '["video-' || i || '", ' || (i % 1000) || ']', '{"preset": "hd", "n": ' || i || '}'
from generate_series(1, $ROWS) i;
analyze task;
analyze task_call;
SQL
echo "loaded in $(( $(date +%s) - start )) s" >&2

deep=$((ROWS / 2))
read -r cursor_time cursor_id < <("${PSQL[@]}" -d "$DB" -F ' ' -c \
  "select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), task_id from task
   order by created_at desc, task_id desc offset $((deep - 1)) limit 1")
cursor=$($PY - "$cursor_time" "$cursor_id" <<'PY'
import base64, datetime, sys
t = datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
secs = int(t.timestamp()); nanos = t.microsecond * 1000
print(base64.urlsafe_b64encode(f"{secs}.{nanos}.{sys.argv[2]}".encode()).decode().rstrip("="))
PY
)
needle="video-$((ROWS * 7 / 9))"
prefix=$("${PSQL[@]}" -d "$DB" -c "select substr(task_id, 1, 6) from task offset $((ROWS / 3)) limit 1")
window_from=$(date -u -d '-3 days' +%Y-%m-%dT%H:%M)
window_to=$(date -u -d '-3 days +1 hour' +%Y-%m-%dT%H:%M)

times() { # p50 and p99 (ms) of REPS requests to a page, after 3 unmeasured ones; checks the page has the task list
  local path=$1 i out
  for i in 1 2 3; do curl -fs -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$http_port$path"; done
  out=$(for i in $(seq 1 "$REPS"); do
    curl -fs -o "$work/page.html" -w '%{time_total}\n' -H "Authorization: Bearer $token" "http://127.0.0.1:$http_port$path"
  done | sort -n)
  grep -q 'id="tasks"' "$work/page.html" || { echo "task-history: $path did not answer the task list" >&2; exit 1; }
  local rows; rows=$(grep -c 'data-task-id=' "$work/page.html" || true)
  awk -v n="$REPS" -v rows="$rows" '{v[NR]=$1*1000} END {p50=v[int((n+1)/2)]; p99=v[n]; printf "%.1f | %.1f | %d", p50, p99, rows}' <<<"$out"
}
offset_ms() { # PostgreSQL's own execution time of the OFFSET query a page-number UI would run (median of 5)
  for _ in 1 2 3 4 5; do
    "${PSQL[@]}" -d "$DB" -c "explain (analyze, format json) select t.task_id, t.name, t.state, t.created_at from task t
       order by t.created_at desc, t.task_id desc offset $deep limit 51" |
      $PY -c 'import json,sys; print(json.load(sys.stdin)[0]["Execution Time"])'
  done | sort -n | sed -n 3p
}

echo
echo "Tasks page over $ROWS history rows (PostgreSQL $(psql --version | awk '{print $3}'), $REPS requests each after 3 unmeasured; whole request over loopback):"
echo
echo "| request | p50 ms | p99 ms | rows on the page |"
echo "|---|---:|---:|---:|"
echo "| first page, newest first | $(times /ui/tasks) |"
echo "| page at row $deep (keyset cursor) | $(times "/ui/tasks?after=$cursor") |"
echo "| argument text \`$needle\` (one match) | $(times "/ui/tasks?args=$needle") |"
echo "| argument text \`preset\` (every row) | $(times "/ui/tasks?args=preset") |"
echo "| name \`videos.tasks.process_video\` + state FAILURE | $(times "/ui/tasks?name=videos.tasks.process_video&state=FAILURE") |"
echo "| name prefix \`clipflow.*\` | $(times "/ui/tasks?name=clipflow.*") |"
echo "| worker \`celery@bench-1\` | $(times "/ui/tasks?worker=celery@bench-1") |"
echo "| id prefix \`$prefix\` | $(times "/ui/tasks?id=$prefix") |"
echo "| one hour, 3 days ago | $(times "/ui/tasks?from=$window_from&to=$window_to") |"
echo
echo "Peer, same run: the page at row $deep by LIMIT/OFFSET, PostgreSQL's own execution time only (no HTTP, no page): $(offset_ms) ms (median of 5)."
