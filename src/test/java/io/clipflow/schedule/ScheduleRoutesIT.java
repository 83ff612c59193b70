package io.clipflow.schedule;

import static io.clipflow.task.TaskState.SUCCESS;
import static io.clipflow.testsupport.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.config.ClipflowProperties;
import io.clipflow.config.RedisKeys;
import io.clipflow.queue.ReliableQueue;
import io.clipflow.storage.MediaStore;
import io.clipflow.task.TaskTracker;
import io.clipflow.testsupport.IntegrationTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The four schedule-* routes with their Quartz consumer replaced by {@code direct:<route id>} (AdviceWith, before
 * Camel starts, so no trigger ever fires here) and a {@code mock:<route id>} after their last step. Each test fires
 * one route the way Quartz does (headers {@code triggerName} and {@code scheduledFireTime}) and checks what the route
 * changed: files, rows, Redis keys, and the run it recorded. The node's own orphan timer is slowed to an hour, so
 * only the route hands back orphans.
 */
@CamelSpringBootTest
@UseAdviceWith
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(properties = "clipflow.delivery.orphan-check-interval=1h")
class ScheduleRoutesIT extends IntegrationTestBase {

    static final List<String> ROUTES =
            List.of("schedule-cleanup", "schedule-monitoring", "schedule-orphans", "schedule-pending-scan");

    @Autowired
    CamelContext camel;

    @Autowired
    ProducerTemplate template;

    @Autowired
    ScheduleRuns runs;

    @Autowired
    ClipflowProperties properties;

    @Autowired
    MediaStore store;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TaskTracker tracker;

    @Autowired
    ReliableQueue queue;

    @Autowired
    CeleryMessageCodec codec;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisKeys keys;

    @BeforeEach
    void quartzReplacedByDirect() throws Exception {
        if (!camel.getStatus().isStarted()) {
            for (String route : ROUTES) {
                AdviceWith.adviceWith(camel, route, a -> {
                    a.replaceFromWith("direct:" + route);
                    a.weaveAddLast().to("mock:" + route);
                });
            }
            camel.start();
        }
        MockEndpoint.resetMocks(camel);
    }

    @Test
    void cleanupRemovesTheMediaOfALongDeletedVideoAndRecordsTheRunAsATask() throws Exception {
        long old = deletedVideo(Instant.now().minus(Duration.ofDays(8)));
        long recent = deletedVideo(Instant.now().minus(Duration.ofDays(1)));
        MockEndpoint done = mock("schedule-cleanup");
        done.expectedMessageCount(1);

        long fire = fire("schedule-cleanup", "cleanup");

        done.assertIsSatisfied();
        assertThat(store.videoDir(old)).doesNotExist();
        assertThat(store.videoDir(recent).resolve("original.mp4")).exists();
        assertThat(jdbc.queryForObject("select source_path from video where id = ?", String.class, old))
                .isNull();
        Map<?, ?> summary = done.getExchanges().get(0).getMessage().getBody(Map.class);
        assertThat(summary.get("deleted_videos_media_removed")).isEqualTo(List.of(old));
        String runTask = (String) summary.get("task_id");
        assertThat(tracker.find(runTask).orElseThrow().getName()).isEqualTo("clipflow.cleanup");
        assertThat(awaitResult(runTask, SUCCESS).result().path("bytes_freed").asLong())
                .isEqualTo(2000);
        assertThat(runs.runs("cleanup")).containsExactly(new ScheduleRuns.Run(fire, properties.nodeName()));
    }

    @Test
    void monitoringKeepsASnapshotWithEveryQueuesDepthAndTheDeltasSinceThePreviousOne() throws Exception {
        String probe = "monitoring-probe-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            aTask("clipflow.test.echo").withArgs(i).on(probe).sentWith(queue);
        }
        MockEndpoint done = mock("schedule-monitoring");
        done.expectedMessageCount(2);

        long first = fire("schedule-monitoring", "monitoring");
        JsonNode snapshot = json(redis.opsForValue().get(keys.cache("monitoring")));
        assertThat(snapshot.path("queue_depths").path(probe).asLong()).isEqualTo(3);
        assertThat(snapshot.path("media_used_bytes").isNumber()).isTrue();
        assertThat(redis.getExpire(keys.cache("monitoring"))).isPositive();

        aTask("clipflow.test.echo").withArgs(3).on(probe).sentWith(queue);
        long second = fire("schedule-monitoring", "monitoring");
        JsonNode next = json(redis.opsForValue().get(keys.cache("monitoring")));
        assertThat(next.path("queue_depths").path(probe).asLong()).isEqualTo(4);
        assertThat(next.path("since_previous").asBoolean()).isTrue();
        assertThat(next.path("disk_read_bytes").asLong()).isNotNegative();

        done.assertIsSatisfied();
        assertThat(runs.runs("monitoring"))
                .containsExactly(
                        new ScheduleRuns.Run(first, properties.nodeName()),
                        new ScheduleRuns.Run(second, properties.nodeName()));
        redis.delete(List.of(keys.queue(probe), keys.binding(probe)));
    }

    @Test
    void orphansHandsADeadNodesUnackedMessageBackToItsQueueMarkedRedelivered() throws Exception {
        String ghost = "ghost-" + UUID.randomUUID();
        String probe = "orphan-probe-" + UUID.randomUUID().toString().substring(0, 8);
        CeleryMessage taken =
                aTask("clipflow.test.echo").withArgs("orphan").on(probe).message();
        redis.opsForList().leftPush(keys.processing(ghost), codec.encode(taken));
        redis.opsForSet().add(keys.nodes(), ghost);
        MockEndpoint done = mock("schedule-orphans");
        done.expectedMessageCount(1);
        done.expectedBodiesReceived(Map.of("handed_back", 1));

        long fire = fire("schedule-orphans", "orphans");

        done.assertIsSatisfied();
        List<String> waiting = redis.opsForList().range(keys.queue(probe), 0, -1);
        assertThat(waiting).hasSize(1);
        CeleryMessage back = codec.decode(waiting.get(0));
        assertThat(back.taskId()).isEqualTo(taken.taskId());
        assertThat(back.redelivered()).isTrue();
        assertThat(redis.hasKey(keys.processing(ghost))).isFalse();
        assertThat(redis.opsForSet().isMember(keys.nodes(), ghost)).isFalse();
        assertThat(runs.runs("orphans")).containsExactly(new ScheduleRuns.Run(fire, properties.nodeName()));
        redis.delete(List.of(keys.queue(probe), keys.binding(probe)));
    }

    @Test
    void pendingScanEnqueuesAVideoWhoseMessageNeverReachedRedis() throws Exception {
        camel.getRouteController().stopRoute("video-process");
        try {
            long lost = lostVideo();
            MockEndpoint done = mock("schedule-pending-scan");
            done.expectedMessageCount(1);

            long fire = fire("schedule-pending-scan", "pending-scan");

            done.assertIsSatisfied();
            String task = jdbc.queryForObject("select task_id from video where id = ?", String.class, lost);
            assertThat(task).isNotNull();
            List<String> queued = redis.opsForList().range(keys.queue("video"), 0, -1);
            assertThat(queued).hasSize(1);
            CeleryMessage message = codec.decode(queued.get(0));
            assertThat(message.taskId()).isEqualTo(task);
            assertThat(((Number) message.args().get(0)).longValue()).isEqualTo(lost);
            assertThat(tracker.find(task)).isPresent();
            Map<?, ?> summary = done.getExchanges().get(0).getMessage().getBody(Map.class);
            assertThat(summary.get("requeued")).isEqualTo(List.of(Map.of("video_id", lost, "task_id", task)));
            assertThat(runs.runs("pending-scan")).containsExactly(new ScheduleRuns.Run(fire, properties.nodeName()));
        } finally {
            redis.delete(keys.queue("video"));
            camel.getRouteController().startRoute("video-process");
        }
    }

    /** Sends what Quartz sends: the trigger's name and the scheduled fire time; returns that time (ms). */
    private long fire(String route, String trigger) {
        long fire = Instant.now().toEpochMilli();
        template.sendBodyAndHeaders(
                "direct:" + route, null, Map.of("triggerName", trigger, "scheduledFireTime", new Date(fire)));
        return fire;
    }

    private MockEndpoint mock(String route) {
        return camel.getEndpoint("mock:" + route, MockEndpoint.class);
    }

    private long deletedVideo(Instant updated) throws Exception {
        Timestamp at = Timestamp.from(updated);
        jdbc.update(
                "insert into video (title, status, source_path, created_at, updated_at) values ('d', 'DELETED', 'x', ?,"
                        + " ?)",
                at,
                at);
        long id = jdbc.queryForObject("select max(id) from video", Long.class);
        jdbc.update("update video set source_path = ? where id = ?", id + "/original.mp4", id);
        Path dir = store.videoDir(id);
        Files.createDirectories(dir);
        Files.write(dir.resolve("original.mp4"), new byte[2000]);
        return id;
    }

    /** A video committed ten minutes ago whose message never reached Redis (no task id, nothing queued). */
    private long lostVideo() throws Exception {
        Timestamp old = Timestamp.from(Instant.now().minus(Duration.ofMinutes(10)));
        jdbc.update(
                "insert into video (title, status, source_path, created_at, updated_at) values ('lost', 'UPLOADED',"
                        + " 'x', ?, ?)",
                old,
                old);
        long id = jdbc.queryForObject("select max(id) from video", Long.class);
        Path original = store.videoDir(id).resolve("original.mp4");
        Files.createDirectories(original.getParent());
        Files.writeString(original, "not really a video");
        jdbc.update("update video set source_path = ? where id = ?", id + "/original.mp4", id);
        return id;
    }

    private static JsonNode json(String text) throws Exception {
        assertThat(text).as("monitoring snapshot").isNotNull();
        return new ObjectMapper().readTree(text);
    }
}
