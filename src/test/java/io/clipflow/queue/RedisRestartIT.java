package io.clipflow.queue;

import static io.clipflow.testsupport.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.testsupport.AppNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker node whose Redis goes away and comes back: each worker thread keeps its own connection for the blocking
 * wait (BLMOVE), and after the restart the node must take and run the next task without being restarted itself. The
 * node is the packaged jar on a private redis-server, so the shared test Redis is never stopped.
 */
class RedisRestartIT {

    @TempDir
    Path dir;

    private final CeleryMessageCodec codec = new CeleryMessageCodec();

    @Test
    void aWorkerRunsTheNextTaskAfterItsRedisRestarts() throws Exception {
        int port = freePort();
        Process redis = startRedis(port);
        try (AppNode node = AppNode.start(
                        "restart-" + UUID.randomUUID().toString().substring(0, 8),
                        dir,
                        "384m",
                        List.of(
                                "--spring.data.redis.url=redis://127.0.0.1:" + port + "/0",
                                "--clipflow.data-dir=" + dir.resolve("data"),
                                "--clipflow.roles=worker",
                                "--clipflow.worker.queues=celery",
                                "--clipflow.queues.celery.concurrency=2"))
                .awaitHealthy(Duration.ofSeconds(120))) {
            assertThat(runNoop(port, "before"))
                    .contains("\"status\": \"SUCCESS\"")
                    .contains("\"result\": \"before\"");
            assertThat(eventPatternSubscriptions(port))
                    .as("a worker-only node serves no WebSocket/SSE client, so it does not read every event")
                    .isZero();

            redis.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            Path log = dir.resolve(node.name() + ".log");
            // the waiting threads notice (their BLMOVE fails) and back off instead of exiting
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log)
                    .contains("cannot fetch from Redis"));
            redis = startRedis(port);

            assertThat(runNoop(port, "after"))
                    .contains("\"status\": \"SUCCESS\"")
                    .contains("\"result\": \"after\"");
            assertThat(node.process().isAlive()).isTrue();
        } finally {
            redis.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Sends {@code clipflow.noop(value)} as a Celery client would and returns its stored result. */
    private String runNoop(int port, String value) {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + port + "/0");
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            CeleryMessage message =
                    aTask("clipflow.noop").withArgs(value).on("celery").message();
            redis.sync().lpush("celery", codec.encode(message));
            String key = "celery-task-meta-" + message.taskId();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        String result = redis.sync().get(key);
                        return result != null && result.contains("SUCCESS");
                    });
            return redis.sync().get(key);
        } finally {
            client.shutdown();
        }
    }

    private static long eventPatternSubscriptions(int port) {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + port + "/0");
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            return redis.sync().pubsubNumpat();
        } finally {
            client.shutdown();
        }
    }

    private Process startRedis(int port) throws IOException {
        Process redis = new ProcessBuilder(
                        "redis-server",
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis-" + port + ".log").toFile())
                .start();
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + port + "/0");
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                try (var c = client.connect()) {
                    return "PONG".equals(c.sync().ping());
                }
            });
        } finally {
            client.shutdown();
        }
        return redis;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
