package io.clipflow.video;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.celery.TaskCall;
import io.clipflow.config.RedisKeys;
import io.clipflow.security.Role;
import io.clipflow.storage.MediaStore;
import io.clipflow.task.TaskRecord;
import io.clipflow.task.TaskTracker;
import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.Clips;
import io.clipflow.testsupport.IntegrationTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Route video-upload (routes/video-upload.camel.yaml) driven at its {@code direct:} entry with what the upload
 * controller hands it. AdviceWith puts a mock where the route publishes to the video queue, answering with the task id
 * as the broker does, so nothing reaches a worker and the message itself can be inspected.
 */
@CamelSpringBootTest
@DirtiesContext
class VideoUploadRouteIT extends IntegrationTestBase {

    static final String PUBLISH = "mock:video-upload-publish";

    static boolean advised;

    @TempDir
    static Path clips;

    static Path small;

    @Autowired
    CamelContext camel;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    VideoService videos;

    @Autowired
    MediaStore store;

    @Autowired
    TaskTracker tasks;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisKeys keys;

    ApiClient alice;

    @BeforeAll
    static void generateClips() {
        small = Clips.generate(clips, "small.mp4", 320, 180, 1, true);
    }

    @BeforeEach
    void adviseOnce() throws Exception {
        alice = newUser(Role.USER);
        if (advised) {
            return;
        }
        AdviceWith.adviceWith(camel, "video-upload", route -> route.weaveByToUri("celery:*")
                .replace()
                .to(PUBLISH));
        advised = true;
    }

    @AfterEach
    void reset() {
        MockEndpoint.resetMocks(camel);
    }

    @Test
    void registersQueuesAndPublishesProcessVideoOwnedByTheUploader() throws Exception {
        MockEndpoint publish = camel.getEndpoint(PUBLISH, MockEndpoint.class);
        publish.expectedMessageCount(1);
        publish.whenAnyExchangeReceived(e ->
                e.getMessage().setBody(e.getMessage().getBody(TaskCall.class).taskId()));
        Path staged = store.newIncomingFile();
        Files.copy(small, staged, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        UploadedFile upload = new UploadedFile(staged, "holiday.mp4", Files.size(small), "Holiday", alice.userId());

        Map<?, ?> reply = producer.requestBodyAndHeaders(
                "direct:video-upload",
                upload,
                Map.of("CamelExecCommandArgs", List.of("-i", "/etc/passwd"), "CamelExecCommandExecutable", "/bin/sh"),
                Map.class);

        publish.assertIsSatisfied();
        TaskCall call = publish.getReceivedExchanges().get(0).getMessage().getBody(TaskCall.class);
        long id = ((Number) ((Map<?, ?>) reply.get("video")).get("id")).longValue();
        assertThat(reply.get("task_id")).isEqualTo(call.taskId());
        Map<?, ?> summary = (Map<?, ?>) reply.get("video");
        assertThat(summary.get("status")).isEqualTo("QUEUED");
        assertThat(summary.get("title")).isEqualTo("Holiday");
        assertThat(call.name()).isEqualTo("videos.tasks.process_video");
        assertThat(call.args()).isEqualTo(List.of(id));
        assertThat(call.ownerId()).isEqualTo(alice.userId());
        assertThat(publish.getReceivedExchanges()
                        .get(0)
                        .getMessage()
                        .getHeaders()
                        .keySet())
                .as("inbound Camel headers are dropped at the edge")
                .noneMatch(h -> h.startsWith("Camel"));

        Video video = videos.get(id);
        assertThat(video.getStatus()).isEqualTo(VideoStatus.QUEUED);
        assertThat(video.getTaskId()).isEqualTo(call.taskId());
        assertThat(video.getOwnerId()).isEqualTo(alice.userId());
        assertThat(video.getOriginalName()).isEqualTo("holiday.mp4");
        Path stored = store.resolve(video.getSourcePath());
        assertThat(stored).hasFileName("original.mp4").hasSameBinaryContentAs(small);
        assertThat(stored.getParent()).isEqualTo(store.videoDir(id));
        assertThat(staged).doesNotExist();

        TaskRecord task = tasks.find(call.taskId()).orElseThrow();
        assertThat(task.getVideoId()).isEqualTo(id);
        assertThat(task.getOwnerId()).isEqualTo(alice.userId());
        assertThat(task.getQueue()).isEqualTo("video");

        var history = redis.opsForStream().range(keys.history("video." + id), Range.unbounded());
        assertThat(history).hasSize(1);
        JsonNode queued =
                new ObjectMapper().readTree((String) history.get(0).getValue().get("event"));
        assertThat(queued.path("type").asText()).isEqualTo("stage_update");
        assertThat(queued.path("stage").asText()).isEqualTo("queued");
        assertThat(queued.path("task_id").asText()).isEqualTo(call.taskId());
        assertThat(redis.opsForList().size(keys.queue("video"))).isZero();
    }
}
