#!/usr/bin/env bash
# Upload throughput: one file of SIZE through the three ways in (multipart POST /api/videos, tus in 5 MiB PATCHes,
# the seeds' 5 MiB chunks + merge-chunks), next to curl sending the same bytes to a local server that reads and drops
# them, in the same run. The node runs the packaged jar with a small heap (-Xmx256m), so a run also shows that no step
# holds the file in memory; its peak resident size is in the last line. A private redis-server; H2 in a scratch folder.
#   bench/uploads.sh [SIZE] [REPS]      defaults 1G and 3 (the best of REPS runs per row)
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."

SIZE=${1:-1G}
REPS=${2:-3}
CHUNK=$((5 * 1024 * 1024))
JAR=${CLIPFLOW_JAR:-target/clipflow.jar}
if [ ! -f "$JAR" ] || [ -n "$(find pom.xml src/main -newer "$JAR" -print -quit)" ]; then mvn -B -q -DskipTests package; fi
JAR=$(realpath "$JAR")
ROUTES=$(realpath routes)
PY=/usr/bin/python3

work=$(mktemp -d /tmp/clipflow-uploads.XXXX)
port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
redis_port=$(port)
http_port=$(port)
sink_port=$(port)
token="cf_bench_$(head -c 24 /dev/urandom | base64 | tr -dc A-Za-z0-9)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --pidfile "$work/redis.pid" --logfile "$work/redis.log"
node_pid="" sink_pid=""
cleanup() {
  [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null || true
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null || true
  kill "$(cat "$work/redis.pid" 2>/dev/null)" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# the peer: an HTTP server that reads every byte of the body and drops it (a Java one, as fast as a socket read loop)
cat > "$work/Sink.java" <<'JAVA'
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
public class Sink {
    public static void main(String[] a) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(a[0])), 16);
        s.createContext("/", x -> {
            byte[] b = new byte[1 << 16];
            try (var in = x.getRequestBody()) { while (in.read(b) >= 0) { } }
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        s.start();
    }
}
JAVA
java "$work/Sink.java" "$sink_port" &
sink_pid=$!

(cd "$work" && CLIPFLOW_ADMIN_TOKEN="$token" exec java -Xmx256m -jar "$JAR" --server.port="$http_port" \
  --spring.data.redis.url="redis://127.0.0.1:$redis_port/0" --clipflow.data-dir="$work/data" --clipflow.routes-dir="$ROUTES" \
  --clipflow.rate-limits.enabled=false --clipflow.upload.max-size=8GB --clipflow.upload.max-pending-videos=1000 \
  >"$work/node.log" 2>&1) &
node_pid=$!
ready=""
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$http_port/actuator/health/readiness" >/dev/null 2>&1 && { ready=1; break; }
  sleep 1
done
[ -n "$ready" ] || { echo "uploads: the node did not start:" >&2; tail -20 "$work/node.log" >&2; exit 1; }

file="$work/upload.bin"
head -c "$SIZE" /dev/urandom > "$file"
bytes=$(stat -c %s "$file")
md5=$(md5sum "$file" | cut -d' ' -f1)
api="http://127.0.0.1:$http_port"
auth=(-H "Authorization: Bearer $token")
n=$(( (bytes + CHUNK - 1) / CHUNK ))

now() { date +%s.%N; }
sink() { curl -fsS -o /dev/null -X POST -H 'Content-Type: application/octet-stream' -T "$file" \
  "http://127.0.0.1:$sink_port/"; }
multipart() { curl -fsS -o /dev/null "${auth[@]}" -F "file=@$file;filename=bench.mp4" "$api/api/videos"; }
tus() {
  local url offset=0 i
  url=$(curl -fsS -D - -o /dev/null -X POST "${auth[@]}" -H 'Tus-Resumable: 1.0.0' -H "Upload-Length: $bytes" \
    -H "Upload-Metadata: filename $(printf bench.mp4 | base64)" "$api/api/uploads" | tr -d '\r' \
    | sed -n 's/^[Ll]ocation: //p')
  for ((i = 0; i < n; i++)); do
    dd if="$file" bs="$CHUNK" skip="$i" count=1 status=none | curl -fsS -o /dev/null -X PATCH "${auth[@]}" \
      -H 'Tus-Resumable: 1.0.0' -H "Upload-Offset: $offset" -H 'Content-Type: application/offset+octet-stream' \
      -T - "$url"
    offset=$((offset + CHUNK < bytes ? offset + CHUNK : bytes))
  done
}
chunks() {
  local i
  for ((i = 0; i < n; i++)); do
    dd if="$file" bs="$CHUNK" skip="$i" count=1 status=none | curl -fsS -o /dev/null "${auth[@]}" \
      -F "file_md5=$md5" -F "chunk_index=$i" -F "chunks_total=$n" -F "chunk=@-;filename=blob" \
      "$api/api/videos/upload-chunk/"
  done
  curl -fsS -o /dev/null "${auth[@]}" -H 'Content-Type: application/json' \
    -d "{\"file_name\":\"bench.mp4\",\"file_md5\":\"$md5\",\"chunks_total\":$n}" "$api/api/videos/merge-chunks/"
}

best() {
  local fn=$1 b="" t0 t1 s
  for _ in $(seq 1 "$REPS"); do
    sync
    t0=$(now); "$fn"; t1=$(now)
    s=$(echo "$t1 - $t0" | bc -l)
    if [ -z "$b" ] || (( $(echo "$s < $b" | bc -l) )); then b=$s; fi
  done
  echo "$b"
}

echo "uploading $bytes bytes, best of $REPS…" >&2
t_sink=$(best sink)
t_multi=$(best multipart)
t_tus=$(best tus)
t_chunks=$(best chunks)
rss=$(awk '/VmHWM/ {print $2}' "/proc/$(pgrep -f -n -- "--server.port=$http_port")/status" 2>/dev/null || echo 0)

row() { printf '| %s | %.2f | %.0f | %.0f %% |\n' "$1" "$2" "$(echo "$bytes / $2 / 1048576" | bc -l)" \
  "$(echo "100 * $t_sink / $2" | bc -l)"; }
echo
echo "| $(numfmt --to=iec "$bytes") upload over loopback | seconds | MiB/s | of curl → discard |"
echo "|---|---|---|---|"
row "curl → a server that drops the bytes (peer)" "$t_sink"
row "multipart \`POST /api/videos\`" "$t_multi"
row "tus, 5 MiB PATCHes (\`/api/uploads\`)" "$t_tus"
row "seed 001 chunks, 5 MiB + merge-chunks" "$t_chunks"
echo
echo "node: -Xmx256m, peak resident memory $(( ${rss:-0} / 1024 )) MiB; $(nproc) cores; $(date -u +%F)"
