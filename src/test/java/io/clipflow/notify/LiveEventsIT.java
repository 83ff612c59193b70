package io.clipflow.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipflow.config.RedisKeys;
import io.clipflow.security.Role;
import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.Clips;
import io.clipflow.testsupport.EventClient;
import io.clipflow.testsupport.IntegrationTestBase;
import io.clipflow.testsupport.SseClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Live events end to end: real uploads through FFmpeg, real Redis pub/sub, real WebSocket and SSE clients on the
 * app's port.
 */
class LiveEventsIT extends IntegrationTestBase {

    static final Duration PROCESSING = Duration.ofSeconds(90);
    static final Duration SOON = Duration.ofSeconds(10);

    @TempDir
    static Path clips;

    /** 1280x720, 3 s: its ladder runs about a second, long enough for several progress events. */
    static Path hd;

    static Path tiny;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisKeys keys;

    @Autowired
    EventHub hub;

    ApiClient alice;
    ApiClient bob;

    @BeforeAll
    static void generateClips() {
        hd = Clips.generate(clips, "hd.mp4", 1280, 720, 3, true);
        tiny = Clips.generate(clips, "tiny.mp4", 320, 240, 2, true);
    }

    @BeforeEach
    void signIn() {
        alice = newUser(Role.USER);
        bob = newUser(Role.USER);
    }

    @Test
    void videoSocketGetsConnectedThenMonotonicProgressThenDoneDuringARealTranscode() {
        try (EventClient everything = EventClient.connect(ws("/ws/users/me"), alice.token())) {
            awaitLive(everything, "user." + alice.userId());
            ApiClient.Reply reply = alice.upload(hd);
            long id = reply.json().path("video").path("id").asLong();
            String taskId = reply.json().path("task_id").asText();
            try (EventClient video = EventClient.connect(ws("/ws/videos/" + id), alice.token())) {
                JsonNode done = video.awaitType("done", PROCESSING);

                List<JsonNode> seen = video.messages();
                assertThat(seen.get(0).path("type").asText()).isEqualTo("connected");
                assertThat(seen.get(0).path("channel").asText()).isEqualTo("video." + id);
                List<String> types =
                        seen.stream().map(m -> m.path("type").asText()).toList();
                assertThat(types.indexOf("done")).isEqualTo(types.size() - 1);
                List<Double> progress = video.messages("progress").stream()
                        .map(m -> m.path("progress").asDouble())
                        .toList();
                assertThat(progress).as("progress events %s", types).hasSizeGreaterThanOrEqualTo(3);
                assertThat(progress).isSorted();
                assertThat(progress.get(progress.size() - 1)).isEqualTo(100.0);
                assertThat(progress.get(0)).isLessThan(100.0);
                JsonNode last = video.messages("progress").get(progress.size() - 1);
                assertThat(last.path("stage").asText()).isEqualTo("transcode");
                assertThat(last.path("current").asDouble())
                        .isEqualTo(last.path("total").asDouble());
                assertThat(last.path("total").asDouble()).isBetween(2.9, 3.2);
                assertThat(last.path("video_id").asLong()).isEqualTo(id);
                assertThat(Instant.parse(last.path("timestamp").asText())).isNotNull();

                assertThat(done.path("result").path("status").asText()).isEqualTo("READY");
                assertThat(done.path("result").path("video_id").asLong()).isEqualTo(id);
                assertThat(done.path("result").path("renditions").toString()).contains("720p", "480p", "360p");
                assertThat(done.path("metadata").path("latency_ms").asLong()).isPositive();
                assertThat(done.path("task_id").asText()).isEqualTo(taskId);
            }

            everything.await(
                    m -> m.path("type").asText().equals("done")
                            && m.path("video_id").asLong() == id,
                    SOON);
            List<JsonNode> all = everything.messages().stream()
                    .filter(m -> m.path("video_id").asLong() == id)
                    .toList();
            List<String> stages = all.stream()
                    .filter(m -> m.path("type").asText().equals("stage_update"))
                    .map(m -> m.path("stage").asText())
                    .toList();
            assertThat(stages).containsExactly("queued", "probe", "thumbnail", "transcode");
            List<String> order = all.stream()
                    .map(m -> m.path("type").asText()
                            + (m.has("stage") ? ":" + m.path("stage").asText() : ""))
                    .distinct()
                    .toList();
            assertThat(order)
                    .containsExactly(
                            "stage_update:queued",
                            "stage_update:probe",
                            "stage_update:thumbnail",
                            "stage_update:transcode",
                            "progress:transcode",
                            "done");
            assertIdsIncrease(all);
        }
    }

    @Test
    void aFileThatIsNotAVideoEndsWithAnErrorEvent() {
        try (EventClient everything = EventClient.connect(ws("/ws/users/me"), alice.token())) {
            awaitLive(everything, "user." + alice.userId());
            Path notVideo = Clips.textFile(clips, "notes-" + UUID.randomUUID() + ".mp4");
            long id = alice.upload(notVideo, "movie.mp4", null)
                    .json()
                    .path("video")
                    .path("id")
                    .asLong();

            JsonNode error = everything.await(
                    m -> m.path("type").asText().equals("error")
                            && m.path("video_id").asLong() == id,
                    PROCESSING);
            assertThat(error.path("error").asText()).startsWith("not a video");
            assertThat(error.path("status").asText()).isEqualTo("FAILED");
            assertThat(error.path("retry_count").asInt()).isZero();
            assertThat(everything.messages().stream()
                            .filter(m -> m.path("video_id").asLong() == id)
                            .map(m -> m.path("type").asText()))
                    .doesNotContain("done", "progress");
        }
    }

    @Test
    void lateJoinReplaysTheLatestStateAndPingGetsPong() {
        ApiClient.Reply reply = alice.upload(tiny);
        long id = reply.json().path("video").path("id").asLong();
        String taskId = reply.json().path("task_id").asText();
        alice.awaitVideo(id, PROCESSING, "READY", "FAILED");

        try (EventClient video = EventClient.connect(ws("/ws/videos/" + id), alice.token());
                EventClient task = EventClient.connect(ws("/ws/tasks/" + taskId), alice.token())) {
            JsonNode done = video.awaitType("done", SOON);
            assertThat(video.messages().get(0).path("type").asText()).isEqualTo("connected");
            assertThat(done.path("result").path("status").asText()).isEqualTo("READY");
            assertThat(done.path("id").asText()).matches("\\d+-\\d+");
            assertThat(task.awaitType("done", SOON).path("task_id").asText()).isEqualTo(taskId);
            assertThat(task.messages().get(0).path("channel").asText()).isEqualTo("task." + taskId);

            video.send("{\"type\":\"ping\",\"timestamp\":42}");
            JsonNode pong = video.awaitType("pong", SOON);
            assertThat(pong.path("timestamp").asInt()).isEqualTo(42);
            assertThat(video.messages()).hasSize(3);
        }
    }

    @Test
    void otherUsersAndAnonymousClientsAreRefused() {
        ApiClient.Reply reply = alice.upload(tiny);
        long id = reply.json().path("video").path("id").asLong();
        String taskId = reply.json().path("task_id").asText();

        for (String path :
                List.of("/ws/videos/" + id, "/ws/tasks/" + taskId, "/ws/videos/987654321", "/ws/projects/7/")) {
            try (EventClient foreign = EventClient.connect(ws(path), bob.token())) {
                assertThat(foreign.awaitClose(SOON)).as(path).isEqualTo(1008);
                assertThat(foreign.messages()).as(path).isEmpty();
            }
        }
        assertThatThrownBy(() -> EventClient.connect(ws("/ws/users/me"), null))
                .isInstanceOfSatisfying(EventClient.HandshakeRefused.class, e -> assertThat(e.status())
                        .isEqualTo(401));
        assertThatThrownBy(() -> EventClient.connect(ws("/ws/users/me"), "cf_not-a-token"))
                .isInstanceOfSatisfying(EventClient.HandshakeRefused.class, e -> assertThat(e.status())
                        .isEqualTo(401));

        try (SseClient foreign = SseClient.open(sse("video." + id), bob.token(), null);
                SseClient anonymous = SseClient.open(sse("video." + id), null, null);
                SseClient userOfOther = SseClient.open(sse("user." + alice.userId()), bob.token(), null)) {
            assertThat(foreign.status()).isEqualTo(404);
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(userOfOther.status()).isEqualTo(404);
        }

        ApiClient admin = newUser(Role.ADMIN);
        try (EventClient allowed = EventClient.connect(ws("/ws/videos/" + id), admin.token())) {
            assertThat(allowed.awaitType("connected", SOON).path("channel").asText())
                    .isEqualTo("video." + id);
        }
    }

    @Test
    void aTicketOpensOneConnectionOnce() {
        String ticket =
                alice.postJson("/api/ws-tickets", "{}").json().path("ticket").asText();
        try (EventClient browser = EventClient.connect(ws("/ws/users/me?ticket=" + ticket), null)) {
            assertThat(browser.awaitType("connected", SOON).path("channel").asText())
                    .isEqualTo("user." + alice.userId());
        }
        assertThatThrownBy(() -> EventClient.connect(ws("/ws/users/me?ticket=" + ticket), null))
                .isInstanceOfSatisfying(EventClient.HandshakeRefused.class, e -> assertThat(e.status())
                        .isEqualTo(401));

        String sseTicket =
                alice.postJson("/api/ws-tickets", "{}").json().path("ticket").asText();
        try (SseClient stream = SseClient.open(sse("user." + alice.userId()) + "&ticket=" + sseTicket, null, null)) {
            assertThat(stream.status()).isEqualTo(200);
        }
        assertThat(anonymous().postJson("/api/ws-tickets", "{}").status()).isEqualTo(401);
    }

    @Test
    void sseDeliversTheSameEventsAsTheWebSocketAndResumesAfterLastEventId() {
        String topic = "user." + alice.userId();
        try (EventClient socket = EventClient.connect(ws("/ws/users/me"), alice.token());
                SseClient stream = SseClient.open(sse(topic), alice.token(), null)) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.contentType()).startsWith("text/event-stream");
            awaitLive(socket, topic);
            stream.await(e -> e.data().path("type").asText().equals("probe"), SOON);

            long id = alice.upload(tiny).json().path("video").path("id").asLong();
            socket.await(
                    m -> m.path("type").asText().equals("done")
                            && m.path("video_id").asLong() == id,
                    PROCESSING);
            stream.await(e -> e.data().path("type").asText().equals("done"), SOON);

            List<JsonNode> viaSocket = socket.messages().stream()
                    .filter(m -> m.path("video_id").asLong() == id)
                    .toList();
            List<JsonNode> viaSse = stream.events().stream()
                    .filter(e -> e.data().path("video_id").asLong() == id)
                    .peek(e -> assertThat(e.id()).isEqualTo(e.data().path("id").asText()))
                    .map(SseClient.SseEvent::data)
                    .toList();
            assertThat(viaSse).isEqualTo(viaSocket);
            assertThat(viaSse.size()).isGreaterThanOrEqualTo(6);
            assertThat(stream.events().get(0).data().path("type").asText()).isEqualTo("connected");
            // heartbeat is 500 ms in tests
            Awaitility.await().atMost(SOON).until(() -> stream.comments() > 0);

            String resumeAfter = viaSse.get(1).path("id").asText();
            try (SseClient resumed = SseClient.open(sse(topic), alice.token(), resumeAfter)) {
                resumed.await(e -> e.data().path("type").asText().equals("done"), SOON);
                List<JsonNode> replayed = resumed.events().stream()
                        .filter(e -> e.data().path("video_id").asLong() == id)
                        .map(SseClient.SseEvent::data)
                        .toList();
                assertThat(replayed).isEqualTo(viaSse.subList(2, viaSse.size()));
            }
        }
    }

    @Test
    void aClientThatNeverReadsIsClosedAndStallsNeitherOthersNorTheWorker() {
        String topic = "user." + alice.userId();
        try (EventClient stuck = EventClient.connect(ws("/ws/users/me"), alice.token(), false);
                EventClient reader = EventClient.connect(ws("/ws/users/me"), alice.token())) {
            awaitLive(reader, topic);
            assertThat(hub.subscribers(topic)).isEqualTo(2);

            // 16 MB, far more than socket buffers and the 512 KB send limit hold for the stuck client; in batches the
            // reader keeps up with, so only the stuck client's sends back up
            String pad = "x".repeat(4096);
            int batches = 40;
            int batch = 100;
            for (int b = 0; b < batches; b++) {
                for (int i = 0; i < batch; i++) {
                    redis.convertAndSend(
                            keys.events(topic), "{\"type\":\"token\",\"n\":" + i + ",\"pad\":\"" + pad + "\"}");
                }
                int expected = (b + 1) * batch;
                Awaitility.await()
                        .atMost(SOON)
                        .until(() -> reader.messages("token").size() == expected);
            }
            int flood = batches * batch;
            long id = alice.upload(tiny).json().path("video").path("id").asLong();

            JsonNode done = reader.await(
                    m -> m.path("type").asText().equals("done")
                            && m.path("video_id").asLong() == id,
                    PROCESSING);
            assertThat(reader.messages("token")).hasSize(flood);
            assertThat(done.path("result").path("status").asText()).isEqualTo("READY");
            Awaitility.await().atMost(SOON).until(() -> hub.subscribers(topic) == 1);
            assertThat(reader.isClosed()).isFalse();
        }
    }

    @Test
    void aDeadConnectionIsClosedAfterTheIdleTimeout() {
        ApiClient carol = newUser(Role.USER);
        String topic = "user." + carol.userId();
        try (EventClient dead = EventClient.connect(ws("/ws/users/me"), carol.token(), false);
                EventClient alive = EventClient.connect(ws("/ws/users/me"), carol.token())) {
            Awaitility.await().atMost(SOON).until(() -> hub.subscribers(topic) == 2);
            // idle-timeout is 3 s in tests; the live client answers the server's pings, the dead one cannot
            Awaitility.await().atMost(SOON).until(() -> hub.subscribers(topic) == 1);
            alive.send("{\"type\":\"ping\"}");
            alive.awaitType("pong", SOON);
        }
    }

    /** Publishes probes on the topic until the client gets one: the node's PSUBSCRIBE is live. */
    private void awaitLive(EventClient client, String topic) {
        client.awaitType("connected", SOON);
        String probe = "{\"type\":\"probe\",\"n\":\"" + UUID.randomUUID() + "\"}";
        Awaitility.await().atMost(SOON).pollInterval(Duration.ofMillis(100)).until(() -> {
            redis.convertAndSend(keys.events(topic), probe);
            return !client.messages("probe").isEmpty();
        });
    }

    private static void assertIdsIncrease(List<JsonNode> events) {
        List<String> ids = new ArrayList<>();
        events.forEach(e -> ids.add(e.path("id").asText()));
        for (int i = 1; i < ids.size(); i++) {
            assertThat(Event.compareIds(ids.get(i - 1), ids.get(i)))
                    .as("ids %s", ids)
                    .isNegative();
        }
    }

    private String ws(String path) {
        return "ws://127.0.0.1:" + port + path;
    }

    private String sse(String topic) {
        return "http://127.0.0.1:" + port + "/api/events?topic=" + topic;
    }
}
