package io.clipflow.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.config.RedisKeys;
import io.clipflow.testsupport.IntegrationTestBase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Route events-fanout on the real Redis: an event published on {@code clipflow:events:<topic>} (by any node) goes
 * through the route's PSUBSCRIBE into this node's hub and out to a local subscriber of that topic.
 */
class EventsFanoutIT extends IntegrationTestBase {

    static final Duration WAIT = Duration.ofSeconds(15);

    @Autowired
    CamelContext camel;

    @Autowired
    EventHub hub;

    @Autowired
    EventPublisher publisher;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisKeys keys;

    final RecordingSink sink = new RecordingSink();
    Topic topic;
    Subscriber subscriber;

    @BeforeEach
    void subscribe() {
        topic = Topic.projectStage("fanout-" + UUID.randomUUID().toString().substring(0, 8), "rewrite");
        subscriber = hub.subscribe(topic.name(), sink);
        hub.replay(subscriber, null);
    }

    @AfterEach
    void unsubscribe() {
        hub.unsubscribe(subscriber);
    }

    @Test
    void aPublishedEventGoesThroughTheRouteToThisNodesSubscriberWithItsHistoryId() {
        String marker = "fanout-" + UUID.randomUUID();
        NotifyBuilder fannedOut = throughTheRoute(marker);
        try {
            List<String> ids = publisher.publish(List.of(topic), Map.of("type", "stage_update", "message", marker));

            assertThat(fannedOut.matches(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as("route events-fanout carried the event")
                    .isTrue();
            Awaitility.await().atMost(WAIT).until(() -> !sink.events.isEmpty());
            Event received = sink.events.get(0);
            assertThat(received.id()).isEqualTo(ids.get(0));
            assertThat(received.id())
                    .isEqualTo(publisher.latest(topic.name()).orElseThrow().id());
            assertThat(received.json())
                    .startsWith("{\"id\":\"" + ids.get(0) + "\"")
                    .contains(marker);
        } finally {
            fannedOut.destroy();
        }
    }

    @Test
    void eventsOfADeploymentUnderAnotherKeyPrefixOnTheSameRedisNeverReachTheRoute() {
        String foreign = "foreign-" + UUID.randomUUID();
        String own = "own-" + UUID.randomUUID();
        NotifyBuilder foreignSeen = throughTheRoute(foreign);
        NotifyBuilder ownSeen = throughTheRoute(own);
        try {
            // the same topic on the channel another prefix's nodes use, then on ours: Redis delivers them in this order
            // and the route's listener dispatches on one thread, so had the first matched it would arrive first
            redis.convertAndSend(
                    "other-" + keys.prefix() + "clipflow:events:" + topic.name(),
                    "{\"id\":\"1-0\",\"type\":\"stage_update\",\"message\":\"" + foreign + "\"}");
            publisher.publish(List.of(topic), Map.of("type", "stage_update", "message", own));

            assertThat(ownSeen.matches(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(foreignSeen.matches())
                    .as("a foreign event went through the route")
                    .isFalse();
            Awaitility.await().atMost(WAIT).until(() -> !sink.events.isEmpty());
            assertThat(sink.events).singleElement().satisfies(e -> assertThat(e.json())
                    .contains(own));
        } finally {
            foreignSeen.destroy();
            ownSeen.destroy();
        }
    }

    private NotifyBuilder throughTheRoute(String marker) {
        return new NotifyBuilder(camel)
                .fromRoute("events-fanout")
                .filter(e -> body(e).contains(marker))
                .whenCompleted(1)
                .create();
    }

    private static String body(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        return body == null ? "" : body;
    }

    /** A local subscriber's connection, keeping what the hub sends it. */
    static final class RecordingSink implements Sink {

        final List<Event> events = new CopyOnWriteArrayList<>();

        @Override
        public void event(Event event) {
            events.add(event);
        }

        @Override
        public void control(String json) {}

        @Override
        public void heartbeat() {}

        @Override
        public void close(String reason) {}

        @Override
        public String transport() {
            return "test";
        }
    }
}
