package io.clipflow.queue;

import static io.clipflow.testsupport.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.celery.CeleryResult;
import io.clipflow.celery.TaskCall;
import io.clipflow.celery.TaskOptions;
import io.clipflow.config.ClipflowProperties;
import io.clipflow.config.RedisKeys;
import io.clipflow.delivery.DeliveryTestTasks;
import io.clipflow.security.Role;
import io.clipflow.task.TaskTracker;
import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.IntegrationTestBase;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.camel.ProducerTemplate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Every delivery promise against real Redis, real FFmpeg and the real celery: consumer (route delivery-test). */
class DeliveryIT extends IntegrationTestBase {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    ProducerTemplate camel;

    @Autowired
    TaskTracker tracker;

    @Autowired
    DeliveryTestTasks tasks;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisKeys keys;

    @Autowired
    ReliableQueue queue;

    @Autowired
    CeleryMessageCodec codec;

    @Autowired
    NodeRegistry nodes;

    @Autowired
    TaskSupervisor supervisor;

    @Autowired
    ClipflowProperties properties;

    String send(String task, List<?> args, Map<String, ?> kwargs, TaskOptions options) {
        return camel.requestBody("celery:delivery-test", new TaskCall(null, task, args, kwargs, options), String.class);
    }

    CeleryResult awaitState(String taskId, String... states) {
        CeleryResult[] last = new CeleryResult[1];
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = tracker.result(taskId).orElse(null);
            return last[0] != null && List.of(states).contains(last[0].status());
        });
        return last[0];
    }

    @Test
    void taskThatFailsTwiceThenSucceedsEndsSuccessWithTwoRetriesAndGrowingBackoff() {
        String id = send("clipflow.test.flaky", List.of(), Map.of("fail_times", 2), TaskOptions.none());
        CeleryResult result = awaitState(id, "SUCCESS", "FAILURE");
        assertThat(result.status()).isEqualTo("SUCCESS");
        assertThat(result.result().asText()).isEqualTo("ok after 2 retries");
        assertThat(result.extended().retries()).isEqualTo(2);
        List<Instant> runs = tasks.runs(id);
        assertThat(runs).hasSize(3);
        Duration first = Duration.between(runs.get(0), runs.get(1));
        Duration second = Duration.between(runs.get(1), runs.get(2));
        assertThat(first).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(second).isGreaterThanOrEqualTo(Duration.ofMillis(600)).isGreaterThan(first);
        assertThat(tracker.find(id).orElseThrow().getRetries()).isEqualTo(2);
    }

    @Test
    void retryShowsRetryStateWithTheNextDueTime() {
        String id = send("clipflow.test.flaky", List.of(), Map.of("fail_times", 1), TaskOptions.none());
        CeleryResult retry = awaitState(id, "RETRY", "SUCCESS");
        if (retry.status().equals("RETRY")) {
            assertThat(retry.result().path("exc_type").asText()).isEqualTo("MediaException");
            assertThat(OffsetDateTime.parse(retry.result().path("retry_eta").asText()))
                    .isAfter(OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(5));
        }
        assertThat(awaitState(id, "SUCCESS").status()).isEqualTo("SUCCESS");
    }

    @Test
    void alwaysFailingTaskIsDeadLetteredAfterMaxRetriesAndCanBeReplayed() {
        String id = send("clipflow.test.fails_until", List.of(), Map.of("runs", 4), TaskOptions.none());
        CeleryResult failed = awaitState(id, "FAILURE");
        assertThat(failed.excType()).isEqualTo("MediaException");
        assertThat(tasks.runs(id)).hasSize(3);
        ApiClient admin = newUser(Role.ADMIN);
        JsonNode dead = deadLetterFor(admin, id);
        assertThat(dead.path("reason").asText()).startsWith("failed after 3 attempts");
        assertThat(dead.path("attempts").asInt()).isEqualTo(3);

        ApiClient.Reply replay =
                admin.postJson("/api/dead-letters/" + dead.path("id").asText() + "/replay", "");
        assertThat(replay.status()).isEqualTo(202);
        assertThat(awaitState(id, "SUCCESS").result().asText()).isEqualTo("ok on run 4");
        assertThat(admin.get("/api/dead-letters?queue=delivery-test")
                        .json()
                        .path("items")
                        .toString())
                .doesNotContain(id);
    }

    @Test
    void etaInTheFutureWaitsInTheDelayedSetAndRunsAfterIt() {
        Instant sent = Instant.now();
        String id = send(
                "clipflow.test.echo",
                List.of("later"),
                Map.of(),
                TaskOptions.none().withCountdown(Duration.ofSeconds(3)));
        Awaitility.await()
                .atMost(Duration.ofSeconds(2))
                .until(() -> delayedContains(id) && tasks.runs(id).isEmpty());
        assertThat(awaitState(id, "SUCCESS").result().asText()).isEqualTo("later");
        assertThat(tasks.runs(id)).hasSize(1);
        assertThat(Duration.between(sent, tasks.runs(id).get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
    }

    @Test
    void expiredMessageEndsRevokedAndNeverRuns() {
        String id = send(
                "clipflow.test.echo",
                List.of("x"),
                Map.of(),
                TaskOptions.none()
                        .withExpires(OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1)));
        CeleryResult result = awaitState(id, "REVOKED");
        assertThat(result.excMessage()).contains("expired");
        assertThat(tasks.runs(id)).isEmpty();
    }

    @Test
    void revokedPendingTaskIsSkippedWhenItComesUp() {
        String id = send(
                "clipflow.test.echo", List.of("x"), Map.of(), TaskOptions.none().withCountdown(Duration.ofSeconds(1)));
        ApiClient.Reply reply = newUser(Role.ADMIN).postJson("/api/tasks/" + id + "/revoke", "{}");
        assertThat(reply.status()).isEqualTo(202);
        assertThat(awaitState(id, "REVOKED").status()).isEqualTo("REVOKED");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !delayedContains(id));
        assertThat(tasks.runs(id)).isEmpty();
        assertThat(tracker.result(id).orElseThrow().status()).isEqualTo("REVOKED");
    }

    @Test
    void revokeWithTerminateStopsTheRunningFfmpeg() {
        String marker = "revoke-" + UUID.randomUUID();
        String id = send(
                "clipflow.test.ffmpeg_sleep", List.of(), Map.of("seconds", 60, "marker", marker), TaskOptions.none());
        awaitState(id, "STARTED");
        Awaitility.await().atMost(WAIT).until(() -> !ffmpegWith(marker).isEmpty());
        List<ProcessHandle> ffmpeg = ffmpegWith(marker);
        ApiClient.Reply reply = newUser(Role.ADMIN).postJson("/api/tasks/" + id + "/revoke", "{\"terminate\": true}");
        assertThat(reply.status()).isEqualTo(202);
        CeleryResult result = awaitState(id, "REVOKED");
        assertThat(result.excMessage()).contains("terminated");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ffmpeg.stream()
                .noneMatch(ProcessHandle::isAlive));
    }

    @Test
    void softTimeLimitStopsFfmpegWithSigtermAndFailsWithSoftTimeLimitExceeded() {
        String marker = "soft-" + UUID.randomUUID();
        String id = send(
                "clipflow.test.ffmpeg_sleep",
                List.of(),
                Map.of("seconds", 60, "marker", marker),
                TaskOptions.none().withTimeLimits(null, 1.5));
        CeleryResult result = awaitState(id, "FAILURE");
        assertThat(result.excType()).isEqualTo("SoftTimeLimitExceeded");
        assertThat(result.excMessage()).contains("soft time limit");
        assertThat(ffmpegWith(marker)).isEmpty();
        assertThat(Duration.between(tasks.runs(id).get(0), Instant.now())).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void hardTimeLimitKillsTheProcessTreeAndFreesTheWorker() {
        String marker = "hard-" + UUID.randomUUID();
        String id = send(
                "clipflow.test.ffmpeg_sleep",
                List.of(),
                Map.of("seconds", 60, "marker", marker),
                TaskOptions.none().withTimeLimits(1.5, null));
        CeleryResult result = awaitState(id, "FAILURE");
        assertThat(result.excType()).isEqualTo("TimeLimitExceeded");
        assertThat(ffmpegWith(marker)).isEmpty();
        String next = send("clipflow.test.echo", List.of("free again"), Map.of(), TaskOptions.none());
        assertThat(awaitState(next, "SUCCESS").result().asText()).isEqualTo("free again");
    }

    @Test
    void aJobLongerThanEveryConfiguredTimeoutRunsOnce() {
        // lease 2 s, heartbeat TTL 2 s, orphan check 0.5 s, promoter 0.1 s (application-test.yaml): all far shorter
        String id = send(
                "clipflow.test.ffmpeg_sleep",
                List.of(),
                Map.of("seconds", 6, "marker", "long-" + UUID.randomUUID()),
                TaskOptions.none());
        assertThat(awaitState(id, "SUCCESS").result().asText()).isEqualTo("slept 6.0");
        assertThat(tasks.runs(id)).hasSize(1);
    }

    @Test
    void wrongArgumentTypesAreDeadLetteredWithAReason() {
        String id = camel.requestBody(
                "celery:video",
                new TaskCall(null, "videos.tasks.process_video", List.of("not-an-id"), Map.of(), TaskOptions.none()),
                String.class);
        CeleryResult result = awaitState(id, "FAILURE");
        assertThat(result.excMessage()).contains("expects [video_id]");
        JsonNode dead = deadLetterFor(newUser(Role.ADMIN), id);
        assertThat(dead.path("reason").asText()).contains("IllegalArgumentException");
    }

    @Test
    void aDeadNodesProcessingListIsHandedBackExactlyOnceEvenWithConcurrentRecoverers() throws Exception {
        String ghost = "ghost-" + UUID.randomUUID();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            CeleryMessage m =
                    aTask("clipflow.test.echo").withArgs(i).on("delivery-test").message();
            ids.add(m.taskId());
            redis.opsForList().leftPush(keys.processing(ghost), codec.encode(m));
        }
        // not registered in the node set, so only these four recoverers race for it
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Callable<Integer>> recoverers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            recoverers.add(() -> nodes.handBackAll(ghost));
        }
        int moved = 0;
        for (Future<Integer> f : pool.invokeAll(recoverers)) {
            moved += f.get();
        }
        pool.shutdown();
        assertThat(moved).isEqualTo(20);
        for (String id : ids) {
            assertThat(awaitState(id, "SUCCESS").status()).isEqualTo("SUCCESS");
            assertThat(tasks.runs(id)).hasSize(1);
        }
        assertThat(redis.opsForList().size(keys.processing(ghost))).isZero();
    }

    @Test
    void aNodeWhoseHeartbeatStopsHasItsUnackedWorkRunByAnotherNode() {
        String dead = "dead-" + UUID.randomUUID();
        CeleryMessage m = aTask("clipflow.test.echo")
                .withArgs("orphan")
                .on("delivery-test")
                .message();
        redis.opsForList().leftPush(keys.processing(dead), codec.encode(m));
        redis.opsForSet().add(keys.nodes(), dead);
        assertThat(awaitState(m.taskId(), "SUCCESS").result().asText()).isEqualTo("orphan");
        assertThat(tasks.runs(m.taskId())).hasSize(1);
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> !Boolean.TRUE.equals(redis.opsForSet().isMember(keys.nodes(), dead)));
        assertThat(redis.opsForList().size(keys.processing(dead))).isZero();
    }

    @Test
    void aNodeTakesOneMessagePerFreeThreadSoShortTasksAreNotStuckBehindLongOnes() {
        List<String> longOnes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            longOnes.add(send(
                    "clipflow.test.ffmpeg_sleep",
                    List.of(),
                    Map.of("seconds", 4, "marker", "fair-" + UUID.randomUUID()),
                    TaskOptions.none()));
        }
        // two threads on delivery-test: two run, the third stays on the queue for any other free worker
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> longOnes.stream()
                                .filter(id -> !tasks.runs(id).isEmpty())
                                .count()
                        == 2);
        assertThat(redis.opsForList().size(keys.queue("delivery-test"))).isEqualTo(1);
        assertThat(redis.opsForList().size(keys.processing(properties.nodeName())))
                .isEqualTo(2);
        for (String id : longOnes) {
            assertThat(awaitState(id, "SUCCESS").status()).isEqualTo("SUCCESS");
        }
    }

    @Test
    void aRedeliveredCopyOfATaskThatAlreadySucceededIsAckedWithoutRunning() {
        CeleryMessage m =
                aTask("clipflow.test.echo").withArgs("once").on("delivery-test").message();
        queue.publish("delivery-test", 0, codec.encode(m));
        assertThat(awaitState(m.taskId(), "SUCCESS").result().asText()).isEqualTo("once");
        queue.publish("delivery-test", 0, codec.encode(m.withRedelivered(true)));
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> redis.opsForList().size(keys.queue("delivery-test")) == 0
                        && redis.opsForList().size(keys.processing(properties.nodeName())) == 0);
        assertThat(tasks.runs(m.taskId())).hasSize(1);
        assertThat(tracker.result(m.taskId()).orElseThrow().status()).isEqualTo("SUCCESS");
    }

    @Test
    void aNodeStartingUnderTheSameNameHandsBackWhatItHadTaken() {
        String self = "restarting-" + UUID.randomUUID();
        CeleryMessage m = aTask("clipflow.test.echo")
                .withArgs("recovered")
                .on("delivery-test")
                .message();
        redis.opsForList().leftPush(keys.processing(self), codec.encode(m));
        NodeLiveness restarted = new NodeLiveness(
                queue,
                nodes,
                new DeliveryProperties(
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofMinutes(1),
                        Duration.ofMinutes(1),
                        Duration.ofSeconds(1),
                        Duration.ofDays(1)),
                new ClipflowProperties(properties.dataDir(), self, properties.redis()),
                java.time.Clock.systemUTC(),
                supervisor,
                new com.fasterxml.jackson.databind.ObjectMapper(),
                io.clipflow.config.Roles.all(),
                new TaskMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
        restarted.start();
        try {
            assertThat(redis.opsForList().size(keys.processing(self))).isZero();
            assertThat(awaitState(m.taskId(), "SUCCESS").result().asText()).isEqualTo("recovered");
        } finally {
            restarted.stop();
        }
    }

    private boolean delayedContains(String taskId) {
        var members = redis.opsForZSet().range(keys.delayed(), 0, -1);
        return members != null && members.stream().anyMatch(m -> m.contains(taskId));
    }

    private JsonNode deadLetterFor(ApiClient admin, String taskId) {
        JsonNode[] found = new JsonNode[1];
        Awaitility.await().atMost(WAIT).until(() -> {
            for (JsonNode item : admin.get("/api/dead-letters").json().path("items")) {
                if (taskId.equals(item.path("task_id").asText())) {
                    found[0] = item;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static List<ProcessHandle> ffmpegWith(String marker) {
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info()
                        .arguments()
                        .map(a -> String.join(" ", a).contains(marker))
                        .orElse(false))
                .toList();
    }
}
