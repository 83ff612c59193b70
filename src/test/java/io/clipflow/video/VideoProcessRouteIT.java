package io.clipflow.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.celery.TaskCall;
import io.clipflow.celery.TaskOptions;
import io.clipflow.config.RedisKeys;
import io.clipflow.exec.FfmpegExecutor;
import io.clipflow.media.MediaProperties;
import io.clipflow.security.Role;
import io.clipflow.storage.MediaStore;
import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.Clips;
import io.clipflow.testsupport.IntegrationTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.exec.ExecEndpoint;
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
import org.springframework.test.context.TestPropertySource;

/**
 * Route video-process (routes/video-process.camel.yaml) on the running app: a process_video message as Django sends it,
 * the real exec steps and FFmpeg, and what they leave behind. AdviceWith adds a seam that turns a video's stored file
 * into a FIFO just before a chosen stage, so that stage's process waits for input forever: only a stop that reaches the
 * process ends it.
 */
@CamelSpringBootTest
@DirtiesContext
@TestPropertySource(properties = "clipflow.media.timeouts.thumbnail=5s")
class VideoProcessRouteIT extends IntegrationTestBase {

    static final Duration PROCESSING = Duration.ofSeconds(90);
    static final String RESULT = "mock:video-process-run-result";

    /** "<videoId>:<stage>" for the stages whose input should stall. */
    static final Set<String> STALLED = ConcurrentHashMap.newKeySet();

    static boolean advised;

    @TempDir
    static Path clips;

    static Path hd;

    @Autowired
    CamelContext camel;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    VideoService videos;

    @Autowired
    MediaStore store;

    @Autowired
    MediaProperties media;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisKeys keys;

    ApiClient admin;
    ApiClient alice;

    @BeforeAll
    static void generateClips() {
        hd = Clips.generate(clips, "hd.mp4", 1280, 720, 3, true);
    }

    @BeforeEach
    void adviseOnce() throws Exception {
        admin = newUser(Role.ADMIN);
        alice = newUser(Role.USER);
        if (advised) {
            return;
        }
        AdviceWith.adviceWith(camel, "video-process-run", route -> {
            route.weaveByToUri("exec:ffprobe*").before().process(e -> stallIfAsked(e, "probe"));
            route.weaveByToUri("exec:ffmpeg*").selectFirst().before().process(e -> stallIfAsked(e, "thumbnail"));
            route.weaveAddLast().to(RESULT);
        });
        advised = true;
    }

    @AfterEach
    void reset() {
        STALLED.clear();
        MockEndpoint.resetMocks(camel);
    }

    @Test
    void everyExecStepRunsThroughOurExecutorWithItsStagesTimeLimit() {
        List<ExecEndpoint> steps = camel.getEndpoints().stream()
                .filter(ExecEndpoint.class::isInstance)
                .map(ExecEndpoint.class::cast)
                .toList();

        assertThat(steps).hasSize(3).allSatisfy(step -> assertThat(step.getCommandExecutor())
                .isInstanceOf(FfmpegExecutor.class));
        assertThat(steps)
                .extracting(ExecEndpoint::getTimeout)
                .containsExactlyInAnyOrder(
                        media.timeouts().probe().toMillis(),
                        Duration.ofSeconds(5).toMillis(),
                        media.timeouts().transcode().toMillis());
    }

    @Test
    void aClipBecomesReadyWithItsRowsFilesPlaylistsResultAndProgress() throws Exception {
        long id = storedVideo(hd);
        MockEndpoint result = camel.getEndpoint(RESULT, MockEndpoint.class);
        result.expectedMessageCount(1);
        NotifyBuilder done =
                new NotifyBuilder(camel).fromRoute("video-process").whenDone(1).create();

        String taskId = send(id, TaskOptions.none());

        assertThat(done.matches(PROCESSING.toSeconds(), TimeUnit.SECONDS)).isTrue();
        result.assertIsSatisfied();
        Map<?, ?> body = result.getReceivedExchanges().get(0).getMessage().getBody(Map.class);
        assertThat(body.get("video_id")).isEqualTo(id);
        assertThat(body.get("status")).isEqualTo("READY");
        assertThat(body.get("renditions")).isEqualTo(List.of("720p", "480p", "360p"));

        Video video = videos.get(id);
        assertThat(video.getStatus()).isEqualTo(VideoStatus.READY);
        assertThat(video.getTaskId()).isEqualTo(taskId);
        assertThat(video.getWidth()).isEqualTo(1280);
        assertThat(video.getHeight()).isEqualTo(720);
        assertThat(video.getDurationSeconds()).isBetween(2.9, 3.2);
        assertThat(video.getVideoCodec()).isEqualTo("h264");
        assertThat(video.getAudioCodec()).isEqualTo("aac");
        assertThat(video.getFrameRate()).isEqualTo(25.0);
        assertThat(video.getBitRate()).isPositive();
        assertThat(video.getRenditions()).extracting(VideoRendition::getName).containsExactly("720p", "480p", "360p");

        Path thumbnail = store.thumbnail(id);
        assertThat(Files.readAllBytes(thumbnail)).startsWith((byte) 0xFF, (byte) 0xD8);
        Path hls = store.hlsDir(id);
        assertThat(Files.readAllLines(hls.resolve("master.m3u8")))
                .contains("720p/index.m3u8", "480p/index.m3u8", "360p/index.m3u8");
        for (String rung : List.of("720p", "480p", "360p")) {
            assertThat(Files.readString(hls.resolve(rung + "/index.m3u8"))).contains("#EXT-X-ENDLIST");
        }

        // the mock after the route's last step sees the exchange before the consumer's finish stores SUCCESS
        awaitResult(taskId, io.clipflow.task.TaskState.SUCCESS);
        JsonNode stored = new ObjectMapper().readTree(redis.opsForValue().get(keys.result(taskId)));
        assertThat(stored.path("status").asText()).isEqualTo("SUCCESS");
        assertThat(stored.path("result").path("status").asText()).isEqualTo("READY");

        List<JsonNode> events = history(id);
        assertThat(events.stream()
                        .filter(e -> e.path("type").asText().equals("stage_update"))
                        .map(e -> e.path("stage").asText()))
                .containsExactly("probe", "thumbnail", "transcode");
        List<Double> progress = events.stream()
                .filter(e -> e.path("type").asText().equals("progress"))
                .map(e -> e.path("progress").asDouble())
                .toList();
        assertThat(progress).hasSizeGreaterThanOrEqualTo(2).isSorted();
        assertThat(progress.get(0)).isLessThan(100.0);
        assertThat(progress.get(progress.size() - 1)).isEqualTo(100.0);
        assertThat(events.get(events.size() - 1).path("type").asText()).isEqualTo("done");
    }

    @Test
    void revokeWithTerminateDuringTheProbeStopsFfprobe() {
        long id = storedVideo(hd);
        STALLED.add(id + ":probe");
        String taskId = send(id, TaskOptions.none());
        Path source = store.resolve(videos.get(id).getSourcePath());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !running("ffprobe", source).isEmpty());
        List<ProcessHandle> probe = running("ffprobe", source);

        ApiClient.Reply reply = admin.postJson("/api/tasks/" + taskId + "/revoke", "{\"terminate\": true}");
        assertThat(reply.status()).isEqualTo(202);

        JsonNode task = admin.awaitTask(taskId, Duration.ofSeconds(20), "REVOKED", "FAILURE", "SUCCESS");
        assertThat(task.path("state").asText()).isEqualTo("REVOKED");
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.stream().noneMatch(ProcessHandle::isAlive));
        Video video = videos.get(id);
        assertThat(video.getStatus()).isEqualTo(VideoStatus.FAILED);
        assertThat(video.getError()).contains("revoked");
        assertThat(store.thumbnail(id)).doesNotExist();
    }

    @Test
    void theHardTimeLimitDuringTheThumbnailKillsFfmpeg() {
        long id = storedVideo(hd);
        STALLED.add(id + ":thumbnail");
        String taskId = send(id, TaskOptions.none().withTimeLimits(4.0, null));
        Path source = store.resolve(videos.get(id).getSourcePath());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !running("ffmpeg", source).isEmpty());
        List<ProcessHandle> thumbnail = running("ffmpeg", source);

        JsonNode task = admin.awaitTask(taskId, Duration.ofSeconds(20), "FAILURE", "SUCCESS", "REVOKED");
        assertThat(task.path("state").asText()).isEqualTo("FAILURE");
        assertThat(task.path("result").path("exc_type").asText()).isEqualTo("TimeLimitExceeded");
        await().atMost(Duration.ofSeconds(10)).until(() -> thumbnail.stream().noneMatch(ProcessHandle::isAlive));
        Video video = videos.get(id);
        assertThat(video.getStatus()).isEqualTo(VideoStatus.FAILED);
        assertThat(video.getError()).isEqualTo("hard time limit (4 s) exceeded");
    }

    @Test
    void aThumbnailOverItsStageTimeLimitFailsTheVideoWithTheReason() {
        long id = storedVideo(hd);
        STALLED.add(id + ":thumbnail");
        String taskId = send(id, TaskOptions.none());
        Path source = store.resolve(videos.get(id).getSourcePath());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !running("ffmpeg", source).isEmpty());
        List<ProcessHandle> thumbnail = running("ffmpeg", source);

        // 5 s limit, then SIGTERM, which ffmpeg stuck opening its input ignores, and SIGKILL 5 s later
        JsonNode task = admin.awaitTask(taskId, Duration.ofSeconds(30), "FAILURE", "SUCCESS", "REVOKED");
        assertThat(task.path("state").asText()).isEqualTo("FAILURE");
        assertThat(task.path("result").path("exc_type").asText()).isEqualTo("MediaException");
        assertThat(thumbnail).noneMatch(ProcessHandle::isAlive);
        Video video = videos.get(id);
        assertThat(video.getStatus()).isEqualTo(VideoStatus.FAILED);
        assertThat(video.getError()).isEqualTo("thumbnail timed out after 5s");
    }

    /** A video row as an upload leaves it (UPLOADED, file in its folder), owned by alice. */
    long storedVideo(Path clip) {
        try {
            Path staged = store.newIncomingFile();
            Files.copy(clip, staged, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return videos.register(new UploadedFile(staged, "clip.mp4", Files.size(clip), "Clip", alice.userId()))
                    .getId();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** process_video(id) on the video queue, as a Celery client sends it. */
    String send(long id, TaskOptions options) {
        return producer.requestBody(
                "celery:video",
                new TaskCall(null, "videos.tasks.process_video", List.of(id), Map.of(), options),
                String.class);
    }

    List<JsonNode> history(long id) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (var entry : redis.opsForStream().range(keys.history("video." + id), Range.unbounded())) {
            events.add(json.readTree((String) entry.getValue().get("event")));
        }
        return events;
    }

    /** This JVM's child processes named {@code program} that read {@code source}. */
    static List<ProcessHandle> running(String program, Path source) {
        String input = "file:" + source.toAbsolutePath().normalize();
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().orElse("").endsWith("/" + program))
                .filter(p -> p.info()
                        .arguments()
                        .map(a -> List.of(a).contains(input))
                        .orElse(false))
                .toList();
    }

    /** The seam: when asked, the video's file becomes a FIFO nobody writes to, so the stage's open() never returns. */
    static void stallIfAsked(Exchange exchange, String stage) throws Exception {
        Long videoId = exchange.getVariable("videoId", Long.class);
        if (!STALLED.contains(videoId + ":" + stage)) {
            return;
        }
        Path source = exchange.getVariable("source", Path.class);
        Files.delete(source);
        Process mkfifo = new ProcessBuilder("mkfifo", source.toString()).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();
    }
}
