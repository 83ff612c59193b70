package io.clipflow.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/** A {@code text/event-stream} reader (GET /api/events, a POST that streams), recording each event's SSE id and JSON data. */
public final class SseClient implements AutoCloseable {

    /** One SSE event: its {@code id:} (null when none) and its {@code data:} as JSON. */
    public record SseEvent(String id, JsonNode data) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final List<SseEvent> events = new ArrayList<>();
    private final int status;
    private final String contentType;
    private final InputStream body;
    private volatile int comments;
    private volatile boolean ended;

    private SseClient(HttpResponse<InputStream> response) {
        this.status = response.statusCode();
        this.contentType = response.headers().firstValue("Content-Type").orElse("");
        this.body = response.body();
        if (status == 200) {
            Thread reader = new Thread(this::read, "sse-test-reader");
            reader.setDaemon(true);
            reader.start();
        }
    }

    /** Opens the stream; {@code lastEventId} (null: none) goes in the {@code Last-Event-ID} header. */
    public static SseClient open(String url, String token, String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Accept", "text/event-stream")
                .GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        try {
            return new SseClient(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** POSTs {@code json} to an endpoint that answers with {@code text/event-stream} (seed 003's use_streaming). */
    public static SseClient post(String url, String token, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Accept", "text/event-stream")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return new SseClient(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    public synchronized List<SseEvent> events() {
        return List.copyOf(events);
    }

    public int comments() {
        return comments;
    }

    public SseEvent await(Predicate<SseEvent> match, Duration timeout) {
        SseEvent[] found = new SseEvent[1];
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (SseEvent e : events()) {
                if (match.test(e)) {
                    found[0] = e;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            StringBuilder data = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        SseEvent event = new SseEvent(id, JSON.readTree(data.toString()));
                        synchronized (this) {
                            events.add(event);
                        }
                    }
                    id = null;
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    comments++;
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5));
                }
            }
        } catch (IOException e) {
            // closed by the test
        }
        ended = true;
    }

    /** True once the server has ended the stream (or the test closed it). */
    public boolean ended() {
        return ended;
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
