import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fan-out latency of Clipflow's live events: N WebSocket clients on one node subscribe to one project channel, this
 * program PUBLISHes M events to Redis (as any worker node would) and every client records publish → receive time.
 * Also the server's heap per idle connection (jcmd GC.run + GC.heap_info on the server's pid, before and after
 * connecting). JDK only: run with {@code java bench/FanoutBench.java ...} (see bench/fanout.sh).
 *
 * <p>Args: wsBase token redisHost redisPort keyPrefix serverPid clientCounts(1,100,1000) messages intervalMillis
 */
public class FanoutBench {

    static final Pattern T = Pattern.compile("\"t\":(\\d+)");

    static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

    static String newProject(HttpClient http, String base, String token, String title) throws Exception {
        var response = http.send(
                java.net.http.HttpRequest.newBuilder(URI.create(base + "/api/v1/projects"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"title\":\"" + title + "\"}"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        Matcher m = ID.matcher(response.body());
        if (response.statusCode() != 201 || !m.find()) {
            throw new IllegalStateException("POST /api/v1/projects: " + response.statusCode() + " " + response.body());
        }
        return m.group(1);
    }

    public static void main(String[] args) throws Exception {
        String wsBase = args[0];
        String token = args[1];
        String redisHost = args[2];
        int redisPort = Integer.parseInt(args[3]);
        String prefix = args[4];
        long serverPid = Long.parseLong(args[5]);
        int[] counts = Arrays.stream(args[6].split(",")).mapToInt(Integer::parseInt).toArray();
        int messages = Integer.parseInt(args[7]);
        long intervalMillis = Long.parseLong(args[8]);

        HttpClient http = HttpClient.newHttpClient();
        System.out.println("| clients | events | received | p50 ms | p99 ms | max ms | server heap per idle connection |");
        System.out.println("|---|---|---|---|---|---|---|");
        try (Socket redis = new Socket(redisHost, redisPort)) {
            redis.setTcpNoDelay(true);
            OutputStream out = redis.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(redis.getInputStream(), StandardCharsets.UTF_8));
            for (int n : counts) {
                // a project's channel is readable only while the project exists
                String project = newProject(http, wsBase.replaceFirst("^ws", "http"), token, "fanout " + n);
                ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
                CountDownLatch connected = new CountDownLatch(n);
                CountDownLatch all = new CountDownLatch(n * messages);
                long heapBefore = heapUsedKb(serverPid);
                List<WebSocket> sockets = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    sockets.add(http.newWebSocketBuilder()
                            .header("Authorization", "Bearer " + token)
                            .buildAsync(URI.create(wsBase + "/ws/projects/" + project + "/"), new Listener(latencies, connected, all))
                            .get(30, TimeUnit.SECONDS));
                }
                if (!connected.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("not all clients got 'connected'");
                }
                long heapAfter = heapUsedKb(serverPid);
                String channel = prefix + "clipflow:events:project." + project;
                for (int m = 0; m < messages; m++) {
                    String payload = "{\"type\":\"progress\",\"project_id\":\"" + project + "\",\"seq\":" + m + ",\"t\":" + System.nanoTime() + "}";
                    publish(out, in, channel, payload);
                    Thread.sleep(intervalMillis);
                }
                all.await(30, TimeUnit.SECONDS);
                long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
                System.out.printf("| %d | %d | %d | %.2f | %.2f | %.2f | %s |%n",
                        n, messages, sorted.length, ms(pct(sorted, 0.50)), ms(pct(sorted, 0.99)),
                        ms(sorted.length == 0 ? 0 : sorted[sorted.length - 1]),
                        heapBefore < 0 ? "n/a" : String.format("%.1f KB", (heapAfter - heapBefore) / (double) n));
                for (WebSocket s : sockets) {
                    s.sendClose(WebSocket.NORMAL_CLOSURE, "done");
                }
                Thread.sleep(1000);
            }
        }
        System.exit(0);
    }

    static void publish(OutputStream out, BufferedReader in, String channel, String payload) throws Exception {
        // one write per command: split writes meet Nagle + delayed ACK and add ~40 ms
        String command = "*3\r\n$7\r\nPUBLISH\r\n$" + channel.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                + channel + "\r\n$" + payload.getBytes(StandardCharsets.UTF_8).length + "\r\n" + payload + "\r\n";
        out.write(command.getBytes(StandardCharsets.UTF_8));
        out.flush();
        String reply = in.readLine();
        if (reply == null || !reply.startsWith(":")) {
            throw new IllegalStateException("PUBLISH failed: " + reply);
        }
    }

    /** Heap in use after a full GC, from jcmd; -1 when jcmd cannot attach. */
    static long heapUsedKb(long pid) throws Exception {
        if (pid <= 0) {
            return -1;
        }
        run("jcmd", Long.toString(pid), "GC.run");
        String info = run("jcmd", Long.toString(pid), "GC.heap_info");
        Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    static String run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return text;
    }

    static long pct(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    }

    static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    static final class Listener implements WebSocket.Listener {
        private final ConcurrentLinkedQueue<Long> latencies;
        private final CountDownLatch connected;
        private final CountDownLatch all;
        private final StringBuilder partial = new StringBuilder();

        Listener(ConcurrentLinkedQueue<Long> latencies, CountDownLatch connected, CountDownLatch all) {
            this.latencies = latencies;
            this.connected = connected;
            this.all = all;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long now = System.nanoTime();
                String text = partial.toString();
                partial.setLength(0);
                Matcher m = T.matcher(text);
                if (m.find()) {
                    latencies.add(now - Long.parseLong(m.group(1)));
                    all.countDown();
                } else if (text.contains("\"connected\"")) {
                    connected.countDown();
                }
            }
            ws.request(1);
            return null;
        }
    }
}
