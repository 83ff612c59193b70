#!/usr/bin/env bash
# What `celery control pool_grow 50000` and a burst of 10,000 `inspect ping` requests do to one node: its threads,
# RSS and how long `celery inspect ping` takes to answer, before, 5 s and 30 s after. The node runs on a private
# redis-server (a spare port, no persistence) with ./clipflow's JVM options and embedded defaults.
#   bench/control-flood.sh              the jar in target/ (built if missing)
#   CLIPFLOW_JAR=old.jar bench/control-flood.sh   another build, for a before/after table
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=${CLIPFLOW_JAR:-target/clipflow.jar}
[ -f "$JAR" ] || mvn -B -q -DskipTests package
JAR=$(realpath "$JAR")
ROUTES=$(realpath routes)
PY=/usr/bin/python3
$PY -c "import celery" 2>/dev/null || { echo "control-flood: needs Debian's python3-celery" >&2; exit 1; }

work=$(mktemp -d /tmp/clipflow-control-flood.XXXX)
redis_port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
http_port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --pidfile "$work/redis.pid" --logfile "$work/redis.log"
broker="redis://127.0.0.1:$redis_port/0"
node_pid=""
cleanup() {
  [ -n "$node_pid" ] && kill -9 "$node_pid" 2>/dev/null || true
  kill "$(cat "$work/redis.pid" 2>/dev/null)" 2>/dev/null || true
}
trap cleanup EXIT

(cd "$work" && MALLOC_ARENA_MAX=2 exec java -XX:+UseSerialGC -Xms64m -Xmx1g -Xss512k -XX:+IgnoreUnrecognizedVMOptions \
  -XX:TrimNativeHeapInterval=2000 -jar "$JAR" --server.port="$http_port" \
  --spring.data.redis.url="$broker" --clipflow.routes-dir="$ROUTES" >"$work/node.log" 2>&1) &
node_pid=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$http_port/actuator/health/readiness" >/dev/null 2>&1 && break
  sleep 1
done

celery() { timeout 60 $PY -m celery -b "$broker" "$@" 2>&1; }
threads() { ls "/proc/$node_pid/task" 2>/dev/null | wc -l; }
rss_mb() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$node_pid/status" 2>/dev/null || echo "-"; }
ping_ms() { # the CLI's own 1 s timeout; "no answer" when nobody replied
  local start end
  start=$(date +%s%N)
  local out
  out=$(celery inspect ping --timeout 1 || true)
  if grep -q pong <<<"$out"; then
    end=$(date +%s%N); echo "$(( (end - start) / 1000000 )) ms"
  else
    echo "no answer"
  fi
}
row() { printf '| %s | %s | %s MB | %s |\n' "$1" "$(threads)" "$(rss_mb)" "$(ping_ms)"; }

echo "| moment | threads | RSS | inspect ping (CLI, whole call) |"
echo "|---|---:|---:|---|"
row "idle"
echo "pool_grow reply: $(celery control pool_grow 50000 --timeout 1 | tr '\n' ' ' | cut -c1-200)" >&2
row "pool_grow 50000, right after"
sleep 5
row "5 s later"
sleep 25
row "30 s later"
$PY - "$broker" <<'EOF' >&2
import sys, time
from celery import Celery
app = Celery(broker=sys.argv[1])
with app.connection_for_write() as conn:
    mailbox = app.control.mailbox(conn)
    start = time.time()
    for _ in range(10000):
        mailbox._publish('ping', {}, timeout=1)
    print(f"10,000 ping requests published in {time.time() - start:.1f} s")
EOF
row "after 10,000 pings in a burst"
sleep 2
row "2 s later"
echo "node log: $work/node.log" >&2
