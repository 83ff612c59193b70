package io.clipflow.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipflow.ClipflowApplication;
import io.clipflow.config.ClipflowProperties;
import io.clipflow.config.RedisKeys;
import io.clipflow.security.Role;
import io.clipflow.task.TaskTracker;
import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.Clips;
import io.clipflow.testsupport.EventClient;
import io.clipflow.testsupport.IntegrationTestBase;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * Two app instances on different ports sharing one Redis and one database: node A (the test's context) runs the job,
 * a browser on node B sees it. B consumes another queue, so it cannot run A's jobs itself. Events also arrive from a
 * plain Redis client outside both nodes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossNodeEventsIT extends IntegrationTestBase {

    static final Duration PROCESSING = Duration.ofSeconds(90);
    static final Duration SOON = Duration.ofSeconds(10);

    @Autowired
    Environment env;

    @Autowired
    RedisKeys keys;

    @Autowired
    EventPublisher publisher;

    @Autowired
    TaskTracker tasks;

    @Autowired
    ClipflowProperties properties;

    ConfigurableApplicationContext nodeB;
    int portB;
    RedisClient outsider;
    StatefulRedisConnection<String, String> outsiderConnection;
    Path clip;

    @BeforeAll
    void startNodeBAndAnOutsideRedisClient() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> shared = new LinkedHashMap<>();
        for (String key : List.of(
                "spring.datasource.url", "spring.data.redis.url", "clipflow.data-dir", "clipflow.redis.key-prefix")) {
            shared.put(key, env.getRequiredProperty(key));
        }
        shared.put("server.port", "0");
        shared.put("clipflow.node-name", "it-node-b-" + run);
        shared.put("clipflow.video.queue", "video-b-" + run);
        shared.put("clipflow.redis.embedded", "never");
        // command-line arguments, because builder properties rank below application.yaml
        nodeB = new SpringApplicationBuilder(ClipflowApplication.class)
                .profiles("test")
                .run(shared.entrySet().stream()
                        .map(e -> "--" + e.getKey() + "=" + e.getValue())
                        .toArray(String[]::new));
        portB = Integer.parseInt(nodeB.getEnvironment().getRequiredProperty("local.server.port"));
        outsider = RedisClient.create(env.getRequiredProperty("spring.data.redis.url"));
        outsiderConnection = outsider.connect();
        clip = Clips.generate(Files.createTempDirectory("cross-node"), "clip.mp4", 640, 360, 2, true);
    }

    @AfterAll
    void stop() {
        if (outsiderConnection != null) {
            outsiderConnection.close();
            outsider.shutdown();
        }
        if (nodeB != null) {
            nodeB.close();
        }
    }

    @Test
    void aBrowserOnNodeBSeesEveryEventOfAJobThatNodeARuns() {
        ApiClient alice = newUser(Role.USER);
        try (EventClient onB = EventClient.connect(wsB("/ws/users/me"), alice.token())) {
            awaitLiveFromOutside(onB, "user." + alice.userId());

            ApiClient.Reply reply = alice.upload(clip);
            long id = reply.json().path("video").path("id").asLong();
            String taskId = reply.json().path("task_id").asText();
            JsonNode done = onB.await(
                    m -> m.path("type").asText().equals("done")
                            && m.path("video_id").asLong() == id,
                    PROCESSING);

            assertThat(done.path("result").path("status").asText()).isEqualTo("READY");
            List<JsonNode> events = onB.messages().stream()
                    .filter(m -> m.path("video_id").asLong() == id)
                    .toList();
            assertThat(events.stream()
                            .filter(m -> m.path("type").asText().equals("stage_update"))
                            .map(m -> m.path("stage").asText()))
                    .containsExactly("queued", "probe", "thumbnail", "transcode");
            assertThat(events.stream().filter(m -> m.path("type").asText().equals("progress")))
                    .isNotEmpty();
            assertThat(tasks.find(taskId).orElseThrow().getWorker()).isEqualTo("celery@" + properties.nodeName());

            try (EventClient videoOnB = EventClient.connect(wsB("/ws/videos/" + id), alice.token())) {
                assertThat(videoOnB.awaitType("done", SOON).path("id").asText()).isEqualTo(lastOf(alice, id));
            }
        }
    }

    @Test
    void projectChannelsOnNodeBGetEventsFromNodeAAndFromOutside() {
        ApiClient admin = newUser(Role.ADMIN);
        // a project's topics are readable only while it exists (ProjectTopicPolicy), by its owner and admins
        String project = admin.postJson("/api/v1/projects", "{\"title\":\"cross-node\"}")
                .json()
                .path("id")
                .asText();
        try (EventClient stage = EventClient.connect(wsB("/ws/projects/" + project + "/stage/script/"), admin.token());
                EventClient whole = EventClient.connect(wsB("/ws/projects/" + project + "/"), admin.token())) {
            assertThat(stage.awaitType("connected", SOON).path("channel").asText())
                    .isEqualTo("project." + project + ".stage.script");
            awaitLiveFromOutside(whole, "project." + project);

            Map<String, Object> event = new LinkedHashMap<>();
            event.put("type", "progress");
            event.put("project_id", project);
            event.put("stage", "script");
            event.put("progress", 40.0);
            publisher.publish(List.of(Topic.projectStage(project, "script"), Topic.project(project)), event);

            assertThat(stage.awaitType("progress", SOON).path("progress").asDouble())
                    .isEqualTo(40.0);
            assertThat(whole.awaitType("progress", SOON).path("stage").asText()).isEqualTo("script");
        }
    }

    /** The id of the last event on video.{id}, read on node A. */
    private String lastOf(ApiClient owner, long videoId) {
        return publisher.latest("video." + videoId).orElseThrow().id();
    }

    /** Publishes probes from a Redis client that is neither node until the client on B gets one. */
    private void awaitLiveFromOutside(EventClient client, String topic) {
        client.awaitType("connected", SOON);
        Awaitility.await().atMost(SOON).pollInterval(Duration.ofMillis(100)).until(() -> {
            outsiderConnection.sync().publish(keys.events(topic), "{\"type\":\"probe\"}");
            return !client.messages("probe").isEmpty();
        });
    }

    private String wsB(String path) {
        return "ws://127.0.0.1:" + portB + path;
    }
}
