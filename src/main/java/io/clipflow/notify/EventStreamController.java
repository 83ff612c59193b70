package io.clipflow.notify;

import io.clipflow.security.ClipflowUser;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/events?topic=video.<id>}: the same events as the WebSocket, as {@code text/event-stream} with each
 * event's history id as its SSE id, so {@code EventSource} resumes after {@code Last-Event-ID} on its own.
 */
@RestController
class EventStreamController {

    private final EventHub hub;
    private final TopicAccess access;
    private final EventStreams streams;

    EventStreamController(EventHub hub, TopicAccess access, EventStreams streams) {
        this.hub = hub;
        this.access = access;
        this.streams = streams;
    }

    @GetMapping("/api/events")
    ResponseEntity<?> events(
            @RequestParam String topic,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
            @AuthenticationPrincipal ClipflowUser user) {
        if (!access.mayRead(user, topic)) {
            // the same answer for "not yours" and "does not exist", as the REST API gives
            Map<String, String> body = new LinkedHashMap<>();
            body.put("error", "not found");
            body.put("detail", "topic " + topic + " does not exist");
            return ResponseEntity.status(404)
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(body);
        }
        SseEmitter emitter = streams.subscribe(topic, sse -> sse, subscriber -> hub.replay(subscriber, lastEventId));
        return ResponseEntity.ok()
                .header("Cache-Control", "no-cache")
                // nginx and similar proxies would otherwise buffer the stream
                .header("X-Accel-Buffering", "no")
                .body(emitter);
    }
}
