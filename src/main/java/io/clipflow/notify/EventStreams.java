package io.clipflow.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * A one-off SSE stream of one topic's live events for a feature's own endpoint (seed 003's {@code use_streaming}
 * fallback): only the events it wants, ending after the one that closes its story. Open it before starting the work,
 * so no event can be missed; access is the caller's to decide.
 */
@Component
public class EventStreams {

    private final EventHub hub;
    private final EventsProperties properties;
    private final ObjectMapper json;

    EventStreams(EventHub hub, EventsProperties properties, ObjectMapper json) {
        this.hub = hub;
        this.properties = properties;
        this.json = json;
    }

    /**
     * Subscribes now; the stream starts with {@code connected}, then carries the live events (their JSON) {@code
     * include} accepts, and ends after the first that {@code last} accepts. Nothing from the topic's history is sent.
     */
    public SseEmitter open(Topic topic, Predicate<String> include, Predicate<String> last) {
        return subscribe(topic.name(), sse -> new Until(sse, include, last), s -> s.replayed(List.of()));
    }

    /**
     * An SSE response subscribed to {@code topic} through the sink {@code wrap} makes of it, unsubscribed when the
     * response ends; it starts with {@code connected}, then {@code start} decides what of the history comes first.
     */
    SseEmitter subscribe(String topic, Function<SseSink, Sink> wrap, Consumer<Subscriber> start) {
        SseEmitter emitter = new SseEmitter(properties.sseTimeout().toMillis());
        Subscriber subscriber = hub.subscribe(topic, wrap.apply(new SseSink(emitter)));
        Runnable gone = () -> {
            hub.unsubscribe(subscriber);
            subscriber.close("closed");
        };
        emitter.onCompletion(gone);
        emitter.onTimeout(gone);
        emitter.onError(e -> gone.run());
        Map<String, Object> connected = new LinkedHashMap<>();
        connected.put("type", "connected");
        connected.put("channel", topic);
        try {
            subscriber.control(json.writeValueAsString(connected));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        start.accept(subscriber);
        return emitter;
    }

    /** Passes the wanted events and completes the response after the last one. */
    private record Until(SseSink sse, Predicate<String> include, Predicate<String> last) implements Sink {

        @Override
        public String transport() {
            return sse.transport();
        }

        @Override
        public void event(Event event) throws IOException {
            if (!include.test(event.json())) {
                return;
            }
            sse.event(event);
            if (last.test(event.json())) {
                sse.emitter().complete();
            }
        }

        @Override
        public void control(String text) throws IOException {
            sse.control(text);
        }

        @Override
        public void heartbeat() throws IOException {
            sse.heartbeat();
        }

        @Override
        public void close(String reason) {
            sse.close(reason);
        }
    }
}
