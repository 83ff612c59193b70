package io.clipflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 7: the latency Clipflow adds between an LLM provider's stream and a WebSocket client, and the tokens/s it
 * sustains, against reading the provider's stream directly, in the same run against the same provider (the project's
 * llama.cpp server, tools/llm, with its generated model).
 *
 * <p>Latency of a token = the time it arrives at the client minus the time the provider wrote it (the server records
 * each chunk's write time; one machine, one clock). Clipflow's client is a WebSocket on the stage's topic; the direct
 * client reads the provider's SSE stream itself. Token events are sent as they come for this row
 * ({@code token-events-per-second=1000}); the default coalescing (20 per second) adds up to 50 ms by design, shown in
 * its own row. Every stage's text is checked against the provider's: a lost character fails the scenario.
 */
final class Llm {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_TOKENS = 200;

    private final Bench bench;
    private final PrivateRedis redis;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private String llmBase;
    private String base;
    private String ws;

    Llm(Bench bench, PrivateRedis redis) {
        this.bench = bench;
        this.redis = redis;
    }

    void run() throws Exception {
        if (!bench.systems.contains("clipflow")) {
            return;
        }
        String model = Proc.run(
                        List.of(Bench.ROOT.resolve("tools/llm/setup.sh").toString()),
                        Bench.ROOT,
                        Map.of(),
                        Duration.ofMinutes(10))
                .strip();
        int llmPort = PrivateRedis.freePort();
        try (Proc server = Proc.start(
                "llm-server",
                List.of("node", Bench.ROOT.resolve("tools/llm/server.mjs").toString()),
                Bench.ROOT,
                Map.of("PORT", Integer.toString(llmPort), "MODEL", model.lines().reduce((a, b) -> b).orElse(model)),
                bench.work)) {
            server.awaitLog("LISTENING", Duration.ofMinutes(2));
            llmBase = "http://127.0.0.1:" + llmPort;
            String served = JSON.readTree(get(llmBase + "/v1/models")).path("data").path(0).path("id").asText();
            for (boolean coalesced : List.of(false, true)) {
                measure(served, coalesced);
            }
        }
    }

    private void measure(String model, boolean coalesced) throws Exception {
        List<String> extra = new ArrayList<>(List.of(
                "run",
                "--clipflow.ai.llm.base-url=" + llmBase + "/v1",
                "--clipflow.ai.llm.model=" + model,
                "--clipflow.ai.limits.concurrent-stages=1000",
                "--clipflow.ai.limits.tokens-per-day=1000000000",
                "--clipflow.queues.llm.concurrency=20",
                "--clipflow.stages.rewrite.max-tokens=" + MAX_TOKENS,
                "--clipflow.rate-limits.enabled=false"));
        if (!coalesced) {
            extra.add("--clipflow.ai.token-events-per-second=1000");
        }
        try (Proc node = bench.clipflow(coalesced ? "clipflow-llm-coalesced" : "clipflow-llm", redis, extra)) {
            base = "http://127.0.0.1:" + Bench.port(node);
            ws = "ws://127.0.0.1:" + Bench.port(node);
            // paced like a fast hosted model (50 tokens/s): latency per token, 1 and 20 stages at once
            control("/_control/pace", "{\"ms\":20}");
            for (int concurrent : coalesced ? List.of(1) : List.of(1, 20)) {
                String setting = concurrent + (concurrent == 1 ? " stage" : " stages") + ", 50 tokens/s each";
                if (!coalesced) {
                    List<Double> direct = latencies(direct(concurrent, 2));
                    bench.results.add("llm", "provider stream, read directly", "p50, " + setting, "ms",
                            List.of(Bench.percentile(direct, 50)), false);
                    bench.results.add("llm", "provider stream, read directly ", "p99, " + setting, "ms",
                            List.of(Bench.percentile(direct, 99)), false);
                }
                List<Double> viaClipflow = latencies(clipflow(concurrent, 2));
                String system = coalesced ? "Clipflow WebSocket, default 20 events/s" : "Clipflow WebSocket";
                bench.results.add("llm", system, "p50, " + setting, "ms",
                        List.of(Bench.percentile(viaClipflow, 50)), false);
                bench.results.add("llm", system + " ", "p99, " + setting, "ms",
                        List.of(Bench.percentile(viaClipflow, 99)), false);
            }
            if (coalesced) {
                return;
            }
            // unpaced: what the provider can do, and what reaches the client
            control("/_control/pace", "{\"ms\":0}");
            for (int concurrent : List.of(1, 20)) {
                String setting = concurrent + (concurrent == 1 ? " stage" : " stages") + ", provider at full speed";
                List<Double> direct = new ArrayList<>();
                List<Double> viaClipflow = new ArrayList<>();
                for (int rep = 0; rep < bench.reps; rep++) {
                    direct.add(throughput(direct(concurrent, 1)));
                    viaClipflow.add(throughput(clipflow(concurrent, 1)));
                }
                bench.results.addReference("llm", "Clipflow WebSocket", "tokens/s, " + setting, "tokens/s",
                        viaClipflow, true);
                bench.results.add("llm", "provider stream, read directly", "tokens/s, " + setting, "tokens/s",
                        direct, true);
            }
        }
    }

    /** One stream's tokens: when the provider wrote each, and when the client had it. */
    record Stream(List<Double> writtenMillis, List<Double> receivedMillis, long startedNanos, long endedNanos) {}

    record Round(List<Stream> streams) {}

    private static List<Double> latencies(Round round) {
        List<Double> all = new ArrayList<>();
        for (Stream s : round.streams()) {
            for (int i = 0; i < s.writtenMillis().size(); i++) {
                all.add(s.receivedMillis().get(i) - s.writtenMillis().get(i));
            }
        }
        return all;
    }

    private static double throughput(Round round) {
        long start = round.streams().stream().mapToLong(Stream::startedNanos).min().orElseThrow();
        long end = round.streams().stream().mapToLong(Stream::endedNanos).max().orElseThrow();
        long tokens = round.streams().stream().mapToLong(s -> s.writtenMillis().size()).sum();
        return tokens / ((end - start) / 1e9);
    }

    /** {@code concurrent} streams read directly from the provider, {@code rounds} times; the last round is kept. */
    private Round direct(int concurrent, int rounds) throws Exception {
        Round last = null;
        ExecutorService pool = Executors.newFixedThreadPool(concurrent);
        try {
            for (int r = 0; r < rounds; r++) {
                control("/_control/reset-log", "{}");
                List<Future<Map.Entry<String, List<Double>>>> futures = new ArrayList<>();
                long[] started = new long[concurrent];
                long[] ended = new long[concurrent];
                for (int i = 0; i < concurrent; i++) {
                    int n = i;
                    String marker = "bench-direct-" + r + "-" + i + "-" + System.nanoTime();
                    futures.add(pool.submit(() -> {
                        started[n] = System.nanoTime();
                        var result = readDirect(marker);
                        ended[n] = System.nanoTime();
                        return result;
                    }));
                }
                // the provider's log once every stream has ended (read earlier, a request may not have reached it)
                List<Map.Entry<String, List<Double>>> done = new ArrayList<>();
                for (var future : futures) {
                    done.add(future.get(5, TimeUnit.MINUTES));
                }
                List<Stream> streams = new ArrayList<>();
                JsonNode log = JSON.readTree(get(llmBase + "/_control/log"));
                for (int i = 0; i < concurrent; i++) {
                    streams.add(matched(log, done.get(i).getKey(), done.get(i).getValue(), started[i], ended[i]));
                }
                last = new Round(streams);
            }
        } finally {
            pool.shutdownNow();
        }
        return last;
    }

    /** One direct stream: the marker it was sent with, and when each content chunk arrived. */
    private Map.Entry<String, List<Double>> readDirect(String marker) throws Exception {
        String body = JSON.writeValueAsString(Map.of(
                "model", "bench",
                "stream", true,
                "max_tokens", MAX_TOKENS,
                "stream_options", Map.of("include_usage", true),
                "messages", List.of(Map.of("role", "user", "content", marker))));
        HttpResponse<InputStream> response = http.send(
                HttpRequest.newBuilder(URI.create(llmBase + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        List<Double> arrivals = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.startsWith("data: ") || line.equals("data: [DONE]")) {
                    continue;
                }
                double now = nowMillis();
                JsonNode chunk = JSON.readTree(line.substring(6));
                String content = chunk.path("choices").path(0).path("delta").path("content").asText("");
                if (!content.isEmpty()) {
                    arrivals.add(now);
                }
            }
        }
        return Map.entry(marker, arrivals);
    }

    /** {@code concurrent} stages through Clipflow, each watched on its own WebSocket; the last round is kept. */
    private Round clipflow(int concurrent, int rounds) throws Exception {
        Round last = null;
        for (int r = 0; r < rounds; r++) {
            control("/_control/reset-log", "{}");
            List<Watch> watches = new ArrayList<>();
            for (int i = 0; i < concurrent; i++) {
                String marker = "bench-clipflow-" + r + "-" + i + "-" + System.nanoTime();
                String project = JSON.readTree(post(base + "/api/v1/projects",
                                JSON.writeValueAsString(Map.of("title", marker, "source_text", marker))))
                        .path("id")
                        .asText();
                watches.add(new Watch(marker, project));
            }
            for (Watch w : watches) {
                w.connected.await(30, TimeUnit.SECONDS);
            }
            for (Watch w : watches) {
                w.started = System.nanoTime();
                post(base + "/api/v1/projects/" + w.project + "/execute-stage/",
                        "{\"stage_name\":\"rewrite\",\"input_data\":{}}");
            }
            for (Watch w : watches) {
                if (!w.done.await(5, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("no done event for " + w.project);
                }
                w.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
            }
            JsonNode log = JSON.readTree(get(llmBase + "/_control/log"));
            List<Stream> streams = new ArrayList<>();
            for (Watch w : watches) {
                streams.add(w.stream(log));
            }
            last = new Round(streams);
        }
        return last;
    }

    /**
     * The provider's record of the stream sent with {@code marker}, matched with the client's arrivals: each
     * provider chunk is received when the first client message holding its last character arrived.
     */
    private static Stream matched(JsonNode log, String marker, List<Double> arrivals, long started, long ended) {
        JsonNode entry = find(log, marker);
        List<Double> written = new ArrayList<>();
        for (JsonNode chunk : entry.path("chunks")) {
            written.add(chunk.path("t").asDouble());
        }
        if (written.size() != arrivals.size()) {
            throw new IllegalStateException("direct stream " + marker + ": " + arrivals.size() + " chunks received of "
                    + written.size() + " written");
        }
        return new Stream(written, arrivals, started, ended);
    }

    private static JsonNode find(JsonNode log, String marker) {
        for (JsonNode entry : log) {
            if (entry.path("messages").toString().contains(marker)) {
                return entry;
            }
        }
        throw new IllegalStateException("the provider has no stream for " + marker);
    }

    /** A WebSocket on one stage's topic, recording every token event's content and arrival. */
    private final class Watch implements WebSocket.Listener {
        final String marker;
        final String project;
        final CountDownLatch connected = new CountDownLatch(1);
        final CountDownLatch done = new CountDownLatch(1);
        final List<double[]> offsets = new CopyOnWriteArrayList<>(); // [end offset of text so far, arrival]
        final StringBuilder partial = new StringBuilder();
        final WebSocket socket;
        volatile String fullText;
        volatile long started;
        volatile long ended;

        Watch(String marker, String project) throws Exception {
            this.marker = marker;
            this.project = project;
            this.socket = http.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + Bench.adminToken())
                    .buildAsync(URI.create(ws + "/ws/projects/" + project + "/stage/rewrite/"), this)
                    .get(30, TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            double now = nowMillis();
            partial.append(data);
            if (last) {
                try {
                    JsonNode event = JSON.readTree(partial.toString());
                    switch (event.path("type").asText()) {
                        case "connected" -> connected.countDown();
                        case "token" -> offsets.add(
                                new double[] {event.path("full_text").asText().length(), now});
                        case "done" -> {
                            fullText = event.path("full_text").asText();
                            ended = System.nanoTime();
                            done.countDown();
                        }
                        default -> {}
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return CompletableFuture.completedFuture(null);
        }

        Stream stream(JsonNode log) {
            JsonNode entry = find(log, marker);
            if (!entry.path("text").asText().equals(fullText)) {
                throw new IllegalStateException("stage of project " + project + " lost text: got "
                        + (fullText == null ? 0 : fullText.length()) + " characters of "
                        + entry.path("text").asText().length());
            }
            List<Double> written = new ArrayList<>();
            List<Double> received = new ArrayList<>();
            int end = 0;
            for (JsonNode chunk : entry.path("chunks")) {
                end += chunk.path("text").asText().length();
                int needed = end;
                double arrival = offsets.stream()
                        .filter(o -> o[0] >= needed)
                        .mapToDouble(o -> o[1])
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException("no token event reached offset " + needed));
                written.add(chunk.path("t").asDouble());
                received.add(arrival);
            }
            return new Stream(written, received, started, ended);
        }
    }

    private void control(String path, String json) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(llmBase + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
        }
    }

    private String get(String url) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (url.startsWith(String.valueOf(base))) {
            b.header("Authorization", "Bearer " + Bench.adminToken());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private String post(String url, String json) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + Bench.adminToken())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + url + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** Wall-clock milliseconds with microseconds, comparable with the provider's (same machine, same clock). */
    static double nowMillis() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1000.0 + now.getNano() / 1e6;
    }
}
