package io.clipflow.notify;

import java.io.IOException;

/** Where a subscriber's messages go: a WebSocket session or an SSE response. Sends may block; closes must not. */
interface Sink {

    /** Writes one event (id and JSON). */
    void event(Event event) throws IOException;

    /** Writes a message that is not an event ({@code connected}, {@code pong}). */
    void control(String json) throws IOException;

    /** Keeps the connection alive and detects dead peers (a WebSocket ping, an SSE comment). */
    void heartbeat() throws IOException;

    /** Ends the connection, telling the client why when the transport can. */
    void close(String reason);

    /** Nanos (System.nanoTime) of the last sign of life from the client; never for transports that cannot tell. */
    default long lastSeenNanos() {
        return Long.MAX_VALUE;
    }

    /** {@code websocket} or {@code sse}, the tag of the clipflow.events.sessions gauge. */
    String transport();
}
