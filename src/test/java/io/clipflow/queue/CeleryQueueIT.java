package io.clipflow.queue;

import static io.clipflow.testsupport.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.celery.TaskCall;
import io.clipflow.celery.TaskOptions;
import io.clipflow.config.ClipflowProperties;
import io.clipflow.config.RedisKeys;
import io.clipflow.notify.Topic;
import io.clipflow.security.Role;
import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.Clips;
import io.clipflow.testsupport.IntegrationTestBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The celery: component on real Redis: Celery's exact wire shape, priorities, dead letters for what cannot run. */
class CeleryQueueIT extends IntegrationTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    ProducerTemplate camel;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisKeys keys;

    @Autowired
    ReliableQueue queue;

    @Autowired
    NodeRegistry nodes;

    @Autowired
    CeleryMessageCodec codec;

    @Autowired
    io.clipflow.notify.EventPublisher events;

    @Autowired
    ClipflowProperties properties;

    @TempDir
    Path dir;

    @Test
    void publishedMessageHasTheShapeACelery5ClientPushes() throws Exception {
        String taskId = camel.requestBody(
                "celery:shape-check",
                new TaskCall(null, "videos.tasks.process_video", List.of(42), Map.of(), TaskOptions.none()),
                String.class);
        List<String> pushed = redis.opsForList().range(keys.queue("shape-check"), 0, -1);
        assertThat(pushed).hasSize(1);
        JsonNode ours = JSON.readTree(pushed.get(0));
        JsonNode celery =
                JSON.readTree(Files.readString(Path.of("src/test/resources/celery/process_video-celery-5.2.6.json")));

        assertThat(fields(ours)).isEqualTo(fields(celery));
        assertThat(fields(ours.path("headers"))).isEqualTo(fields(celery.path("headers")));
        assertThat(fields(ours.path("properties"))).isEqualTo(fields(celery.path("properties")));
        assertThat(fields(ours.path("properties").path("delivery_info")))
                .isEqualTo(fields(celery.path("properties").path("delivery_info")));
        assertThat(ours.path("headers").path("id").asText()).isEqualTo(taskId);
        assertThat(ours.path("headers").path("root_id").asText()).isEqualTo(taskId);
        assertThat(ours.path("properties").path("correlation_id").asText()).isEqualTo(taskId);
        assertThat(ours.path("headers").path("argsrepr").asText()).isEqualTo("[42]");
        assertThat(ours.path("properties")
                        .path("delivery_info")
                        .path("routing_key")
                        .asText())
                .isEqualTo("shape-check");
        String body = new String(Base64.getDecoder().decode(ours.path("body").asText()), StandardCharsets.UTF_8);
        assertThat(body)
                .isEqualTo("[[42], {}, {\"callbacks\": null, \"errbacks\": null, \"chain\": null, \"chord\": null}]");
        assertThat(pushed.get(0)).startsWith("{\"body\": \"").contains("\"content-type\": \"application/json\"");
        assertThat(redis.opsForSet().members(keys.binding("shape-check")))
                .containsExactly("shape-check\u0006\u0016\u0006\u0016shape-check");
    }

    @Test
    void takeServesKombuPriorityListsLowestNumberFirstAndKeepsTheMessageUntilAcked() {
        String q = "prio-check";
        redis.opsForList().leftPush(keys.queue(q + "\u0006\u00169"), "nine");
        redis.opsForList().leftPush(keys.queue(q + "\u0006\u00163"), "three");
        redis.opsForList().leftPush(keys.queue(q), "zero");
        String node = "prio-node";
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            order.add(queue.take(q, node, Duration.ofMillis(100)).raw());
        }
        assertThat(order).containsExactly("zero", "three", "nine");
        assertThat(redis.opsForList().range(keys.processing(node), 0, -1))
                .containsExactlyInAnyOrder("zero", "three", "nine");
        queue.ack(node, "three");
        assertThat(redis.opsForList().range(keys.processing(node), 0, -1)).containsExactlyInAnyOrder("zero", "nine");
        assertThat(queue.take(q, node, Duration.ofMillis(100))).isNull();
    }

    @Test
    void takeTellsInTheSameRoundTripWhetherTheTaskIsRevokedOrAlreadySucceeded() {
        String q = "status-check";
        String node = "status-node";
        CeleryMessage revoked = aTask("clipflow.noop").withArgs(1).on(q).message();
        CeleryMessage done = aTask("clipflow.noop").withArgs(2).on(q).message();
        CeleryMessage fresh = aTask("clipflow.noop").withArgs(3).on(q).message();
        queue.revoke(revoked.taskId(), java.time.Instant.now().plusSeconds(60));
        redis.opsForValue().set(keys.result(done.taskId()), "{\"status\": \"SUCCESS\", \"result\": 2}");
        for (CeleryMessage m : List.of(revoked, done, fresh)) {
            queue.publish(q, 0, codec.encode(m));
        }
        List<ReliableQueue.Taken> taken = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            taken.add(queue.take(q, node, Duration.ofMillis(100)));
        }
        assertThat(taken)
                .extracting(ReliableQueue.Taken::taskId, ReliableQueue.Taken::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(revoked.taskId(), ReliableQueue.TaskStatus.REVOKED),
                        org.assertj.core.groups.Tuple.tuple(done.taskId(), ReliableQueue.TaskStatus.SUCCEEDED),
                        org.assertj.core.groups.Tuple.tuple(fresh.taskId(), ReliableQueue.TaskStatus.RUNNABLE));
        // the separate check after a blocking take gives the same answers
        try (WorkerConnection waiter = queue.connection()) {
            assertThat(queue.status(revoked.taskId(), waiter)).isEqualTo(ReliableQueue.TaskStatus.REVOKED);
            assertThat(queue.status(done.taskId(), waiter)).isEqualTo(ReliableQueue.TaskStatus.SUCCEEDED);
            assertThat(queue.status(fresh.taskId(), waiter)).isEqualTo(ReliableQueue.TaskStatus.RUNNABLE);
        }
    }

    @Test
    void finishStoresTheResultAcksSendsTheEventAndTakesTheNextMessageInOneStep() {
        String q = "finish-check";
        String node = "finish-node";
        CeleryMessage first = aTask("clipflow.noop").withArgs(1).on(q).message();
        CeleryMessage second = aTask("clipflow.noop").withArgs(2).on(q).message();
        queue.publish(q, 0, codec.encode(first));
        queue.publish(q, 0, codec.encode(second));
        ReliableQueue.Taken taken = queue.take(q, node, Duration.ofMillis(100));
        assertThat(taken.taskId()).isEqualTo(first.taskId());
        String topic = "task." + first.taskId();
        // no real user's id: another test's uploads would put events on that user's topic
        long ownerId = 1_000_000_000L + new java.util.Random().nextInt(1_000_000);
        String owner = "user." + ownerId;
        var event = events.prepare(
                List.of(Topic.task(first.taskId()), Topic.user(ownerId)),
                Map.of("type", "done", "task_id", first.taskId()));
        String result = "{\"status\": \"SUCCESS\", \"result\": 1, \"task_id\": \"" + first.taskId() + "\"}";

        WorkerConnection waiter = queue.connection();
        ReliableQueue.Taken next = queue.finish(
                q,
                node,
                taken.raw(),
                new io.clipflow.task.ResultBackend.Write(keys.result(first.taskId()), result, "60"),
                event,
                "{\"type\":\"stage_update\",\"stage\":\"STARTED\"}",
                true,
                waiter);

        assertThat(next.taskId()).isEqualTo(second.taskId());
        assertThat(next.status()).isEqualTo(ReliableQueue.TaskStatus.RUNNABLE);
        assertThat(redis.opsForValue().get(keys.result(first.taskId()))).isEqualTo(result);
        assertThat(redis.getExpire(keys.result(first.taskId()))).isBetween(1L, 60L);
        assertThat(nodes.processing(node)).containsExactly(next.raw());
        // the withheld started event goes first, in the same step
        assertThat(events.after(owner, null))
                .extracting(e -> e.json().contains("\"type\":\"stage_update\"") ? "started" : e.json())
                .first()
                .isEqualTo("started");
        assertThat(events.after(owner, null)).hasSize(2).last().satisfies(e -> assertThat(e.json())
                .contains("\"type\":\"done\""));
        assertThat(redis.hasKey(keys.history(topic))).isFalse(); // a task's state is its result, kept once
        // the last task of the queue: nothing taken along, and a SUCCESS already there is never overwritten
        assertThat(queue.finish(
                        q,
                        node,
                        next.raw(),
                        new io.clipflow.task.ResultBackend.Write(keys.result(first.taskId()), "{}", "60"),
                        null,
                        null,
                        true,
                        waiter))
                .isNull();
        waiter.close();
        assertThat(nodes.processing(node)).isEmpty();
        assertThat(redis.opsForValue().get(keys.result(first.taskId()))).isEqualTo(result);
    }

    @Test
    void aWorkerThreadsOwnConnectionResendsScriptsRedisForgotAndFindsAnEmptyQueueCalmly() {
        String q = "own-connection";
        String node = "own-connection-node";
        CeleryMessage only = aTask("clipflow.noop").withArgs(1).on(q).message();
        queue.publish(q, 0, codec.encode(only));
        try (WorkerConnection waiter = queue.connection()) {
            ReliableQueue.Taken taken = queue.take(q, node, Duration.ofMillis(100), waiter);
            assertThat(taken.taskId()).isEqualTo(only.taskId());
            // as after a Redis restart: the script cache is empty
            redis.execute((org.springframework.data.redis.core.RedisCallback<Object>) c -> {
                c.scriptingCommands().scriptFlush();
                return null;
            });

            String result = "{\"status\": \"SUCCESS\", \"result\": 1}";
            ReliableQueue.Taken next = queue.finish(
                    q,
                    node,
                    taken.raw(),
                    new io.clipflow.task.ResultBackend.Write(keys.result(only.taskId()), result, "60"),
                    null,
                    null,
                    true,
                    waiter);

            assertThat(next).isNull();
            assertThat(redis.opsForValue().get(keys.result(only.taskId()))).isEqualTo(result);
            assertThat(nodes.processing(node)).isEmpty();
            // nothing waiting: a short wait that ends empty, not an error
            assertThat(queue.take(q, node, Duration.ofMillis(100), waiter)).isNull();
        }
    }

    @Test
    void eventsAWorkerSentWithoutWaitingArriveBeforeTheResultItStoresOnItsOwnConnection() throws Exception {
        String q = "order-check";
        String node = "order-check-node";
        Topic ordered = Topic.project("order-check-" + java.util.UUID.randomUUID());
        String topic = ordered.name();
        var factory = (org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory)
                redis.getRequiredConnectionFactory();
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(
                io.lettuce.core.RedisURI.create(factory.getHostName(), factory.getPort()));
        java.util.concurrent.BlockingQueue<String> arrived = new java.util.concurrent.LinkedBlockingQueue<>();
        try (var sub = client.connectPubSub();
                WorkerConnection waiter = queue.connection()) {
            sub.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    try {
                        arrived.add(
                                "event " + JSON.readTree(message).path("order").asInt());
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        arrived.add("unreadable " + message);
                    }
                }

                @Override
                public void message(String pattern, String channel, String message) {
                    arrived.add("result " + channel.substring(channel.lastIndexOf('-') + 1));
                }
            });
            sub.sync().subscribe(keys.events(topic));
            sub.sync().psubscribe(keys.result("order-check-*"));
            int rounds = 30;
            for (int i = 0; i < rounds; i++) {
                CeleryMessage m = aTask("clipflow.noop").withArgs(i).on(q).message();
                queue.publish(q, 0, codec.encode(m));
                ReliableQueue.Taken taken = queue.take(q, node, Duration.ofMillis(100), waiter);
                // a progress event sent the way routes send them: without waiting, on the shared connection
                events.publishLater(List.of(ordered), Map.of("type", "progress", "order", i));
                queue.finish(
                        q,
                        node,
                        taken.raw(),
                        new io.clipflow.task.ResultBackend.Write(
                                keys.result("order-check-" + i), "{\"status\": \"SUCCESS\"}", "60"),
                        null,
                        null,
                        false,
                        waiter);
            }
            List<String> order = new ArrayList<>();
            while (order.size() < 2 * rounds) {
                String next = arrived.poll(5, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(next)
                        .as("message %d of %d", order.size() + 1, 2 * rounds)
                        .isNotNull();
                order.add(next);
            }
            for (int i = 0; i < rounds; i++) {
                assertThat(order.indexOf("event " + i))
                        .as("task %d's event before its result in %s", i, order)
                        .isBetween(0, order.indexOf("result " + i));
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    void garbageAndUnknownTasksAreDeadLetteredWithAReasonAndTheNextGoodMessageRuns() throws Exception {
        redis.opsForList().leftPush(keys.queue("video"), "this is not json");
        String unknown = camel.requestBody(
                "celery:video",
                new TaskCall(null, "videos.tasks.delete_everything", List.of(1), Map.of(), TaskOptions.none()),
                String.class);
        ApiClient alice = newUser(Role.USER);
        long id = alice.upload(Clips.generate(dir, "ok.mp4", 320, 240, 1, false))
                .json()
                .path("video")
                .path("id")
                .asLong();

        assertThat(alice.awaitVideo(id, Duration.ofSeconds(60), "READY", "FAILED")
                        .path("status")
                        .asText())
                .isEqualTo("READY");
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> redis.opsForList().size(keys.dead("video")) >= 2);
        List<JsonNode> dead = new ArrayList<>();
        for (String raw : redis.opsForList().range(keys.dead("video"), 0, -1)) {
            dead.add(JSON.readTree(raw));
        }
        assertThat(dead).anySatisfy(d -> {
            assertThat(d.path("reason").asText()).contains("not JSON");
            assertThat(d.path("message").asText()).isEqualTo("this is not json");
        });
        assertThat(dead).anySatisfy(d -> assertThat(d.path("reason").asText())
                .contains("unknown task videos.tasks.delete_everything"));
        JsonNode meta = JSON.readTree(redis.opsForValue().get(keys.result(unknown)));
        assertThat(meta.path("status").asText()).isEqualTo("FAILURE");
        assertThat(meta.path("result").path("exc_type").asText()).isEqualTo("NotRegistered");
        assertThat(redis.opsForList().size(keys.processing(properties.nodeName())))
                .isZero();
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
