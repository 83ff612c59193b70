#!/usr/bin/env bash
# Fan-out latency (publish → WebSocket receive) with 1, 100 and 1,000 clients on one node, and server heap per idle
# connection. Starts its own Clipflow node (port 18090, data in a temp dir, Redis keys under "bench:"), runs
# bench/FanoutBench.java against it, stops it. Results: stdout and bench/results/fanout-<time>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/8}
COUNTS=${COUNTS:-1,100,1000}
MESSAGES=${MESSAGES:-200}
INTERVAL_MS=${INTERVAL_MS:-20}
PORT=${PORT:-18090}
[ -f target/clipflow.jar ] || mvn -q -DskipTests package
DATA=$(mktemp -d)
TOKEN="cf_bench_$(date +%s)"
CLIPFLOW_ADMIN_TOKEN=$TOKEN java -Xmx512m -jar target/clipflow.jar --server.port="$PORT" --clipflow.data-dir="$DATA" \
  --clipflow.redis.key-prefix=bench: --spring.data.redis.url="$REDIS_URL" --clipflow.redis.embedded=never \
  --server.tomcat.max-connections=4096 > "$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 90); do grep -q "ready on port" "$DATA/server.log" && break; sleep 1; done
grep -q "ready on port" "$DATA/server.log" || { tail -50 "$DATA/server.log"; exit 1; }
HOSTPORT=${REDIS_URL#redis://}; HOSTPORT=${HOSTPORT%%/*}
mkdir -p bench/results
OUT=bench/results/fanout-$(date -u +%Y%m%dT%H%M%SZ).md
java bench/FanoutBench.java "ws://127.0.0.1:$PORT" "$TOKEN" "${HOSTPORT%:*}" "${HOSTPORT#*:}" bench: "$SERVER" \
  "$COUNTS" "$MESSAGES" "$INTERVAL_MS" | tee "$OUT"
