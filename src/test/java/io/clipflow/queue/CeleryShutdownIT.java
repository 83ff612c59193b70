package io.clipflow.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipflow.celery.Kombu;
import io.clipflow.celery.PidboxCodec;
import io.clipflow.testsupport.AppNode;
import io.clipflow.testsupport.CeleryFleet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A node in its own JVM that allows {@code shutdown} ({@code clipflow.celery.control.allow}): Celery's
 * {@code worker-online} when it starts, its mailbox binding while it runs, and on {@code celery control shutdown} a
 * graceful stop as on SIGTERM: {@code worker-offline}, the binding removed, the process exits 0.
 */
class CeleryShutdownIT {

    static final String BROKER = "redis://127.0.0.1:6379/9";

    @TempDir
    Path dir;

    @Test
    void controlShutdownStopsAnAllowingNodeGracefullyAndItSaysGoodbye() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String prefix = "it-shutdown-" + run + ":";
        String name = "shutdown-" + run;
        String hostname = "celery@" + name;
        try (CeleryFleet fleet = new CeleryFleet(dir, BROKER, prefix);
                Jedis redis = new Jedis("127.0.0.1", 6379)) {
            redis.select(9);
            CeleryFleet.Capture events = fleet.startCapture("shutdown-events");
            try (AppNode node = AppNode.start(
                    name,
                    dir,
                    "384m",
                    List.of(
                            "--clipflow.data-dir=" + dir.resolve("data"),
                            "--spring.data.redis.url=" + BROKER,
                            "--clipflow.redis.key-prefix=" + prefix,
                            "--clipflow.queues.celery.concurrency=1",
                            "--clipflow.queues.video.concurrency=1",
                            "--clipflow.celery.control.allow=shutdown"))) {
                node.awaitHealthy(Duration.ofSeconds(120));
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !events.from(hostname, "worker-online")
                        .isEmpty());
                assertThat(events.from(hostname, "worker-online")
                                .get(0)
                                .path("_alive")
                                .asBoolean())
                        .isTrue();
                String binding = Kombu.bindingMember("", PidboxCodec.queueName(hostname));
                assertThat(redis.smembers(prefix + "_kombu.binding.celery.pidbox"))
                        .contains(binding);

                JsonNode reply = fleet.json("control", "shutdown", "-d", hostname);
                assertThat(reply.get(0).path(hostname).path("ok").asText()).isEqualTo("shutting down");
                assertThat(node.process().waitFor(60, TimeUnit.SECONDS))
                        .as("the node exits")
                        .isTrue();
                assertThat(node.process().exitValue()).isZero();

                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !events.from(hostname, "worker-offline")
                        .isEmpty());
                assertThat(events.from(hostname, "worker-offline")
                                .get(0)
                                .path("_alive")
                                .asBoolean())
                        .isFalse();
                assertThat(redis.smembers(prefix + "_kombu.binding.celery.pidbox"))
                        .doesNotContain(binding);
                assertThat(fleet.celeryAnyExit("inspect", "ping", "-d", hostname))
                        .contains("No nodes replied within time constraint");
            }
        }
    }
}
