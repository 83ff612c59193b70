package io.clipflow.video;

import static io.clipflow.testsupport.ClipflowAssertions.assertThatVideo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.celery.TaskCall;
import io.clipflow.celery.TaskOptions;
import io.clipflow.config.ClipflowProperties;
import io.clipflow.config.RedisKeys;
import io.clipflow.security.Role;
import io.clipflow.task.TaskState;
import io.clipflow.task.TaskTracker;
import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.Clips;
import io.clipflow.testsupport.IntegrationTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The pipeline's contract, end to end through HTTP, Redis, the database and FFmpeg. Subclasses run it on each database.
 */
abstract class VideoPipelineContract extends IntegrationTestBase {

    static final Duration PROCESSING = Duration.ofSeconds(90);

    @TempDir
    static Path clips;

    static Path hd;
    static Path small;
    static Path silent;
    static Path notVideo;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisKeys keys;

    @Autowired
    ClipflowProperties properties;

    @Autowired
    VideoService videos;

    @Autowired
    TaskTracker tasks;

    @Autowired
    ProducerTemplate camel;

    ApiClient alice;

    @BeforeAll
    static void generateClips() throws Exception {
        hd = Clips.generate(clips, "hd.mp4", 1280, 720, 3, true);
        small = Clips.generate(clips, "small.mp4", 640, 360, 2, true);
        silent = Clips.generate(clips, "silent.mp4", 854, 480, 2, false);
        notVideo = Clips.textFile(clips, "notes.mp4");
    }

    @BeforeEach
    void signIn() {
        alice = newUser(Role.USER);
    }

    @Test
    void uploaded720pClipEndsReadyWithThreeRenditionsThatFfprobeCanPlay() throws Exception {
        ApiClient.Reply reply = alice.upload(hd, "holiday.mp4", "Holiday");
        assertThat(reply.status()).isEqualTo(202);
        long id = reply.json().path("video").path("id").asLong();
        String taskId = reply.json().path("task_id").asText();
        // read right after publishing: a fast worker may already have started it
        assertThat(reply.json().path("video").path("status").asText()).isIn("QUEUED", "PROCESSING");
        assertThat(UUID.fromString(taskId)).isNotNull();

        JsonNode video = alice.awaitVideo(id, PROCESSING, "READY", "FAILED");
        assertThat(video.path("status").asText()).as(video.toString()).isEqualTo("READY");
        assertThat(video.path("title").asText()).isEqualTo("Holiday");
        assertThat(video.path("width").asInt()).isEqualTo(1280);
        assertThat(video.path("height").asInt()).isEqualTo(720);
        assertThat(video.path("duration_seconds").asDouble()).isBetween(2.9, 3.2);
        assertThat(video.path("size_bytes").asLong()).isEqualTo(Files.size(hd));
        assertThat(names(video.path("renditions"))).containsExactly("720p", "480p", "360p");
        assertThat(video.path("renditions").get(1).path("width").asInt()).isEqualTo(854);
        assertThat(video.path("renditions").get(2).path("height").asInt()).isEqualTo(360);
        assertThat(video.path("error").isNull()).isTrue();

        String hlsUrl = video.path("hls_url").asText();
        assertThat(alice.getUrl(hlsUrl).contentType()).startsWith("application/vnd.apple.mpegurl");
        assertThat(ffprobeHeights(hlsUrl)).contains(720, 480, 360);
        ApiClient.Reply thumb = alice.getUrl(video.path("thumbnail_url").asText());
        assertThat(thumb.status()).isEqualTo(200);
        assertThat(thumb.contentType()).isEqualTo("image/jpeg");

        Path hls = properties.mediaDir().resolve(id + "/hls");
        for (String rung : List.of("720p", "480p", "360p")) {
            String playlist = Files.readString(hls.resolve(rung + "/index.m3u8"));
            assertThat(playlist).contains("#EXT-X-ENDLIST");
            assertThat(playlist.lines().filter(l -> l.endsWith(".ts")).count()).isGreaterThanOrEqualTo(1);
        }

        Video row = videos.get(id);
        assertThatVideo(row).isReadyWith(3);
        assertThat(row.getVideoCodec()).isEqualTo("h264");
        assertThat(row.getAudioCodec()).isEqualTo("aac");
        assertThat(tasks.find(taskId).orElseThrow()).satisfies(task -> {
            assertThat(task.getState()).isEqualTo(TaskState.SUCCESS);
            // the upload's message names its owner, so the worker records STARTED on the row at once
            assertThat(task.getStartedAt()).isNotNull();
            assertThat(task.getOwnerId()).isEqualTo(alice.userId());
        });

        String stored = redis.opsForValue().get(keys.result(taskId));
        JsonNode meta = new ObjectMapper().readTree(stored);
        // Celery's own key order: the five core keys, the result_extended ones, task_id last
        assertThat(fieldNames(meta))
                .startsWith("status", "result", "traceback", "children", "date_done")
                .endsWith("task_id")
                .contains("name", "args", "kwargs", "worker", "retries", "queue");
        assertThat(meta.path("status").asText()).isEqualTo("SUCCESS");
        assertThat(meta.path("result").path("video_id").asLong()).isEqualTo(id);
        assertThat(meta.path("name").asText()).isEqualTo("videos.tasks.process_video");
        assertThat(meta.path("queue").asText()).isEqualTo("video");
        assertThat(stored).contains("\"status\": \"SUCCESS\", \"result\": {");
        assertThat(redis.getExpire(keys.result(taskId))).isBetween(86_000L, 86_400L);
        assertThat(redis.opsForList().size(keys.processing(properties.nodeName())))
                .isZero();

        JsonNode task = alice.get("/api/tasks/" + taskId).json();
        assertThat(task.path("state").asText()).isEqualTo("SUCCESS");
        assertThat(task.path("result").path("status").asText()).isEqualTo("READY");
        assertThat(task.path("date_done").asText()).isNotBlank();
    }

    @Test
    void sourceSmallerThan480pGetsOnly360p() {
        long id = alice.upload(small).json().path("video").path("id").asLong();
        JsonNode video = alice.awaitVideo(id, PROCESSING, "READY", "FAILED");
        assertThat(video.path("status").asText()).as(video.toString()).isEqualTo("READY");
        assertThat(names(video.path("renditions"))).containsExactly("360p");
        assertThat(properties.mediaDir().resolve(id + "/hls/480p")).doesNotExist();
    }

    @Test
    void clipWithoutAudioEndsReady() throws Exception {
        long id = alice.upload(silent).json().path("video").path("id").asLong();
        JsonNode video = alice.awaitVideo(id, PROCESSING, "READY", "FAILED");
        assertThat(video.path("status").asText()).as(video.toString()).isEqualTo("READY");
        assertThat(names(video.path("renditions"))).containsExactly("480p", "360p");
        assertThat(videos.get(id).getAudioCodec()).isNull();
        assertThat(ffprobeHeights(video.path("hls_url").asText())).contains(480, 360);
    }

    @Test
    void textFileRenamedMp4EndsFailedWithAReasonAndTheWorkerGoesOn() {
        ApiClient.Reply bad = alice.upload(notVideo, "movie.mp4", null);
        assertThat(bad.status()).isEqualTo(202);
        long badId = bad.json().path("video").path("id").asLong();
        String badTask = bad.json().path("task_id").asText();
        long goodId = alice.upload(small).json().path("video").path("id").asLong();

        JsonNode failed = alice.awaitVideo(badId, PROCESSING, "FAILED", "READY");
        assertThat(failed.path("status").asText()).isEqualTo("FAILED");
        assertThat(failed.path("error").asText()).startsWith("not a video");
        assertThat(failed.path("hls_url").isNull()).isTrue();
        JsonNode task = alice.awaitTask(badTask, PROCESSING, "FAILURE");
        assertThat(task.path("result").path("exc_type").asText()).isEqualTo("NotAVideoException");
        assertThat(task.path("info").path("exc_message").toString()).contains("not a video");
        assertThat(tasks.find(badTask).orElseThrow().getError()).startsWith("not a video");

        assertThat(alice.awaitVideo(goodId, PROCESSING, "READY", "FAILED")
                        .path("status")
                        .asText())
                .isEqualTo("READY");
    }

    @Test
    void secondTaskForAVideoWhoseLockIsHeldIsSkippedAndLeavesTheLockAlone() {
        long id = alice.upload(small).json().path("video").path("id").asLong();
        alice.awaitVideo(id, PROCESSING, "READY", "FAILED");
        String lock = keys.lock("video", Long.toString(id));
        redis.opsForValue().set(lock, "other-task@other-node#x", Duration.ofMinutes(1));
        redis.opsForValue().set(keys.node("other-node"), "alive", Duration.ofMinutes(1));
        try {
            String taskId = camel.requestBody("celery:video", processVideo(id), String.class);
            JsonNode result = awaitAdminTask(taskId);
            assertThat(result.path("state").asText()).isEqualTo("SUCCESS");
            assertThat(result.path("result").path("skipped").asBoolean()).isTrue();
            assertThat(result.path("result").path("reason").asText()).contains("other-task@other-node");
            assertThat(tasks.find(taskId).orElseThrow().getState()).isEqualTo(TaskState.SKIPPED);
            assertThat(redis.opsForValue().get(lock)).isEqualTo("other-task@other-node#x");
            assertThat(videos.get(id).getStatus()).isEqualTo(VideoStatus.READY);
        } finally {
            redis.delete(lock);
        }
    }

    @Test
    void sameVideoEnqueuedTwiceWhileTheFirstRunHoldsTheLockIsProcessedOnce() {
        ApiClient.Reply reply = alice.upload(hd);
        long id = reply.json().path("video").path("id").asLong();
        String first = reply.json().path("task_id").asText();
        alice.awaitVideo(id, PROCESSING, "PROCESSING", "READY", "FAILED");
        String second = camel.requestBody("celery:video", processVideo(id), String.class);

        JsonNode secondResult = awaitAdminTask(second);
        JsonNode firstResult = alice.awaitTask(first, PROCESSING, "SUCCESS", "FAILURE");
        assertThat(firstResult.path("state").asText()).isEqualTo("SUCCESS");
        assertThat(firstResult.path("result").path("skipped").isMissingNode()).isTrue();
        assertThat(secondResult.path("result").path("skipped").asBoolean()).isTrue();
        assertThat(secondResult.path("result").path("reason").asText()).contains(first);
        assertThat(tasks.find(second).orElseThrow().getState()).isEqualTo(TaskState.SKIPPED);
        assertThat(alice.awaitVideo(id, PROCESSING, "READY").path("renditions")).hasSize(3);
        assertThat(redis.hasKey(keys.lock("video", Long.toString(id)))).isFalse();
    }

    TaskCall processVideo(long id) {
        return new TaskCall(null, "videos.tasks.process_video", List.of(id), Map.of(), TaskOptions.none());
    }

    JsonNode awaitAdminTask(String taskId) {
        return adminClient().awaitTask(taskId, PROCESSING, "SUCCESS", "FAILURE");
    }

    private ApiClient admin;

    ApiClient adminClient() {
        if (admin == null) {
            admin = newUser(Role.ADMIN);
        }
        return admin;
    }

    static List<String> names(JsonNode renditions) {
        List<String> names = new ArrayList<>();
        renditions.forEach(r -> names.add(r.path("name").asText()));
        return names;
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    static List<Integer> ffprobeHeights(String url) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(
                        "ffprobe", "-v", "error", "-show_entries", "stream=height", "-of", "csv=p=0", url)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out.lines()
                .map(String::trim)
                .filter(l -> l.matches("\\d+"))
                .map(Integer::valueOf)
                .toList();
    }
}
