package io.clipflow.ops;

import io.clipflow.notify.EventHub;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Gauges read at scrape time: {@code clipflow.queue.depth} (pending, all priorities) per queue, and the live-event
 * connections ({@code clipflow.websocket.sessions}, {@code clipflow.sse.sessions}). A queue seen later (first
 * published after start-up) gets its gauge when the ops API or a scrape-independent lookup first lists it.
 */
@Component
class OpsMeters {

    private final MeterRegistry registry;
    private final QueueInspector inspector;
    private final Set<String> gauged = ConcurrentHashMap.newKeySet();

    OpsMeters(MeterRegistry registry, QueueInspector inspector, EventHub hub) {
        this.registry = registry;
        this.inspector = inspector;
        Gauge.builder("clipflow.websocket.sessions", hub, h -> h.sessions("websocket"))
                .description("Open WebSocket live-event sessions on this node")
                .register(registry);
        Gauge.builder("clipflow.sse.sessions", hub, h -> h.sessions("sse"))
                .description("Open SSE live-event streams on this node")
                .register(registry);
    }

    @EventListener(ApplicationReadyEvent.class)
    void ready() {
        try {
            inspector.names().forEach(this::gauge);
        } catch (RuntimeException e) {
            // Redis not there yet: the registered queues still get theirs on the next listing
        }
    }

    void gauge(String queue) {
        if (gauged.add(queue)) {
            Gauge.builder("clipflow.queue.depth", inspector, i -> {
                        try {
                            return i.pending(queue);
                        } catch (RuntimeException e) {
                            return Double.NaN;
                        }
                    })
                    .description("Messages waiting in a queue, all priorities")
                    .tag("queue", queue)
                    .register(registry);
        }
    }
}
