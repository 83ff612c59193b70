package io.clipflow.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real LLM for tests: llama.cpp (node-llama-cpp) running the project's generated model behind tools/llm/server.mjs,
 * an OpenAI-compatible server on a free loopback port. Started once per test JVM ({@link #shared()}), stopped when it
 * exits. Its switches make the provider fail, stall or slow down on demand; {@link #stats()} tells what it served.
 */
public final class LocalLlm {

    /** What the server counted since the last {@link #reset()}, and its last completed answer. */
    public record Stats(
            int requests,
            int completed,
            int aborted,
            int faultsServed,
            String lastText,
            int lastCompletionTokens,
            String lastFinishReason,
            int lastMaxTokens,
            String lastMessages) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static LocalLlm shared;

    private final Process process;
    private final int port;
    private final String model;
    private final HttpClient http = HttpClient.newHttpClient();

    private LocalLlm(Process process, int port) throws IOException, InterruptedException {
        this.process = process;
        this.port = port;
        this.model =
                JSON.readTree(get("/v1/models")).path("data").path(0).path("id").asText();
    }

    public static synchronized LocalLlm shared() {
        if (shared == null) {
            try {
                shared = start();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("the local LLM server did not start: " + e.getMessage(), e);
            }
            LocalLlm started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> started.process.destroy()));
        }
        return shared;
    }

    private static LocalLlm start() throws IOException, InterruptedException {
        Process setup = new ProcessBuilder(ROOT.resolve("tools/llm/setup.sh").toString())
                .directory(ROOT.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(setup.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!setup.waitFor(10, TimeUnit.MINUTES) || setup.exitValue() != 0) {
            throw new IOException("tools/llm/setup.sh failed (exit " + setup.exitValue() + ")");
        }
        List<String> lines = out.lines().toList();
        Path model = Path.of(lines.get(lines.size() - 1));
        if (!Files.isRegularFile(model)) {
            throw new IOException("tools/llm/setup.sh printed no model: " + out);
        }
        Path log = Files.createTempFile("clipflow-llm-", ".log");
        ProcessBuilder pb = new ProcessBuilder(
                        "node", ROOT.resolve("tools/llm/server.mjs").toString())
                .directory(ROOT.toFile())
                .redirectError(log.toFile());
        pb.environment().put("MODEL", model.toString());
        pb.environment().put("PORT", "0");
        Process server = pb.start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    // reads on after LISTENING, so the server never blocks on a full pipe
                    try (BufferedReader in = new BufferedReader(
                            new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = in.readLine()) != null; ) {
                            if (line.startsWith("LISTENING ")) {
                                port.complete(
                                        Integer.parseInt(line.substring(10).strip()));
                            }
                        }
                    } catch (IOException e) {
                        port.completeExceptionally(e);
                    }
                    port.completeExceptionally(new IllegalStateException("server.mjs exited: " + read(log)));
                },
                "local-llm-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            return new LocalLlm(server, port.get(60, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            server.destroyForcibly();
            throw new IOException("server.mjs did not listen: " + read(log), e);
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** The OpenAI API root, for {@code clipflow.ai.llm.base-url}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port + "/v1";
    }

    /** The model's name as the server reports it. */
    public String model() {
        return model;
    }

    /** The next {@code times} chat requests fail: "429", "500", "503" (with Retry-After 1 s), "stall" or "drop". */
    public void failNext(String fault, int times) {
        failNext(fault, times, 1);
    }

    public void failNext(String fault, int times, int retryAfterSeconds) {
        post("/_control/faults", Map.of("fault", fault, "times", times, "retryAfter", retryAfterSeconds));
    }

    /** Waits {@code millis} between streamed chunks (0: as fast as the model goes). */
    public void pace(int millis) {
        post("/_control/pace", Map.of("ms", millis));
    }

    public Stats stats() {
        try {
            JsonNode s = JSON.readTree(get("/_control/stats"));
            return new Stats(
                    s.path("requests").asInt(),
                    s.path("completed").asInt(),
                    s.path("aborted").asInt(),
                    s.path("faultsServed").asInt(),
                    s.path("lastText").isNull() ? null : s.path("lastText").asText(),
                    s.path("lastCompletionTokens").asInt(),
                    s.path("lastFinishReason").asText(null),
                    s.path("lastMaxTokens").asInt(),
                    s.path("lastMessages").asText(null));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Clears faults, pace and counters. */
    public void reset() {
        post("/_control/reset", Map.of());
    }

    private String get(String path) throws IOException, InterruptedException {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private void post(String path, Map<String, ?> body) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
