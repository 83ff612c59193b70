package io.clipflow.schedule;

import static io.clipflow.testsupport.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.config.ClipflowProperties;
import io.clipflow.config.RedisKeys;
import io.clipflow.queue.NodeRegistry;
import io.clipflow.queue.QueueInspection;
import io.clipflow.queue.ReliableQueue;
import io.clipflow.security.Role;
import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.Clips;
import io.clipflow.testsupport.IntegrationTestBase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.camel.CamelContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * The Quartz routes on a shortened schedule (test configuration, routes unchanged) and the outbox scan on H2: a video
 * committed without its message is enqueued by the next scan, exactly once, even with scans running concurrently.
 */
@TestPropertySource(
        properties = {
            "clipflow.schedule.pending-scan-cron=0/1 * * * * ?",
            "clipflow.schedule.monitoring-cron=0/1 * * * * ?",
            "clipflow.schedule.pending-grace=1s"
        })
class PendingScanIT extends IntegrationTestBase {

    @TempDir
    static Path clips;

    static Path clip;

    @Autowired
    CamelContext camel;

    @Autowired
    ScheduleRuns runs;

    @Autowired
    PendingScan scan;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisKeys keys;

    @Autowired
    ClipflowProperties properties;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ReliableQueue queue;

    @Autowired
    NodeRegistry nodes;

    @Autowired
    QueueInspection inspection;

    @Autowired
    CeleryMessageCodec codec;

    @BeforeAll
    static void clip() {
        clip = Clips.generate(clips, "outbox.mp4", 320, 240, 1, false);
    }

    @BeforeEach
    void noConsumer() throws Exception {
        camel.getRouteController().stopRoute("video-process");
    }

    @AfterEach
    void consumerBack() throws Exception {
        redis.delete(keys.queue("video"));
        camel.getRouteController().startRoute("video-process");
    }

    @Test
    void scanAndMonitoringRoutesFireOnTheirShortenedSchedule() {
        Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .until(() -> runs.runs("pending-scan").size() >= 3);
        List<ScheduleRuns.Run> fired = runs.runs("pending-scan");
        assertThat(fired).allMatch(r -> r.node().equals(properties.nodeName()));
        assertThat(fired.stream().map(ScheduleRuns.Run::scheduledFireTime).distinct())
                .hasSameSizeAs(fired);
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> redis.hasKey(keys.cache("monitoring")));
        assertThat(redis.getExpire(keys.cache("monitoring"))).isPositive();
        assertThat(redis.opsForValue().get(keys.cache("monitoring")))
                .contains("\"media_used_bytes\"", "\"disk_read_bytes\"", "\"net_received_bytes\"", "\"video\"");
    }

    @Test
    void aVideoCommittedWithoutItsMessageIsEnqueuedByTheNextScanExactlyOnce() throws Exception {
        ApiClient alice = newUser(Role.USER);
        long id = alice.upload(clip).json().path("video").path("id").asLong();
        String lostTask = alice.get("/api/videos/" + id).json().path("task_id").asText();
        // the crash between the commit and the LPUSH: the row is QUEUED, the message never reached Redis
        redis.delete(keys.queue("video"));

        // besides the scheduled scan (every second here), four more scanners race for the row until it is repaired
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> racers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                racers.add(() -> {
                    int requeued = 0;
                    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while (taskOf(id).equals(lostTask) && System.nanoTime() < end) {
                        requeued += ((List<?>) scan.scan().get("requeued")).size();
                    }
                    return requeued;
                });
            }
            int byRacers = 0;
            for (Future<Integer> f : pool.invokeAll(racers)) {
                byRacers += f.get();
            }
            assertThat(byRacers).isBetween(0, 1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(taskOf(id)).isNotEqualTo(lostTask);
        // several more scheduled scans pass: the new message is found in the queue and left alone
        long fires = runs.runs("pending-scan").size();
        Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .until(() -> runs.runs("pending-scan").size() >= fires + 3);

        List<String> queued = redis.opsForList().range(keys.queue("video"), 0, -1);
        assertThat(queued).hasSize(1);
        String newTask = taskOf(id);
        assertThat(queued.get(0)).contains(newTask).doesNotContain(lostTask);
        assertThat(jdbc.queryForObject("select status from video where id = ?", String.class, id))
                .isEqualTo("QUEUED");
        assertThat(jdbc.queryForObject("select count(*) from task where video_id = ?", Integer.class, id))
                .isEqualTo(2);
        JsonNode old = alice.get("/api/tasks/" + lostTask).json();
        assertThat(old.path("state").asText()).as(old.toString()).isEqualTo("REVOKED");
        assertThat(old.toString()).contains(newTask);

        // and the worker finishes it
        camel.getRouteController().startRoute("video-process");
        assertThat(alice.awaitVideo(id, Duration.ofSeconds(90), "READY", "FAILED")
                        .path("status")
                        .asText())
                .isEqualTo("READY");
    }

    @Test
    void aVideoWhoseMessageIsStillQueuedIsLeftAlone() {
        ApiClient bob = newUser(Role.USER);
        long id = bob.upload(clip).json().path("video").path("id").asLong();
        String task = taskOf(id);
        jdbc.update("update video set updated_at = updated_at - interval '1' hour where id = ?", id);
        long fires = runs.runs("pending-scan").size();
        Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .until(() -> runs.runs("pending-scan").size() >= fires + 2);
        assertThat(taskOf(id)).isEqualTo(task);
        assertThat(redis.opsForList().range(keys.queue("video"), 0, -1)).hasSize(1);
    }

    @Test
    void findsATasksMessageInItsQueueAnyProcessingListOrTheDelayedSetAndNowhereElse() {
        String queueName = "outbox-probe";
        CeleryMessage pending = message(queueName);
        CeleryMessage running = message(queueName);
        CeleryMessage delayed = message(queueName);
        CeleryMessage elsewhere = message("another-queue");
        CeleryMessage gone = message(queueName);
        queue.publish(queueName, 0, codec.encode(pending));
        queue.publish("another-queue", 0, codec.encode(elsewhere));
        String otherNode = "outbox-other-" + properties.nodeName();
        nodes.heartbeat(otherNode, Duration.ofSeconds(30), "{}");
        redis.opsForList().leftPush(keys.processing(otherNode), codec.encode(running));
        redis.opsForZSet().add(keys.delayed(), queue.listKey(queueName, 0) + "\n" + codec.encode(delayed), 1);
        try {
            assertThat(inspection.holdingTasks(
                            queueName,
                            List.of(
                                    pending.taskId(),
                                    running.taskId(),
                                    delayed.taskId(),
                                    elsewhere.taskId(),
                                    gone.taskId())))
                    .containsExactlyInAnyOrder(pending.taskId(), running.taskId(), delayed.taskId());
        } finally {
            redis.delete(List.of(
                    keys.queue(queueName), keys.queue("another-queue"), keys.processing(otherNode), keys.delayed()));
            nodes.stopHeartbeat(otherNode);
        }
    }

    private CeleryMessage message(String queueName) {
        return aTask("clipflow.test.echo").withArgs(1).on(queueName).message();
    }

    private String taskOf(long id) {
        return jdbc.queryForObject("select task_id from video where id = ?", String.class, id);
    }
}
