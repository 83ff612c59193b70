package io.clipflow.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipflow.config.ClipflowProperties;
import io.clipflow.config.RedisKeys;
import io.clipflow.security.Role;
import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.AppNode;
import io.clipflow.testsupport.Clips;
import io.clipflow.testsupport.IntegrationTestBase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Crashes of a real worker process. Node A is the packaged jar in its own JVM, sharing this test's Redis prefix, H2
 * database (AUTO_SERVER) and media folder; node B is this test's Spring context, whose video consumer is paused while A
 * takes the job.
 */
class WorkerCrashIT extends IntegrationTestBase {

    static final Duration SLOW = Duration.ofSeconds(120);

    @TempDir
    static Path clips;

    static Path clip;

    @Autowired
    CamelContext camel;

    @Autowired
    ClipflowProperties properties;

    @Autowired
    RedisKeys keys;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    Environment env;

    AppNode nodeA;
    String nodeAName;
    /** Alice on node A (uploads go there) and on node B (this context; still up after A dies). */
    ApiClient aliceOnA;

    ApiClient alice;

    @BeforeAll
    static void clip() {
        clip = Clips.generate(clips, "crash.mp4", 1280, 720, 8, true);
    }

    @BeforeEach
    void startNodeA() throws Exception {
        camel.getRouteController().stopRoute("video-process");
        alice = newUser(Role.USER);
        nodeAName = "crash-a-" + UUID.randomUUID().toString().substring(0, 8);
        nodeA = AppNode.start(
                        nodeAName,
                        properties.dataDir(),
                        "384m",
                        List.of(
                                "--clipflow.data-dir=" + properties.dataDir(),
                                "--spring.data.redis.url=" + env.getProperty("spring.data.redis.url"),
                                "--clipflow.redis.key-prefix="
                                        + properties.redis().keyPrefix(),
                                "--clipflow.delivery.heartbeat-interval=500ms",
                                "--clipflow.delivery.heartbeat-ttl=2s",
                                "--clipflow.delivery.shutdown-grace=1s",
                                "--clipflow.lock.lease=2s",
                                // slower x264 so the job is surely mid-transcode when the test strikes
                                "--clipflow.media.preset=medium"))
                .awaitHealthy(SLOW);
        aliceOnA = nodeA.client(alice.token(), alice.userId());
    }

    @AfterEach
    void stopNodeA() throws Exception {
        if (nodeA != null) {
            nodeA.close();
        }
        if (!camel.getRouteController().getRouteStatus("video-process").isStarted()) {
            camel.getRouteController().startRoute("video-process");
        }
    }

    @Test
    void killMinus9MidTranscodeAnotherNodeFinishesTheVideoOnce() throws Exception {
        long id = aliceOnA.upload(clip).json().path("video").path("id").asLong();
        String taskId = alice.get("/api/videos/" + id).json().path("task_id").asText();
        List<ProcessHandle> ffmpeg = awaitTranscodeOnNodeA();

        nodeA.kill();
        assertThat(redis.opsForList().range(keys.processing(nodeAName), 0, -1))
                .as("unacked on the dead node")
                .anyMatch(m -> m.contains(taskId));

        camel.getRouteController().startRoute("video-process");
        JsonNode video = alice.awaitVideo(id, SLOW, "READY", "FAILED");
        assertThat(video.path("status").asText()).as(video.toString()).isEqualTo("READY");
        assertThat(video.path("renditions")).hasSize(3);
        // the video turns READY a moment before its finish stores SUCCESS
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(alice.get("/api/tasks/" + taskId)
                                .json()
                                .path("state")
                                .asText())
                        .isEqualTo("SUCCESS"));
        assertThat(redis.opsForList().size(keys.processing(nodeAName))).isZero();
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> redis.opsForList().size(keys.processing(properties.nodeName())) == 0);
        assertThat(ffmpeg).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void sigtermMidJobHandsTheTaskBackAndItIsNeitherLostNorRunTwice() throws Exception {
        long id = aliceOnA.upload(clip).json().path("video").path("id").asLong();
        String taskId = alice.get("/api/videos/" + id).json().path("task_id").asText();
        List<ProcessHandle> ffmpeg = awaitTranscodeOnNodeA();

        nodeA.process().destroy(); // SIGTERM: graceful shutdown with a 1 s grace
        assertThat(nodeA.process().waitFor(60, TimeUnit.SECONDS))
                .as("node A stopped")
                .isTrue();
        assertThat(ffmpeg).noneMatch(ProcessHandle::isAlive);
        assertThat(redis.opsForList().size(keys.processing(nodeAName))).isZero();
        List<String> queued = redis.opsForList().range(keys.queue("video"), 0, -1);
        assertThat(queued)
                .as("handed back to its queue, marked redelivered")
                .anyMatch(m -> m.contains(taskId) && m.contains("\"redelivered\": true"));
        assertThat(alice.get("/api/tasks/" + taskId).json().path("state").asText())
                .isNotEqualTo("FAILURE");

        camel.getRouteController().startRoute("video-process");
        JsonNode video = alice.awaitVideo(id, SLOW, "READY", "FAILED");
        assertThat(video.path("status").asText()).as(video.toString()).isEqualTo("READY");
        // the video turns READY a moment before its finish stores SUCCESS
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(alice.get("/api/tasks/" + taskId)
                                .json()
                                .path("state")
                                .asText())
                        .isEqualTo("SUCCESS"));
        assertThat(redis.opsForList().size(keys.queue("video"))).isZero();
    }

    private List<ProcessHandle> awaitTranscodeOnNodeA() {
        List<ProcessHandle> found = new ArrayList<>();
        Awaitility.await().atMost(SLOW).pollInterval(Duration.ofMillis(100)).until(() -> {
            found.clear();
            nodeA.process()
                    .descendants()
                    .filter(p -> p.info()
                            .arguments()
                            .map(a -> String.join(" ", a).contains("filter_complex"))
                            .orElse(false))
                    .forEach(found::add);
            return !found.isEmpty();
        });
        return List.copyOf(found);
    }
}
