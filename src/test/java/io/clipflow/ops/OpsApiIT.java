package io.clipflow.ops;

import static io.clipflow.testsupport.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.config.ClipflowProperties;
import io.clipflow.config.RedisKeys;
import io.clipflow.queue.DeadLetters;
import io.clipflow.queue.ReliableQueue;
import io.clipflow.security.Role;
import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.IntegrationTestBase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The operations API and the Prometheus endpoint against a prepared state in the real Redis. */
// tests switch metrics export off unless asked; /actuator/prometheus is part of the contract here
@AutoConfigureObservability
class OpsApiIT extends IntegrationTestBase {

    static final String QUEUE = "ops-test";

    @Autowired
    ReliableQueue queue;

    @Autowired
    DeadLetters deadLetters;

    @Autowired
    CeleryMessageCodec codec;

    @Autowired
    RedisKeys keys;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    ClipflowProperties properties;

    @Test
    void queuesShowPendingByPriorityDelayedAndDeadAndPurgeRemovesThem() {
        // 3 pending at priority 0, 2 at priority 9; 4 delayed; 2 dead; nothing consumes ops-test
        for (int i = 0; i < 3; i++) {
            publish(0);
        }
        for (int i = 0; i < 2; i++) {
            publish(9);
        }
        for (int i = 0; i < 4; i++) {
            CeleryMessage m = aTask("clipflow.test.echo").withArgs(i).on(QUEUE).message();
            redis.opsForZSet()
                    .add(
                            keys.delayed(),
                            queue.listKey(QUEUE, 0) + "\n" + codec.encode(m),
                            Instant.now().plusSeconds(3600).toEpochMilli());
        }
        for (int i = 0; i < 2; i++) {
            CeleryMessage m = aTask("clipflow.test.echo").withArgs(i).on(QUEUE).message();
            deadLetters.deadLetter(properties.nodeName(), QUEUE, codec.encode(m), "test", 1, m.taskId(), m.taskName());
        }
        ApiClient admin = newUser(Role.ADMIN);

        JsonNode q = queueNamed(admin, QUEUE);
        assertThat(q.path("pending").asLong()).isEqualTo(5);
        assertThat(q.path("pending_by_priority").path("0").asLong()).isEqualTo(3);
        assertThat(q.path("pending_by_priority").path("9").asLong()).isEqualTo(2);
        assertThat(q.path("delayed").asLong()).isEqualTo(4);
        assertThat(q.path("dead").asLong()).isEqualTo(2);
        assertThat(q.path("processing").asLong()).isZero();

        ApiClient.Reply unconfirmed = admin.postJson("/api/ops/queues/" + QUEUE + "/purge", "{}");
        assertThat(unconfirmed.status()).isEqualTo(400);
        assertThat(queueNamed(admin, QUEUE).path("pending").asLong()).isEqualTo(5);

        ApiClient.Reply purged =
                admin.postJson("/api/ops/queues/" + QUEUE + "/purge", "{\"confirm\": true, \"dead\": true}");
        assertThat(purged.status()).as(purged.body()).isEqualTo(200);
        assertThat(purged.json().path("pending").asLong()).isEqualTo(5);
        assertThat(purged.json().path("delayed").asLong()).isEqualTo(4);
        assertThat(purged.json().path("dead").asLong()).isEqualTo(2);
        assertThat(purged.json().path("removed").asLong()).isEqualTo(11);

        JsonNode after = queueNamed(admin, QUEUE);
        assertThat(after.path("pending").asLong()).isZero();
        assertThat(after.path("delayed").asLong()).isZero();
        assertThat(after.path("dead").asLong()).isZero();
        assertThat(redis.opsForZSet().range(keys.delayed(), 0, -1))
                .as("none of this queue's delayed messages is left")
                .noneMatch(m -> m.startsWith(queue.listKey(QUEUE, 0) + "\n"));
    }

    @Test
    void nonAdminsAreRefused() {
        ApiClient user = newUser(Role.USER);
        for (String path :
                List.of("/api/ops/queues", "/api/ops/workers", "/api/ops/tasks/registered", "/api/ops/stats")) {
            assertThat(user.get(path).status()).as(path).isEqualTo(403);
            assertThat(anonymous().get(path).status()).as(path).isEqualTo(401);
        }
        assertThat(user.postJson("/api/ops/queues/video/purge", "{\"confirm\": true}")
                        .status())
                .isEqualTo(403);
        assertThat(user.get("/actuator/prometheus").status()).isEqualTo(403);
    }

    @Test
    void workersShowThisNodeWithRolesConcurrencyAndActiveTasks() {
        ApiClient admin = newUser(Role.ADMIN);
        CeleryMessage slow = aTask("clipflow.test.ffmpeg_sleep")
                .withKwargs(Map.of("seconds", 4, "marker", "ops-active"))
                .on("delivery-test")
                .sentWith(queue);
        JsonNode[] me = new JsonNode[1];
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (JsonNode w : admin.get("/api/ops/workers").json().path("workers")) {
                if (w.path("node").asText().equals(properties.nodeName())) {
                    me[0] = w;
                    for (JsonNode a : w.path("active")) {
                        if (a.path("id").asText().equals(slow.taskId())) {
                            return true;
                        }
                    }
                }
            }
            return false;
        });
        assertThat(me[0].path("alive").asBoolean()).isTrue();
        assertThat(me[0].path("heartbeat_age_seconds").asDouble()).isBetween(0.0, 5.0);
        assertThat(me[0].path("roles").toString()).contains("web", "worker", "scheduler");
        assertThat(me[0].path("concurrency").path("video").asInt()).isEqualTo(2);
        assertThat(me[0].path("concurrency").path("delivery-test").asInt()).isPositive();
        JsonNode active = me[0].path("active").get(0);
        assertThat(active.path("name").asText()).isEqualTo("clipflow.test.ffmpeg_sleep");
        assertThat(active.has("started")).isTrue();
        assertThat(active.has("runtime_seconds")).isTrue();
    }

    @Test
    void registeredTasksAndStatsAndPrometheusSeries() {
        ApiClient admin = newUser(Role.ADMIN);
        JsonNode registered = admin.get("/api/ops/tasks/registered").json();
        assertThat(registered.path("videos.tasks.process_video").path("queue").asText())
                .isEqualTo("video");
        assertThat(registered.path("videos.tasks.process_video").path("route").asText())
                .isEqualTo("video-process");

        // through the API (the default history keeps a row for owned tasks and for every failure; the failure rate
        // is over owned tasks): one success and one failure; and one anonymous task that fails 3 times (2 retries,
        // then a dead letter)
        String ok = admin.postJson(
                        "/api/tasks",
                        "{\"task\": \"clipflow.test.echo\", \"args\": [\"hi\"], \"queue\": \"delivery-test\"}")
                .json()
                .path("task_id")
                .asText();
        CeleryMessage bad = aTask("clipflow.test.fails_until")
                .withKwarg("runs", 99)
                .on("delivery-test")
                .sentWith(queue);
        String ownedBad = admin.postJson(
                        "/api/tasks",
                        "{\"task\": \"clipflow.test.fails_until\", \"kwargs\": {\"runs\": 99}, \"queue\": \"delivery-test\"}")
                .json()
                .path("task_id")
                .asText();
        admin.awaitTask(ok, Duration.ofSeconds(20), "SUCCESS");
        admin.awaitTask(bad.taskId(), Duration.ofSeconds(20), "FAILURE");
        admin.awaitTask(ownedBad, Duration.ofSeconds(20), "FAILURE");

        JsonNode stats = admin.get("/api/ops/stats").json();
        assertThat(stats.path("byState").path("SUCCESS").asLong()).isPositive();
        assertThat(stats.path("byState").path("FAILURE").asLong()).isPositive();
        assertThat(stats.path("finishedLastMinute").path("SUCCESS").asLong()).isPositive();
        assertThat(stats.path("failureRateLastHour").asDouble())
                .isBetween(0.0, 1.0)
                .isPositive();
        assertThat(stats.path("failureRateOf").asText()).isEqualTo(io.clipflow.task.TaskStats.OWNED_TASKS);
        assertThat(stats.path("runtimeSeconds")
                        .path("clipflow.test.echo")
                        .path("count")
                        .asLong())
                .isPositive();

        admin.get("/api/ops/queues"); // lists delivery-test, so it has a depth gauge
        String prometheus = admin.get("/actuator/prometheus").body();
        assertThat(prometheus)
                .contains("clipflow_tasks_runtime_seconds_bucket{")
                .contains("task=\"clipflow.test.echo\"")
                .contains("outcome=\"success\"")
                .contains("clipflow_tasks_total{")
                .contains("clipflow_tasks_retries_total{")
                .contains("clipflow_dead_letters_total{")
                .contains("clipflow_queue_depth{queue=\"delivery-test\"")
                .contains("clipflow_queue_depth{queue=\"video\"")
                .contains("clipflow_websocket_sessions")
                .contains("clipflow_ffmpeg_realtime_factor");
    }

    @Test
    void healthHasRedisDatabaseFfmpegAndMediaDiskAndReadinessIncludesRedis() {
        ApiClient admin = newUser(Role.ADMIN);
        JsonNode health = admin.get("/actuator/health").json();
        assertThat(health.path("components").path("redis").path("status").asText())
                .isEqualTo("UP");
        assertThat(health.path("components").path("db").path("status").asText()).isEqualTo("UP");
        assertThat(health.path("components").path("ffmpeg").path("status").asText())
                .isEqualTo("UP");
        assertThat(health.path("components").path("mediaDisk").path("details").has("free"))
                .isTrue();
        JsonNode readiness = admin.get("/actuator/health/readiness").json();
        assertThat(readiness.path("components").has("redis"))
                .as(readiness.toString())
                .isTrue();
    }

    private void publish(int priority) {
        aTask("clipflow.test.echo")
                .withArgs(priority)
                .on(QUEUE)
                .withPriority(priority)
                .sentWith(queue);
    }

    private static JsonNode queueNamed(ApiClient admin, String name) {
        ApiClient.Reply r = admin.get("/api/ops/queues");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        for (JsonNode q : r.json().path("queues")) {
            if (q.path("queue").asText().equals(name)) {
                return q;
            }
        }
        throw new AssertionError(name + " not in " + r.body());
    }
}
