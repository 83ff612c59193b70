package io.clipflow.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A real WebSocket client (the JDK's) on one of Clipflow's {@code /ws/...} endpoints, recording every JSON message.
 * A non-reading client never asks for a frame, like a browser tab that hangs: the server's sends pile up.
 */
public final class EventClient implements WebSocket.Listener, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final boolean reading;
    private final List<JsonNode> messages = new ArrayList<>();
    private final List<Long> arrivalNanos = new ArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    private EventClient(boolean reading) {
        this.reading = reading;
    }

    /** Connects with a bearer token (null: none); fails with the handshake's HTTP status if refused. */
    public static EventClient connect(String wsUrl, String token, boolean reading) {
        EventClient client = new EventClient(reading);
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        try {
            client.socket = builder.buildAsync(URI.create(wsUrl), client).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                throw new HandshakeRefused(h.getResponse().statusCode());
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
        return client;
    }

    public static EventClient connect(String wsUrl, String token) {
        return connect(wsUrl, token, true);
    }

    /** The handshake was answered with an HTTP status instead of an upgrade. */
    public static final class HandshakeRefused extends RuntimeException {
        private final int status;

        HandshakeRefused(int status) {
            super("handshake refused with HTTP " + status);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        if (reading) {
            webSocket.request(1);
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                JsonNode node = JSON.readTree(partial.toString());
                synchronized (this) {
                    messages.add(node);
                    arrivalNanos.add(System.nanoTime());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    public synchronized List<JsonNode> messages() {
        return List.copyOf(messages);
    }

    public synchronized List<JsonNode> messages(String type) {
        return messages.stream()
                .filter(m -> type.equals(m.path("type").asText()))
                .toList();
    }

    /** System.nanoTime of each message's arrival, in the order of {@link #messages()}. */
    public synchronized List<Long> arrivals() {
        return List.copyOf(arrivalNanos);
    }

    /** Waits for a message matching {@code match}; returns the first one. */
    public JsonNode await(Predicate<JsonNode> match, Duration timeout) {
        JsonNode[] found = new JsonNode[1];
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (JsonNode m : messages()) {
                if (match.test(m)) {
                    found[0] = m;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    public JsonNode awaitType(String type, Duration timeout) {
        return await(m -> type.equals(m.path("type").asText()), timeout);
    }

    /** The close code the server sent, waiting for it. */
    public int awaitClose(Duration timeout) {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("no close within " + timeout, e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (socket != null && !socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        if (socket != null) {
            socket.abort();
        }
    }

    /** Ids and types, for comparing two clients' sequences. */
    public static List<String> idsAndTypes(List<JsonNode> events) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : events) {
            out.add(e.path("id").asText() + " " + e.path("type").asText());
        }
        return out;
    }
}
