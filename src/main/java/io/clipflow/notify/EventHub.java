package io.clipflow.notify;

import io.clipflow.config.RedisKeys;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.apache.camel.component.redis.RedisConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * This node's WebSocket and SSE subscribers by topic; route events-fanout hands it every event published on any node.
 * Dispatch only enqueues into each subscriber's bounded outbox, so the Redis listener thread never waits for a client.
 */
@Component("eventHub")
public class EventHub implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventHub.class);
    private static final String ID_HEAD = "{\"id\":\"";

    private final Map<String, Set<Subscriber>> byTopic = new ConcurrentHashMap<>();
    private final RedisKeys keys;
    private final EventPublisher history;
    private final Map<String, TopicSnapshot> snapshots;
    private final EventsProperties properties;
    private final ExecutorService senders;
    private final ScheduledExecutorService heartbeats;
    private volatile boolean running;

    EventHub(RedisKeys keys, EventPublisher history, List<TopicSnapshot> snapshots, EventsProperties properties) {
        this.keys = keys;
        this.history = history;
        this.snapshots =
                snapshots.stream().collect(java.util.stream.Collectors.toUnmodifiableMap(TopicSnapshot::kind, s -> s));
        this.properties = properties;
        this.senders = Executors.newFixedThreadPool(properties.sendThreads(), named("events-send-"));
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(named("events-heartbeat-"));
    }

    /** events-fanout: one message from {@code clipflow:events:<topic>} to this node's subscribers of the topic. */
    public void dispatch(@Header(RedisConstants.CHANNEL) String channel, @Body String payload) {
        String topic = keys.topicOf(channel);
        if (topic == null || payload == null) {
            return;
        }
        Set<Subscriber> subscribers = byTopic.get(topic);
        if (subscribers == null || subscribers.isEmpty()) {
            return;
        }
        Event event = new Event(idOf(payload), payload);
        for (Subscriber subscriber : subscribers) {
            subscriber.live(event);
        }
    }

    /** Registers a subscriber; live events wait in it until {@link #replay} has sent the starting state. */
    Subscriber subscribe(String topic, Sink sink) {
        Subscriber subscriber = new Subscriber(
                topic, sink, senders, properties.sendBufferLimit().toBytes());
        // inside compute: an unsubscribe that drops the topic's empty set cannot orphan this subscriber
        byTopic.compute(topic, (t, set) -> {
            Set<Subscriber> subscribers = set == null ? ConcurrentHashMap.newKeySet() : set;
            subscribers.add(subscriber);
            return subscribers;
        });
        return subscriber;
    }

    /**
     * Sends the subscriber its starting state, then lets live events through: the kept events after {@code
     * lastEventId}, or else the latest one, so a page opened mid-transcode shows where it is. A task's topic keeps no
     * events: its starting state comes from the {@link TopicSnapshot} of its kind (a task's stored result).
     */
    void replay(Subscriber subscriber, String lastEventId) {
        List<Event> start;
        String name = subscriber.topic();
        try {
            Topic topic = Topic.parse(name).orElseThrow(() -> new IllegalArgumentException("not a topic: " + name));
            if (!topic.keepsHistory()) {
                TopicSnapshot snapshot = snapshots.get(topic.kind());
                start = snapshot == null
                        ? List.of()
                        : snapshot.snapshot(topic).map(List::of).orElse(List.of());
            } else {
                start = Event.isValidId(lastEventId)
                        ? history.after(name, lastEventId)
                        : history.latest(name).map(List::of).orElse(List.of());
            }
        } catch (RuntimeException e) {
            // live events still flow; only the catch-up is lost
            log.warn("cannot read the history of {}: {}", subscriber.topic(), e.toString());
            start = List.of();
        }
        subscriber.replayed(start);
    }

    void unsubscribe(Subscriber subscriber) {
        byTopic.computeIfPresent(subscriber.topic(), (t, set) -> {
            set.remove(subscriber);
            return set.isEmpty() ? null : set;
        });
    }

    /** Open live-event connections on this node over one transport ({@code websocket}, {@code sse}). */
    public int sessions(String transport) {
        int n = 0;
        for (Set<Subscriber> set : byTopic.values()) {
            for (Subscriber subscriber : set) {
                if (transport.equals(subscriber.sink().transport()) && !subscriber.isClosed()) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Subscribers of a topic on this node (for tests and metrics). */
    public int subscribers(String topic) {
        Set<Subscriber> set = byTopic.get(topic);
        return set == null ? 0 : set.size();
    }

    private void beat() {
        long idleNanos = properties.idleTimeout().toNanos();
        long now = System.nanoTime();
        for (Set<Subscriber> set : byTopic.values()) {
            for (Subscriber subscriber : set) {
                long seen = subscriber.sink().lastSeenNanos();
                if (subscriber.isClosed()) {
                    unsubscribe(subscriber);
                } else if (seen != Long.MAX_VALUE && now - seen > idleNanos) {
                    subscriber.close("idle: no ping or pong for " + properties.idleTimeout());
                    unsubscribe(subscriber);
                } else {
                    subscriber.heartbeat();
                }
            }
        }
    }

    static String idOf(String payload) {
        if (payload.startsWith(ID_HEAD)) {
            int end = payload.indexOf('"', ID_HEAD.length());
            String id = end < 0 ? null : payload.substring(ID_HEAD.length(), end);
            return Event.isValidId(id) ? id : null;
        }
        return null;
    }

    @Override
    public void start() {
        long period = properties.heartbeat().toMillis();
        heartbeats.scheduleAtFixedRate(
                () -> {
                    try {
                        beat();
                    } catch (RuntimeException e) {
                        log.warn("heartbeat sweep failed: {}", e.toString());
                    }
                },
                period,
                period,
                TimeUnit.MILLISECONDS);
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        heartbeats.shutdownNow();
        byTopic.values().forEach(set -> set.forEach(s -> s.close("server shutting down")));
        byTopic.clear();
        senders.shutdown();
        try {
            senders.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        senders.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
