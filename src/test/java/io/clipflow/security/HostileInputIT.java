package io.clipflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.clipflow.config.ClipflowProperties;
import io.clipflow.config.RedisKeys;
import io.clipflow.storage.MediaStore;
import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.ApiClient.Reply;
import io.clipflow.testsupport.Clips;
import io.clipflow.testsupport.IntegrationTestBase;
import io.clipflow.testsupport.PageClient;
import io.clipflow.testsupport.PidboxClient;
import io.clipflow.video.UploadedFile;
import io.clipflow.video.VideoService;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The hostile-input table: each row is a request an attacker or a broken client might send, the status it must get,
 * and what must (not) have changed afterwards. Rows run in order against one app with small limits; afterwards a
 * normal upload must still go to READY and no file may exist outside the media layout.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputIT extends IntegrationTestBase {

    private static final KeyPair SSO_KEY = rsa();
    private static final KeyPair OTHER_KEY = rsa();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One row: what is sent, which statuses are right, what must hold afterwards. */
    record Case(String name, Supplier<Reply> request, Set<Integer> status, Consumer<Reply> after) {}

    @DynamicPropertySource
    static void hostileLimits(DynamicPropertyRegistry registry) throws IOException {
        Path key = Files.createTempFile("clipflow-sso-", ".pem");
        Files.writeString(key, pem(SSO_KEY.getPublic()));
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location", () -> "file:" + key);
        registry.add("clipflow.upload.max-size", () -> "2MB");
        registry.add("clipflow.upload.max-pending-videos", () -> "5");
        registry.add("clipflow.rate-limits.upload-burst", () -> "3");
        registry.add("clipflow.rate-limits.upload-every", () -> "1h");
        registry.add("clipflow.media.limits.max-duration", () -> "20s");
        registry.add("clipflow.media.limits.max-frame-rate", () -> "60");
        registry.add("clipflow.media.limits.max-streams", () -> "4");
        registry.add("clipflow.security.cors-allowed-origins", () -> "https://app.example");
        registry.add("clipflow.api.max-json-size", () -> "16KB");
        // the remote-control table sends ~130 commands within a second or two (each row reads the settings thrice)
        registry.add("clipflow.celery.control.max-rate", () -> "1000");
    }

    @TempDir
    static Path dir;

    @Autowired
    ClipflowProperties clipflow;

    @Autowired
    MediaStore store;

    @Autowired
    VideoService videoService;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TicketService tickets;

    @Autowired
    RateLimiter limiter;

    @Autowired
    io.clipflow.queue.CeleryWorkerProperties celery;

    @Autowired
    org.springframework.data.redis.connection.RedisConnectionFactory connections;

    @Autowired
    StringRedisTemplate redisTemplate;

    @Autowired
    RedisKeys keys;

    static int rows;

    @TestFactory
    @Order(1)
    Stream<DynamicTest> hostileRequests() throws Exception {
        ApiClient alice = newUser(Role.USER);
        ApiClient bob = newUser(Role.USER);
        ApiClient admin = newUser(Role.ADMIN);

        Reply aliceUpload = alice.upload(Clips.generate(dir, "ok.mp4", 160, 120, 1, true));
        long aliceVideo = aliceUpload.json().path("video").path("id").asLong();
        String aliceTask = aliceUpload.json().path("task_id").asText();
        JsonNode ready = alice.awaitVideo(aliceVideo, Duration.ofSeconds(90), "READY", "FAILED");
        assertThat(ready.path("status").asText()).as(ready.toString()).isEqualTo("READY");
        String thumb = ready.path("thumbnail_url").asText();
        String master = ready.path("hls_url").asText();
        String signedBase = master.substring(0, master.indexOf("/hls/master.m3u8"));

        Path canary = Clips.generate(dir, "canary.mp4", 64, 64, 1, false);
        // alice also owns a dead letter (a final failure) and a group
        String aliceFailedTask = alice.upload(Clips.textFile(dir, "notes.mp4"))
                .json()
                .path("task_id")
                .asText();
        alice.awaitTask(aliceFailedTask, Duration.ofSeconds(60), "FAILURE");
        String aliceDeadLetter = deadLetterId(alice, aliceFailedTask);
        String aliceGroup = alice.postJson("/api/groups", "{\"tasks\": [{\"task\": \"clipflow.noop\", \"args\": [1]}]}")
                .json()
                .path("group_id")
                .asText();
        List<Case> table = new ArrayList<>();

        // ---- identity: tokens, roles, SSO ----
        table.add(new Case("no token", () -> anonymous().get("/api/videos"), Set.of(401), r -> {}));
        table.add(new Case(
                "forged token", () -> client("cf_" + "A".repeat(43)).get("/api/videos"), Set.of(401), r -> {}));
        table.add(new Case(
                "basic auth instead of a bearer token",
                () -> anonymous()
                        .send(anonymous()
                                .request("/api/videos")
                                .header("Authorization", "Basic YWRtaW46YWRtaW4=")
                                .GET()),
                Set.of(401),
                r -> {}));
        table.add(new Case(
                "bearer token larger than any header may be",
                () -> client("x".repeat(9000)).get("/api/videos"),
                Set.of(400, 401),
                r -> {}));
        table.add(new Case(
                "long but header-sized bearer token",
                () -> client("x".repeat(4000)).get("/api/videos"),
                Set.of(401),
                r -> {}));
        String[] revoked = new String[1];
        table.add(new Case(
                "revoked token",
                () -> {
                    Reply issued = bob.postJson("/api/tokens", "{\"name\":\"laptop\"}");
                    revoked[0] = issued.json().path("token").asText();
                    assertThat(client(revoked[0]).get("/api/videos").status()).isEqualTo(200);
                    assertThat(bob.delete("/api/tokens/"
                                            + issued.json().path("token_id").asLong())
                                    .status())
                            .isEqualTo(204);
                    return client(revoked[0]).get("/api/videos");
                },
                Set.of(401),
                r -> assertThat(bob.get("/api/tokens").body()).doesNotContain(revoked[0])));
        table.add(new Case(
                "revoking another user's token",
                () -> {
                    long bobToken = bob.postJson("/api/tokens", "{}")
                            .json()
                            .path("token_id")
                            .asLong();
                    return alice.delete("/api/tokens/" + bobToken);
                },
                Set.of(404),
                r -> assertThat(bob.get("/api/videos").status()).isEqualTo(200)));
        table.add(new Case(
                "user creates a user",
                () -> alice.postJson("/api/users", "{\"username\":\"mallory\"}"),
                Set.of(403),
                r -> {
                    assertThat(tokens.findUser("mallory")).isEmpty();
                }));
        table.add(new Case(
                "user issues a token for another user",
                () -> alice.postJson("/api/users/" + bob.userId() + "/tokens", "{}"),
                Set.of(403),
                r -> {}));
        table.add(new Case("user reads metrics", () -> alice.get("/actuator/metrics"), Set.of(403), r -> {}));
        table.add(new Case("user calls ops", () -> alice.postJson("/api/ops/purge", "{}"), Set.of(403), r -> {}));
        table.add(new Case(
                "admin creates a user twice",
                () -> {
                    assertThat(admin.postJson("/api/users", "{\"username\":\"dup-" + port + "\"}")
                                    .status())
                            .isEqualTo(201);
                    return admin.postJson("/api/users", "{\"username\":\"dup-" + port + "\"}");
                },
                Set.of(409),
                r -> {}));
        table.add(new Case(
                "admin issues a token for no such user",
                () -> admin.postJson("/api/users/987654321/tokens", "{}"),
                Set.of(404),
                r -> {}));
        table.add(new Case(
                "SSO user with a valid JWT",
                () -> client(jwt(SSO_KEY, "sso-subject-1", "erin", List.of("viewer"), 300))
                        .get("/api/videos"),
                Set.of(200),
                r -> assertThat(tokens.findUser("erin"))
                        .get()
                        .extracting(ClipflowUser::role)
                        .isEqualTo(Role.USER)));
        table.add(new Case(
                "SSO user with the admin role creates a user",
                () -> client(jwt(SSO_KEY, "sso-subject-2", "frank", List.of("admin"), 300))
                        .postJson("/api/users", "{\"username\":\"grace-" + port + "\"}"),
                Set.of(201),
                r -> {}));
        table.add(new Case(
                "SSO name that clashes with a local admin does not take it over",
                () -> client(jwt(SSO_KEY, "sso-subject-3", "admin", List.of(), 300))
                        .postJson("/api/users", "{}"),
                Set.of(403),
                r -> assertThat(tokens.findUser("admin").map(ClipflowUser::role))
                        .contains(Role.ADMIN)));
        table.add(new Case(
                "expired JWT",
                () -> client(jwt(SSO_KEY, "sso-subject-1", "erin", List.of(), -600))
                        .get("/api/videos"),
                Set.of(401),
                r -> {}));
        table.add(new Case(
                "JWT signed with another key",
                () -> client(jwt(OTHER_KEY, "sso-subject-1", "erin", List.of("admin"), 300))
                        .get("/api/videos"),
                Set.of(401),
                r -> {}));
        table.add(new Case(
                "unsigned JWT (alg none)",
                () -> client(unsignedJwt("sso-subject-1")).get("/api/videos"),
                Set.of(401),
                r -> {}));

        table.add(new Case(
                "ws ticket without a token",
                () -> anonymous().postJson("/api/ws-tickets", "{}"),
                Set.of(401),
                r -> {}));
        table.add(
                new Case("ws ticket redeemed twice", () -> alice.postJson("/api/ws-tickets", "{}"), Set.of(201), r -> {
                    String ticket = r.json().path("ticket").asText();
                    assertThat(tickets.consume(ticket).map(ClipflowUser::id)).contains(alice.userId());
                    assertThat(tickets.consume(ticket)).isEmpty();
                    assertThat(tickets.consume(ticket.substring(0, ticket.length() - 1) + "A"))
                            .isEmpty();
                }));

        // ---- ownership: another user's things are 404 ----
        table.add(new Case("another user's video", () -> bob.get("/api/videos/" + aliceVideo), Set.of(404), r -> {}));
        table.add(new Case(
                "deleting another user's video",
                () -> bob.delete("/api/videos/" + aliceVideo),
                Set.of(404),
                r -> assertThat(alice.get("/api/videos/" + aliceVideo)
                                .json()
                                .path("status")
                                .asText())
                        .isEqualTo("READY")));
        table.add(new Case("another user's task", () -> bob.get("/api/tasks/" + aliceTask), Set.of(404), r -> {}));
        table.add(new Case(
                "revoking another user's task",
                () -> bob.postJson("/api/tasks/" + aliceTask + "/revoke", "{\"terminate\": true}"),
                Set.of(404),
                r -> assertThat(alice.get("/api/tasks/" + aliceTask)
                                .json()
                                .path("state")
                                .asText())
                        .isEqualTo("SUCCESS")));
        table.add(new Case("another user's dead letters", () -> bob.get("/api/dead-letters"), Set.of(200), r -> {
            assertThat(r.json().path("items").toString()).doesNotContain(aliceFailedTask);
            assertThat(deadLetterId(alice, aliceFailedTask)).isEqualTo(aliceDeadLetter);
        }));
        table.add(new Case(
                "replaying another user's dead letter",
                () -> bob.postJson("/api/dead-letters/" + aliceDeadLetter + "/replay", ""),
                Set.of(404),
                r -> assertThat(deadLetterId(alice, aliceFailedTask)).isEqualTo(aliceDeadLetter)));
        table.add(new Case(
                "deleting another user's dead letter",
                () -> bob.delete("/api/dead-letters/" + aliceDeadLetter),
                Set.of(404),
                r -> assertThat(deadLetterId(alice, aliceFailedTask)).isEqualTo(aliceDeadLetter)));
        table.add(new Case("another user's group", () -> bob.get("/api/groups/" + aliceGroup), Set.of(404), r -> {}));
        for (String topic :
                List.of("video." + aliceVideo, "task." + aliceTask, "user." + alice.userId(), "project.7")) {
            table.add(new Case(
                    "another user's event stream " + topic.replaceAll("\\..*", ""),
                    () -> bob.get("/api/events?topic=" + topic),
                    Set.of(404),
                    r -> {}));
        }
        for (String path : List.of(
                "/ws/videos/" + aliceVideo,
                "/ws/tasks/" + aliceTask,
                "/ws/projects/7/",
                "/ws/projects/7/stage/transcode/")) {
            table.add(new Case(
                    "another user's WebSocket " + path.replaceAll("/[^/]*[0-9][^/]*", "/…"),
                    () -> webSocketClose(bob, path),
                    Set.of(1008),
                    r -> {}));
        }
        table.add(new Case(
                "SSO user reads another user's video",
                () -> client(jwt(SSO_KEY, "sso-subject-1", "erin", List.of(), 300))
                        .get("/api/videos/" + aliceVideo),
                Set.of(404),
                r -> {}));
        table.add(new Case("another user's video list", () -> bob.get("/api/videos"), Set.of(200), r -> assertThat(
                        r.json().path("items").toString())
                .doesNotContain("\"id\":" + aliceVideo + ",")));
        table.add(new Case(
                "submitting work on another user's video",
                () -> bob.postJson("/api/videos/" + aliceVideo + "/process", "{}"),
                Set.of(404, 405),
                r -> {}));

        // ---- signed media URLs ----
        table.add(new Case(
                "every playlist and segment URL in the signed master playlist",
                () -> anonymous().getUrl(master),
                Set.of(200),
                r -> everyHlsUriIsServed(master, r.body())));
        table.add(new Case(
                "signed thumbnail without any header", () -> anonymous().getUrl(thumb), Set.of(200), r -> {}));
        table.add(new Case("tampered signature", () -> anonymous().getUrl(tamper(thumb)), Set.of(403), r -> {}));
        table.add(new Case(
                "expired signature",
                () -> anonymous().getUrl(thumb.replaceFirst("/media/(\\d+)/\\d+/", "/media/$1/1000/")),
                Set.of(403),
                r -> {}));
        table.add(new Case(
                "another video's id under this signature",
                () -> anonymous().getUrl(thumb.replaceFirst("/media/\\d+/", "/media/" + (aliceVideo + 1) + "/")),
                Set.of(403),
                r -> {}));
        for (String evil : List.of(
                "original.mp4",
                "hls/../original.mp4",
                "hls/..%2f..%2foriginal.mp4",
                "..%2f..%2f..%2fetc%2fpasswd",
                "%2fetc%2fpasswd",
                "/etc/passwd",
                "hls/master.m3u8%00.jpg",
                "hls/" + "a".repeat(4000) + ".ts",
                "hls/%EF%BC%8E%EF%BC%8E%EF%BC%8Foriginal.mp4",
                "hls/%E2%80%AEgpj.ts")) {
            table.add(new Case(
                    "media path " + (evil.length() > 60 ? evil.substring(0, 60) + "…" : evil),
                    () -> anonymous().getUrl(signedBase + "/" + evil),
                    Set.of(400, 404),
                    r -> {}));
        }

        // ---- client file names never become paths ----
        for (String name : List.of(
                "../../etc/passwd",
                "..%2f..%2fevil.mp4",
                "/etc/passwd",
                "C:\\Windows\\evil.mp4",
                "nul\0byte.mp4",
                "x".repeat(5000) + ".mp4",
                "\uFF0E\uFF0E\uFF0F\uFF0E\uFF0E\uFF0Fetc\uFF0Fpasswd",
                "evil\u202Egpj.mp4")) {
            ApiClient uploader = newUser(Role.USER);
            table.add(new Case(
                    "upload named " + printable(name),
                    () -> uploader.upload(Clips.textFile(dir, "name-" + UUID.randomUUID() + ".txt"), name, null),
                    Set.of(202, 400),
                    r -> {
                        if (r.status() == 202) {
                            long id = r.json().path("video").path("id").asLong();
                            Map<String, Object> row =
                                    jdbc.queryForMap("select original_name, source_path from video where id = ?", id);
                            assertThat((String) row.get("source_path")).matches(id + "/original\\.(mp4|bin)");
                            assertThat((String) row.get("original_name"))
                                    .doesNotContain("/", "\\", "\0", "\u202E")
                                    .hasSizeLessThanOrEqualTo(200);
                        }
                    }));
        }

        // ---- size limits and interrupted uploads ----
        ApiClient sizer = newUser(Role.USER);
        table.add(new Case(
                "declared Content-Length over the limit",
                () -> raw(sizer, 50L * 1024 * 1024, 64 * 1024, false),
                Set.of(413),
                r -> assertNothingStoredFor(sizer)));
        table.add(new Case(
                "chunked upload over the limit",
                () -> chunkedUpload(sizer, 3 * 1024 * 1024),
                Set.of(413),
                r -> assertNothingStoredFor(sizer)));
        table.add(new Case(
                "upload interrupted half way",
                () -> raw(sizer, 1024 * 1024, 300 * 1024, true),
                Set.of(-1),
                r -> assertNothingStoredFor(sizer)));

        // ---- rate limits and pending caps ----
        ApiClient flooder = newUser(Role.USER);
        table.add(new Case(
                "burst of uploads over the rate limit",
                () -> {
                    Reply last = null;
                    for (int i = 0; i < 5; i++) {
                        last = flooder.upload(Clips.textFile(dir, "flood-" + i + ".mp4"));
                        if (i < 3) {
                            assertThat(last.status())
                                    .as("upload %d of the burst", i)
                                    .isEqualTo(202);
                        }
                    }
                    return last;
                },
                Set.of(429),
                r -> {
                    assertThat(Integer.parseInt(r.header("Retry-After"))).isPositive();
                    assertThat(countVideos(flooder)).isEqualTo(3);
                }));
        ApiClient busy = newUser(Role.USER);
        table.add(new Case(
                "upload with too many videos pending",
                () -> {
                    for (int i = 0; i < 5; i++) {
                        pendingVideo(busy);
                    }
                    return busy.upload(Clips.textFile(dir, "busy.mp4"));
                },
                Set.of(429),
                r -> assertThat(countVideos(busy)).isEqualTo(5)));

        // ---- content judged by ffprobe: bombs, limits, crafted playlists ----
        addFailingUpload(
                table,
                "16000x16000 decompression bomb",
                Clips.bomb(dir, "bomb.mov", 16000),
                "bomb.mp4",
                "resolution 16000x16000 exceeds 4096x4096");
        addFailingUpload(
                table,
                "video over the duration limit",
                Clips.custom(dir, "long.mp4", 5, 25, 0),
                "long.mp4",
                "duration");
        addFailingUpload(
                table,
                "video over the frame-rate limit",
                Clips.custom(dir, "fast.mp4", 240, 0.5, 0),
                "fast.mp4",
                "frame rate");
        addFailingUpload(
                table,
                "video with too many streams",
                Clips.custom(dir, "streams.mp4", 10, 0.5, 6),
                "streams.mp4",
                "streams");
        addFailingUpload(
                table,
                "HLS playlist reading /etc/passwd and a local video",
                Clips.text(
                        dir,
                        "evil.m3u8",
                        "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:1.0,\nfile:" + canary + "\n#EXTINF:1.0,\n"
                                + "file:///etc/passwd\n#EXT-X-ENDLIST\n"),
                "evil.m3u8",
                "not a video: unsupported format hls");
        addFailingUpload(
                table,
                "HLS playlist of a valid local video outside the media root",
                Clips.text(
                        dir,
                        "canary.m3u8",
                        "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:1.0,\n" + canary + "\n#EXT-X-ENDLIST\n"),
                "canary.mp4",
                "not a video: unsupported format hls");
        addFailingUpload(
                table,
                "concat list reading /etc/passwd",
                Clips.text(dir, "evil.ffconcat", "ffconcat version 1.0\nfile " + canary + "\nfile /etc/passwd\n"),
                "evil.mp4",
                "not a video: unsupported format concat");
        addFailingUpload(table, "text file named .mp4", Clips.textFile(dir, "fake.mp4"), "fake.mp4", "not a video");

        // ---- Camel headers from the outside never reach a route ----
        ApiClient headerSmuggler = newUser(Role.USER);
        table.add(new Case(
                "upload carrying CamelExec* headers",
                () -> headerSmuggler.send(headerSmuggler
                        .request("/api/videos")
                        .header("CamelExecCommandExecutable", "/bin/sh")
                        .header("CamelExecCommandArgs", "-c id")
                        .header("Content-Type", "multipart/form-data; boundary=b")
                        .POST(BodyPublishers.ofString("--b\r\nContent-Disposition: form-data; name=\"file\"; "
                                + "filename=\"h.mp4\"\r\n\r\nnot a video\r\n--b--\r\n"))),
                Set.of(202),
                r -> {
                    JsonNode v = headerSmuggler.awaitVideo(
                            r.json().path("video").path("id").asLong(), Duration.ofSeconds(60), "READY", "FAILED");
                    assertThat(v.path("error").asText()).startsWith("not a video");
                }));

        // ---- malformed requests: 400 JSON, no stack traces, no HTML, no paths ----
        table.add(
                new Case("malformed JSON", () -> admin.postJson("/api/users", "{\"username\":"), Set.of(400), r -> {}));
        table.add(new Case(
                "wrong JSON types",
                () -> admin.postJson("/api/users", "{\"username\":[1,2],\"role\":{}}"),
                Set.of(400),
                r -> {}));
        table.add(new Case(
                "number where a name belongs",
                () -> admin.postJson("/api/users", "{\"username\":42}"),
                Set.of(400),
                r -> assertThat(tokens.findUser("42")).isEmpty()));
        table.add(new Case(
                "enum given as its index",
                () -> admin.postJson("/api/users", "{\"username\":\"idx-" + port + "\",\"role\":1}"),
                Set.of(400),
                r -> assertThat(tokens.findUser("idx-" + port)).isEmpty()));
        table.add(new Case(
                "boolean token name", () -> alice.postJson("/api/tokens", "{\"name\":true}"), Set.of(400), r -> {}));
        table.add(new Case(
                "unknown enum value",
                () -> admin.postJson("/api/users", "{\"username\":\"root-" + port + "\",\"role\":\"ROOT\"}"),
                Set.of(400),
                r -> assertThat(tokens.findUser("root-" + port)).isEmpty()));
        table.add(new Case(
                "invalid user name",
                () -> admin.postJson("/api/users", "{\"username\":\"../../etc\"}"),
                Set.of(400),
                r -> {}));
        table.add(new Case(
                "oversized JSON",
                () -> admin.postJson("/api/users", "{\"username\":\"" + "a".repeat(100_000) + "\"}"),
                Set.of(400),
                r -> {}));
        table.add(new Case(
                "oversized chunked JSON",
                () -> alice.send(alice.request("/api/tokens")
                        .header("Content-Type", "application/json")
                        .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                                ("{\"name\":\"" + "a".repeat(100_000) + "\"}").getBytes(StandardCharsets.UTF_8))))),
                Set.of(400),
                r -> {}));
        table.add(new Case("non-numeric id", () -> alice.get("/api/videos/abc"), Set.of(400), r -> {}));
        table.add(new Case("negative page", () -> alice.get("/api/videos?page=-1"), Set.of(400), r -> {}));
        table.add(new Case("unknown API path", () -> alice.get("/api/nothing-here"), Set.of(404), r -> {}));
        table.add(new Case(
                "unknown method",
                () -> alice.send(alice.request("/api/videos").PUT(BodyPublishers.noBody())),
                Set.of(405),
                r -> {}));
        table.add(new Case(
                "JSON sent to the upload endpoint", () -> alice.postJson("/api/videos", "{}"), Set.of(415), r -> {}));
        // ---- resumable uploads (tus): tess's open upload is the target; each creation is a new user's, since
        // creating one takes from the upload rate limit, set low here ----
        ApiClient tess = newUser(Role.USER);
        ApiClient tessa = newUser(Role.USER);
        String tusUpload = tusCreate(tess, "100", null).header("Location");
        String tusPath = URI.create(tusUpload).getPath();
        table.add(new Case(
                "tus: Upload-Length over the limit",
                () -> tusCreate(newUser(Role.USER), "" + (5L << 40), null),
                Set.of(413),
                r -> {}));
        table.add(new Case(
                "tus: negative Upload-Length", () -> tusCreate(newUser(Role.USER), "-7", null), Set.of(400), r -> {}));
        table.add(new Case(
                "tus: negative Upload-Offset",
                () -> tusPatch(tess, tusPath, "-1", "application/offset+octet-stream"),
                Set.of(400),
                r -> {}));
        table.add(new Case(
                "tus: overflowing Upload-Offset",
                () -> tusPatch(tess, tusPath, "92233720368547758070", "application/offset+octet-stream"),
                Set.of(400),
                r -> {}));
        table.add(new Case(
                "tus: Upload-Offset ahead of the upload",
                () -> tusPatch(tess, tusPath, "50", "application/offset+octet-stream"),
                Set.of(409),
                r -> {}));
        table.add(new Case(
                "tus: a PATCH that is not offset+octet-stream",
                () -> tusPatch(tess, tusPath, "0", "application/json"),
                Set.of(415),
                r -> {}));
        table.add(new Case(
                "tus: another user's upload",
                () -> tusPatch(bob, tusPath, "0", "application/offset+octet-stream"),
                Set.of(404),
                r -> {}));
        table.add(new Case("tus: another user's upload read", () -> bob.get(tusPath), Set.of(404), r -> {}));
        table.add(new Case(
                "tus: an id that is no upload", () -> tess.get("/api/uploads/../users"), Set.of(400, 404), r -> {}));
        table.add(new Case(
                "tus: another protocol version",
                () -> tess.send(tess.request(tusPath)
                        .header("Tus-Resumable", "0.2.2")
                        .header("Upload-Offset", "0")
                        .header("Content-Type", "application/offset+octet-stream")
                        .method("PATCH", BodyPublishers.ofByteArray(new byte[1]))),
                Set.of(412),
                r -> {}));
        table.add(new Case(
                "tus: metadata naming a path",
                () -> tusCreate(tessa, "10", "filename " + b64("../../../etc/passwd")),
                Set.of(201),
                r -> {
                    String path = URI.create(r.header("Location")).getPath();
                    assertThat(tessa.get(path).json().path("file_name").asText())
                            .isEqualTo("passwd");
                    assertThat(tessa.send(tessa.request(path)
                                            .header("Tus-Resumable", "1.0.0")
                                            .DELETE())
                                    .status())
                            .isEqualTo(204);
                }));
        table.add(new Case(
                "tus: a NUL byte in the title",
                () -> tusCreate(newUser(Role.USER), "10", "title " + b64("a\0b")),
                Set.of(400),
                r -> {}));
        table.add(new Case(
                "tus: huge metadata",
                () -> tusCreate(newUser(Role.USER), "10", "title " + b64("x".repeat(5000))),
                Set.of(400),
                r -> {}));
        table.add(new Case(
                "tus: metadata that is not base64",
                () -> tusCreate(newUser(Role.USER), "10", "title %%%"),
                Set.of(400),
                r -> {}));
        table.add(new Case(
                "tus: an unknown checksum algorithm",
                () -> tess.send(tess.request(tusPath)
                        .header("Tus-Resumable", "1.0.0")
                        .header("Upload-Offset", "0")
                        .header("Upload-Checksum", "crc32 AAAA")
                        .header("Content-Type", "application/offset+octet-stream")
                        .method("PATCH", BodyPublishers.ofByteArray(new byte[1]))),
                Set.of(400),
                r -> {}));
        table.add(new Case(
                "tus: the open upload is untouched, then terminated", () -> tess.get(tusPath), Set.of(200), r -> {
                    assertThat(r.json().path("offset").asLong()).isZero();
                    assertThat(tess.send(tess.request(tusPath)
                                            .header("Tus-Resumable", "1.0.0")
                                            .DELETE())
                                    .status())
                            .isEqualTo(204);
                }));
        // ---- seed 001's chunks ----
        table.add(new Case(
                "chunk: an index outside chunks_total",
                () -> alice.uploadChunk("0cc175b9c0f1b6a831c399e269772661", 5, 5, new byte[10]),
                Set.of(400),
                r -> {}));
        table.add(new Case(
                "chunk: a path where the MD5 belongs",
                () -> alice.uploadChunk("../../../../tmp/x", 0, 1, new byte[10]),
                Set.of(400),
                r -> {}));
        table.add(new Case(
                "chunk: merging what was never sent",
                () -> alice.mergeChunks("x.mp4", "0cc175b9c0f1b6a831c399e269772661", 3),
                Set.of(400),
                r -> assertThat(r.json().path("detail").asText()).contains("[0, 1, 2]")));
        table.add(new Case("the error page itself", () -> alice.get("/error"), Set.of(500, 200, 400), r -> {}));
        table.add(new Case(
                "encoded dot segments in the path",
                () -> alice.get("/api/videos/%2e%2e/%2e%2e/users"),
                Set.of(400, 404),
                r -> {}));
        table.add(new Case(
                "semicolon path parameter",
                () -> alice.get("/api/videos;jsessionid=1/" + aliceVideo),
                Set.of(400, 404),
                r -> {}));

        // ---- CORS: off except for the allow-list ----
        table.add(new Case(
                "CORS preflight from an unknown origin",
                () -> anonymous()
                        .send(anonymous()
                                .request("/api/videos")
                                .header("Origin", "https://evil.example")
                                .header("Access-Control-Request-Method", "GET")
                                .method("OPTIONS", BodyPublishers.noBody())),
                Set.of(403),
                r -> assertThat(r.header("Access-Control-Allow-Origin")).isNull()));
        table.add(new Case(
                "CORS preflight from the allowed origin",
                () -> anonymous()
                        .send(anonymous()
                                .request("/api/videos")
                                .header("Origin", "https://app.example")
                                .header("Access-Control-Request-Method", "GET")
                                .header("Access-Control-Request-Headers", "authorization")
                                .method("OPTIONS", BodyPublishers.noBody())),
                Set.of(200),
                r -> assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example")));

        rows = table.size();
        return table.stream()
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                    Reply reply = c.request().get();
                    assertThat(c.status())
                            .as("%s → %s %s", c.name(), reply.status(), reply.body())
                            .contains(reply.status());
                    // HTTP replies (WebSocket rows report their close code, 1000 and up, and have no headers)
                    if (reply.status() > 0 && reply.status() < 1000) {
                        assertHygienic(reply);
                    }
                    c.after().accept(reply);
                }));
    }

    /** One row of the pages table: a browser request, the statuses that are right, what its page must (not) say. */
    record PageCase(String name, Supplier<HttpResponse<String>> request, Set<Integer> status, Consumer<String> body) {}

    static int pageRows;

    /**
     * Every dashboard page and action against the attacks a browser brings: a forged form without its CSRF token,
     * another user's things (the same 404 as a missing one), a VIEWER's writes and a USER on the operators' pages
     * (403), markup in titles and arguments (shown as text), anonymous callers (sent to sign in), path tricks.
     */
    @TestFactory
    @Order(3)
    Stream<DynamicTest> hostilePageRequests() {
        Account alice = newAccount(Role.USER);
        Account bob = newAccount(Role.USER);
        Account viewer = newAccount(Role.VIEWER);
        Account admin = newAccount(Role.ADMIN);
        String xss = "<img src=x onerror=alert(1)>";
        var upload = alice.api().upload(Clips.textFile(dir, "page-table.mp4"), "page-table.mp4", xss);
        assertThat(upload.status()).as(upload.body()).isEqualTo(202);
        long video = upload.json().path("video").path("id").asLong();
        String task = upload.json().path("task_id").asText();
        alice.api().awaitVideo(video, Duration.ofSeconds(30), "FAILED");
        String echo = alice.api()
                .postJson("/api/tasks", "{\"task\": \"clipflow.test.echo\", \"args\": [\"<script>alert(2)</script>\"]}")
                .json()
                .path("task_id")
                .asText();
        alice.api().awaitTask(echo, Duration.ofSeconds(20), "SUCCESS");
        String project = alice.api()
                .postJson("/api/v1/projects", "{\"title\": \"" + xss + "\", \"source_text\": \"猫\"}")
                .json()
                .path("id")
                .asText();

        PageClient asAlice = signedIn(alice);
        PageClient asBob = signedIn(bob);
        PageClient asViewer = signedIn(viewer);
        PageClient asAdmin = signedIn(admin);
        PageClient anonymous = new PageClient(base());
        Consumer<String> any = b -> {};
        Consumer<String> csrf = b -> assertThat(b).contains("CSRF");
        Consumer<String> role = b -> assertThat(b).contains("Your role may not do this.");
        Consumer<String> notFound = b -> assertThat(b).contains("404").doesNotContain(xss);

        String[] actions = {
            "/ui/videos/" + video + "/delete",
            "/ui/tasks/" + task + "/retry",
            "/ui/tasks/" + task + "/revoke",
            "/ui/tasks/send",
            "/ui/projects",
            "/ui/projects/" + project + "/stages/rewrite/run",
            "/ui/projects/" + project + "/delete",
            "/ui/queues/celery/purge",
            "/ui/queues/celery/replay-dead",
            "/ui/dead-letters/x/replay",
            "/ui/dead-letters/x/delete",
            "/ui/schedules/clipflow/cleanup/run",
            "/ui/users",
            "/ui/users/" + alice.id() + "/password",
            "/ui/users/" + alice.id() + "/tokens",
            "/ui/users/" + alice.id() + "/tokens/1/revoke",
            "/ui/ws-tickets",
            "/ui/uploads",
            "/logout"
        };
        List<PageCase> table = new ArrayList<>();
        // ---- a forged form: every action without its CSRF token, for the one who may take it ----
        for (String path : actions) {
            PageClient who =
                    path.startsWith("/ui/videos") || path.startsWith("/ui/tasks") || path.startsWith("/ui/projects")
                            ? asAlice
                            : asAdmin;
            table.add(new PageCase(
                    "no CSRF token: POST " + path, () -> who.postWithout(path, Map.of()), Set.of(403), csrf));
        }
        table.add(new PageCase(
                "no CSRF token: POST /login",
                () -> new PageClient(base()).postWithout("/login", Map.of("username", "admin", "password", "x")),
                Set.of(403),
                csrf));
        // ---- another user's things: the same 404 as something that does not exist ----
        for (String path : List.of(
                "/ui/videos/" + video,
                "/ui/videos/" + video + "/card",
                "/ui/tasks/" + task,
                "/ui/tasks/" + task + "/download.json",
                "/ui/videos/999999999",
                "/ui/tasks/no-such-task",
                "/ui/projects/" + project,
                "/ui/projects/" + project + "/stages/rewrite",
                "/ui/projects/" + project + "/shots",
                "/ui/projects/00000000-0000-0000-0000-000000000000")) {
            table.add(new PageCase("another user's: GET " + path, () -> asBob.get(path), Set.of(404), notFound));
        }
        for (String path : List.of(
                "/ui/videos/" + video + "/delete",
                "/ui/tasks/" + task + "/retry",
                "/ui/tasks/" + task + "/revoke",
                "/ui/projects/" + project + "/stages/rewrite/run",
                "/ui/projects/" + project + "/delete")) {
            table.add(new PageCase(
                    "another user's: POST " + path, () -> asBob.post(path, Map.of()), Set.of(404), notFound));
        }
        table.add(new PageCase(
                "another user's: not in the search", () -> asBob.get("/ui/videos?q=img"), Set.of(200), b -> assertThat(
                                b)
                        .doesNotContain("video-" + video)));
        table.add(new PageCase(
                "another user's: not in the task list",
                () -> asBob.get("/ui/tasks?id=" + task),
                Set.of(200),
                b -> assertThat(b).doesNotContain("data-task-id=\"" + task)));
        table.add(new PageCase(
                "another user's: not in the project list",
                () -> asBob.get("/ui/projects"),
                Set.of(200),
                b -> assertThat(b).doesNotContain(project)));
        // ---- a VIEWER changes nothing, whatever the form ----
        for (String path : actions) {
            if (!path.equals("/ui/ws-tickets") && !path.equals("/logout")) {
                table.add(new PageCase(
                        "VIEWER: POST " + path,
                        () -> asViewer.post(path, Map.of("confirm", "celery")),
                        Set.of(403),
                        role));
            }
        }
        // ---- a USER on the operators' pages ----
        for (String path : List.of(
                "/ui/queues",
                "/ui/queues/series.json",
                "/ui/workers",
                "/ui/routes",
                "/ui/routes/files/video-process.camel.yaml",
                "/ui/users")) {
            table.add(new PageCase("USER: GET " + path, () -> asAlice.get(path), Set.of(403), role));
        }
        for (String path : List.of("/ui/queues/celery/purge", "/ui/schedules/clipflow/cleanup/run", "/ui/users")) {
            table.add(new PageCase(
                    "USER: POST " + path,
                    () -> asAlice.post(path, Map.of("confirm", "celery", "username", "mallory")),
                    Set.of(403),
                    role));
        }
        // ---- markup is text ----
        for (String path : List.of(
                "/ui/videos",
                "/ui/videos/" + video,
                "/ui/videos/" + video + "/card",
                "/ui/projects",
                "/ui/projects/" + project)) {
            table.add(new PageCase(
                    "markup in a title: GET " + path, () -> asAlice.get(path), Set.of(200), b -> assertThat(b)
                            .contains("&lt;img src=x onerror=alert(1)&gt;")
                            .doesNotContain(xss)));
        }
        table.add(new PageCase(
                "markup in arguments: GET /ui/tasks/" + echo,
                () -> asAlice.get("/ui/tasks/" + echo),
                Set.of(200),
                b -> assertThat(b)
                        .contains("&lt;script&gt;alert(2)&lt;/script&gt;")
                        .doesNotContain("<script>alert(2)")));
        // ---- anonymous: every page sends them to sign in, nothing else ----
        for (String path : List.of(
                "/",
                "/ui",
                "/ui/videos",
                "/ui/videos/" + video,
                "/ui/tasks",
                "/ui/tasks/" + task,
                "/ui/projects",
                "/ui/projects/" + project,
                "/ui/queues",
                "/ui/workers",
                "/ui/routes",
                "/ui/users",
                "/v3/api-docs",
                "/swagger-ui/index.html")) {
            table.add(new PageCase("anonymous: GET " + path, () -> anonymous.get(path), Set.of(302), b -> assertThat(b)
                    .doesNotContain(xss)));
        }
        // ---- path tricks and wrong types ----
        for (String path : List.of(
                "/ui/routes/files/..%2F..%2Fetc%2Fpasswd",
                "/ui/routes/files/pom.xml",
                "/ui/routes/files/.camel.yaml",
                "/ui/videos/..%2F1",
                "/ui/tasks/%2e%2e",
                "/ui/projects/..%2F" + project)) {
            table.add(new PageCase(
                    "path trick: GET " + path, () -> asAdmin.get(path), Set.of(400, 404), b -> assertThat(b)
                            .doesNotContain("root:")));
        }
        table.add(new PageCase(
                "a video id that is not a number", () -> asAlice.get("/ui/videos/abc"), Set.of(400, 404), any));
        return table.stream()
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                    pageRows++;
                    HttpResponse<String> reply = c.request().get();
                    assertThat(reply.statusCode())
                            .as("%s → %s", c.name(), reply.body())
                            .isIn(c.status());
                    c.body().accept(reply.body());
                }));
    }

    private PageClient signedIn(Account account) {
        PageClient client = new PageClient(base());
        assertThat(client.signIn(account.username(), account.password())
                        .headers()
                        .firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/ui"));
        client.get("/ui");
        return client;
    }

    /**
     * One row of the remote-control table: a command (or raw text) on the pidbox channel, and what the node must
     * answer: an error reply naming the fault, or (for what is not a command) nothing, after which it still answers.
     */
    record ControlCase(String name, Supplier<JsonNode> send, Consumer<JsonNode> expect) {}

    static int controlRows;

    @TestFactory
    @Order(2)
    Stream<DynamicTest> hostileRemoteControlCommands() {
        String hostname = celery.hostnameFor(clipflow.nodeName());
        int database =
                connections instanceof org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory f
                        ? f.getDatabase()
                        : 0;
        PidboxClient node = new PidboxClient(redisTemplate, keys, database, hostname);
        Duration wait = Duration.ofSeconds(5);
        Supplier<JsonNode> settings = () -> {
            ObjectNode snapshot = JSON.createObjectNode();
            snapshot.set("pool", node.call("stats", "{}", wait).path("pool").path("queues"));
            snapshot.set("registered", node.call("registered", "{}", wait));
            snapshot.set("queues", node.call("active_queues", "{}", wait));
            return snapshot;
        };
        JsonNode before = settings.get();
        assertThat(before.path("pool").path("delivery-test").asInt()).isPositive();

        List<ControlCase> table = new ArrayList<>();
        java.util.function.BiConsumer<String[], String> error = (call, expected) -> table.add(
                new ControlCase(call[0] + " " + call[1], () -> node.call(call[0], call[1], wait), reply -> assertThat(
                                reply.path("error").asText())
                        .as("%s %s → %s", call[0], call[1], reply)
                        .contains(expected)));
        // ---- pool_grow / pool_shrink: a positive integer, a queue's name ----
        for (String n : List.of("0", "-5", "\"5\"", "1.5", "1e12", "99999999999", "[1]")) {
            error.accept(new String[] {"pool_grow", "{\"n\": " + n + "}"}, "n must be a positive integer");
        }
        error.accept(new String[] {"pool_shrink", "{\"n\": -1}"}, "n must be a positive integer");
        error.accept(new String[] {"pool_grow", "{\"n\": 1, \"queue\": 123}"}, "queue must be a queue's name");
        error.accept(new String[] {"pool_grow", "{\"n\": 1, \"queue\": \"no-such-queue\"}"}, "no consumer of");
        // ---- rate_limit: Celery's N/s|m|h, finite, not negative; a task that runs here ----
        for (String rate : List.of("\"ten/s\"", "\"-5/s\"", "\"NaN/s\"", "\"1e400/m\"")) {
            error.accept(
                    new String[] {"rate_limit", "{\"task_name\": \"clipflow.test.echo\", \"rate_limit\": " + rate + "}"
                    },
                    "Invalid rate limit string");
        }
        error.accept(
                new String[] {"rate_limit", "{\"task_name\": \"clipflow.test.echo\", \"rate_limit\": \"1/d\"}"},
                "KeyError('d')");
        error.accept(
                new String[] {"rate_limit", "{\"task_name\": \"clipflow.test.echo\", \"rate_limit\": {\"x\": 1}}"},
                "rate_limit must be a rate");
        error.accept(new String[] {"rate_limit", "{\"task_name\": \"clipflow.test.echo\"}"}, "rate_limit is required");
        error.accept(new String[] {"rate_limit", "{\"rate_limit\": \"1/s\"}"}, "task_name must be a task's name");
        error.accept(
                new String[] {"rate_limit", "{\"task_name\": \"no.such.task\", \"rate_limit\": \"1/s\"}"},
                "unknown task");
        // ---- time_limit: seconds above 0 (0: none), soft at most hard, a week at most ----
        String echo = "{\"task_name\": \"clipflow.test.echo\", ";
        error.accept(new String[] {"time_limit", echo + "\"soft\": 10, \"hard\": 5}"}, "is above the hard one");
        error.accept(new String[] {"time_limit", echo + "\"soft\": -1}"}, "soft must be a number of seconds");
        error.accept(new String[] {"time_limit", echo + "\"soft\": \"5\"}"}, "soft must be a number of seconds");
        error.accept(new String[] {"time_limit", echo + "\"hard\": 1e9}"}, "hard must be at most");
        error.accept(new String[] {"time_limit", "{\"task_name\": \"no.such.task\", \"soft\": 1}"}, "unknown task");
        // ---- add_consumer / cancel_consumer: a queue a route here consumes ----
        error.accept(new String[] {"add_consumer", "{}"}, "queue is required");
        error.accept(new String[] {"add_consumer", "{\"queue\": \"no-such-queue\"}"}, "no route consumes");
        error.accept(new String[] {"add_consumer", "{\"queue\": \"a\\nb\"}"}, "printable characters");
        error.accept(new String[] {"add_consumer", "{\"queue\": \"" + "q".repeat(300) + "\"}"}, "printable characters");
        error.accept(new String[] {"cancel_consumer", "{\"queue\": \"\"}"}, "queue must be a queue's name");
        error.accept(new String[] {"no_such_command", "{}"}, "KeyError('no_such_command')");

        // ---- what is not a command: refused unread, no answer, the node goes on answering ----
        Map<String, String> garbage = new java.util.LinkedHashMap<>();
        garbage.put("not JSON", "this is not json {");
        garbage.put("5 MB of text", "\"" + "x".repeat(5 * 1024 * 1024) + "\"");
        garbage.put("100,000-deep nesting", "[".repeat(100_000) + "]".repeat(100_000));
        garbage.put(
                "a pickled body",
                node.envelope("ping", "{}", "t").replace("application/json", "application/x-python-serialize"));
        garbage.put(
                "a body that is not base64",
                node.envelope("ping", "{}", "t").replaceFirst("\"body\":\"[^\"]+\"", "\"body\":\"%%%\""));
        garbage.put(
                "a body 100,000 deep",
                node.envelope("ping", "{}", "t")
                        .replaceFirst(
                                "\"body\":\"[^\"]+\"",
                                "\"body\":\""
                                        + Base64.getEncoder()
                                                .encodeToString(("[".repeat(100_000) + "]".repeat(100_000))
                                                        .getBytes(StandardCharsets.UTF_8))
                                        + "\""));
        garbage.forEach((name, text) -> table.add(new ControlCase(
                name,
                () -> {
                    node.publishRaw(text);
                    return node.call("ping", "{}", wait);
                },
                reply -> assertThat(reply.path("ok").asText()).as(name).isEqualTo("pong"))));

        controlRows = table.size();
        return table.stream()
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                    JsonNode reply = c.send().get();
                    assertThat(reply)
                            .as("%s: an answer within %s", c.name(), wait)
                            .isNotNull();
                    c.expect().accept(reply);
                    assertThat(settings.get())
                            .as("%s left the node's settings as they were", c.name())
                            .isEqualTo(before);
                }));
    }

    @Test
    @Order(3)
    void theRateLimitBucketRefillsAndSaysWhenToRetry() {
        long user = 4_000_000_000L + port;
        assertThat(limiter.take("test", user, 2, Duration.ofMillis(300)).allowed())
                .isTrue();
        assertThat(limiter.take("test", user, 2, Duration.ofMillis(300)).allowed())
                .isTrue();
        RateLimiter.Decision refused = limiter.take("test", user, 2, Duration.ofMillis(300));
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(300));
        assertThat(limiter.take("other", user, 2, Duration.ofMillis(300)).allowed())
                .as("buckets are per action")
                .isTrue();
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .pollDelay(refused.retryAfter())
                .until(() ->
                        limiter.take("test", user, 2, Duration.ofMillis(300)).allowed());
    }

    @Test
    @Order(4)
    void afterTheSuiteANormalUploadStillWorksAndNothingStrayIsLeft() throws Exception {
        ApiClient carol = newUser(Role.USER);
        long id = carol.upload(Clips.generate(dir, "after.mp4", 160, 120, 1, false))
                .json()
                .path("video")
                .path("id")
                .asLong();
        JsonNode video = carol.awaitVideo(id, Duration.ofSeconds(90), "READY", "FAILED");
        assertThat(video.path("status").asText()).as(video.toString()).isEqualTo("READY");
        assertThat(rows)
                .as("hostile requests run = the number in the README")
                .isEqualTo(documented("hostile requests"));
        assertThat(controlRows)
                .as("hostile remote-control commands run = the number in the README")
                .isEqualTo(documented("hostile remote-control commands"));
        assertThat(pageRows)
                .as("hostile page requests run = the number in the README")
                .isEqualTo(documented("hostile page requests"));

        Path data = clipflow.dataDir().toAbsolutePath().normalize();
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try (Stream<Path> tmp = Files.list(data.resolve("tmp"))) {
                assertThat(tmp).as("multipart spool").isEmpty();
            }
            assertThat(staged())
                    .as("upload staging; rows %s", jdbc.queryForList("select * from tus_upload"))
                    .isEmpty();
        });
        try (Stream<Path> all = Files.walk(store.root())) {
            List<String> unexpected = all.filter(Files::isRegularFile)
                    .map(p -> store.root().relativize(p).toString())
                    .filter(p -> !p.matches("\\d+/(original\\.[a-z0-9]+|thumbnail\\.jpg|hls/[A-Za-z0-9_./-]+)"))
                    .toList();
            assertThat(unexpected).as("files outside the media layout").isEmpty();
        }
        try (Stream<Path> top = Files.list(data)) {
            assertThat(top.map(p -> p.getFileName().toString()))
                    .as("nothing written beside the data folders")
                    .allMatch(
                            n -> Set.of("db", "media", "tmp", "redis", "admin-token", "admin-password", "media-secret")
                                    .contains(n));
        }
    }

    // ---- helpers ----

    private void addFailingUpload(List<Case> table, String name, Path file, String clientName, String reason) {
        ApiClient uploader = newUser(Role.USER);
        table.add(new Case(name, () -> uploader.upload(file, clientName, null), Set.of(202), r -> {
            long id = r.json().path("video").path("id").asLong();
            JsonNode v = uploader.awaitVideo(id, Duration.ofSeconds(90), "READY", "FAILED");
            assertThat(v.path("status").asText()).as(v.toString()).isEqualTo("FAILED");
            assertThat(v.path("error").asText()).contains(reason).doesNotContain("root:", "/bin/");
            assertThat(v.path("hls_url").isNull()).isTrue();
            assertThat(store.videoDir(id).resolve("hls")).doesNotExist();
            assertThat(store.thumbnail(id)).doesNotExist();
        }));
    }

    private void assertHygienic(Reply reply) {
        HttpHeaders h = reply.headers();
        assertThat(h.firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(h.firstValue("Content-Security-Policy")).get().asString().contains("default-src 'none'");
        assertThat(h.firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(h.firstValue("X-Frame-Options")).contains("DENY");
        if (reply.status() >= 400) {
            assertThat(reply.contentType()).as("error content type").contains("application/json");
            assertThat(reply.json().path("error").asText()).isNotBlank();
            assertNoLeak(reply.body());
        }
    }

    private void assertNoLeak(String body) {
        assertThat(body)
                .doesNotContainIgnoringCase("<html")
                .doesNotContain("Exception", "\tat ", "io.clipflow", "org.springframework", "/tmp/")
                .doesNotContain(clipflow.dataDir().toAbsolutePath().normalize().toString());
    }

    private void everyHlsUriIsServed(String playlistUrl, String playlist) {
        int served = 0;
        for (String line : playlist.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String url = playlistUrl.substring(0, playlistUrl.lastIndexOf('/') + 1) + line.trim();
            Reply reply = anonymous().getUrl(url);
            assertThat(reply.status()).as(url).isEqualTo(200);
            served++;
            if (line.trim().endsWith(".m3u8")) {
                everyHlsUriIsServed(url, reply.body());
            }
        }
        assertThat(served).as("URIs in " + playlistUrl).isPositive();
    }

    private long countVideos(ApiClient user) {
        return jdbc.queryForObject("select count(*) from video where owner_id = ?", Long.class, user.userId());
    }

    /** Files in upload staging but those of resumable uploads still open (their rows say so). */
    private List<String> staged() throws java.io.IOException {
        Set<String> open = new java.util.HashSet<>();
        jdbc.queryForList("select id from tus_upload", String.class).forEach(id -> open.add("tus-" + id + ".part"));
        try (Stream<Path> incoming = Files.list(store.root().resolve(".incoming"))) {
            return incoming.map(p -> p.getFileName().toString())
                    .filter(name -> !open.contains(name))
                    .toList();
        }
    }

    private static Reply tusCreate(ApiClient user, String length, String metadata) {
        HttpRequest.Builder b =
                user.request("/api/uploads").header("Tus-Resumable", "1.0.0").header("Upload-Length", length);
        if (metadata != null) {
            b.header("Upload-Metadata", metadata);
        }
        return user.send(b.POST(BodyPublishers.noBody()));
    }

    private static Reply tusPatch(ApiClient user, String path, String offset, String type) {
        return user.send(user.request(path)
                .header("Tus-Resumable", "1.0.0")
                .header("Upload-Offset", offset)
                .header("Content-Type", type)
                .method("PATCH", BodyPublishers.ofByteArray(new byte[10])));
    }

    private static String b64(String s) {
        return java.util.Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private void assertNothingStoredFor(ApiClient user) {
        assertThat(countVideos(user)).isZero();
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            try (Stream<Path> tmp = Files.list(clipflow.dataDir().resolve("tmp"))) {
                assertThat(tmp).isEmpty();
            }
            assertThat(staged()).isEmpty();
        });
    }

    private void pendingVideo(ApiClient user) {
        Path staged = store.newIncomingFile();
        try {
            Files.writeString(staged, "pending");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        videoService.register(new UploadedFile(staged, "pending.mp4", 7, null, user.userId()));
    }

    /** A WebSocket attempt as a table row: the close code stands in for the status (1008 = policy violation). */
    private Reply webSocketClose(ApiClient user, String path) {
        try (io.clipflow.testsupport.EventClient ws =
                io.clipflow.testsupport.EventClient.connect("ws://127.0.0.1:" + port + path, user.token())) {
            int code = ws.awaitClose(Duration.ofSeconds(5));
            assertThat(ws.messages()).as("nothing delivered before the close").isEmpty();
            return new Reply(
                    code,
                    null,
                    "",
                    "application/json",
                    java.net.http.HttpHeaders.of(
                            java.util.Map.of("Content-Type", List.of("application/json")), (a, b) -> true));
        }
    }

    private static String deadLetterId(ApiClient owner, String taskId) {
        JsonNode[] found = new JsonNode[1];
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (JsonNode item : owner.get("/api/dead-letters").json().path("items")) {
                if (taskId.equals(item.path("task_id").asText())) {
                    found[0] = item;
                    return true;
                }
            }
            return false;
        });
        return found[0].path("id").asText();
    }

    private ApiClient client(String token) {
        return new ApiClient("http://127.0.0.1:" + port, token, -1);
    }

    /**
     * A multipart upload over a raw socket that declares {@code declared} bytes and sends {@code sent}; with
     * {@code hangUp} the socket closes mid-body (status -1), otherwise the reply is read.
     */
    private Reply raw(ApiClient user, long declared, int sent, boolean hangUp) {
        String boundary = "rawboundary";
        String head = "POST /api/videos HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + user.token()
                + "\r\nContent-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: " + declared
                + "\r\n\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.mp4\"\r\n"
                + "Content-Type: video/mp4\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            try {
                out.write(new byte[sent]);
                out.flush();
            } catch (IOException e) {
                // the server may refuse and close before taking it all
            }
            if (hangUp) {
                return new Reply(-1, null, "", "", HttpHeaders.of(Map.of(), (a, b) -> true));
            }
            return parseRaw(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one HTTP/1.1 response (headers, then a Content-Length or chunked body) without waiting for EOF. */
    private static Reply parseRaw(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the response headers: " + head);
            }
            head.append((char) b);
        }
        String[] lines = head.toString().split("\r\n");
        int status = Integer.parseInt(lines[0].substring(9, 12));
        Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).trim());
            }
        }
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        if (headers.containsKey("Content-Length")) {
            body.write(
                    in.readNBytes(Integer.parseInt(headers.get("Content-Length").get(0))));
        } else if ("chunked"
                .equalsIgnoreCase(
                        headers.getOrDefault("Transfer-Encoding", List.of("")).get(0))) {
            while (true) {
                StringBuilder size = new StringBuilder();
                while (!size.toString().endsWith("\r\n")) {
                    size.append((char) in.read());
                }
                int n = Integer.parseInt(size.toString().trim(), 16);
                if (n == 0) {
                    break;
                }
                body.write(in.readNBytes(n));
                in.readNBytes(2);
            }
        }
        String text = body.toString(StandardCharsets.UTF_8);
        String type = headers.getOrDefault("Content-Type", List.of("")).get(0);
        JsonNode json = type.contains("json") ? JSON.readTree(text) : null;
        return new Reply(status, json, text, type, HttpHeaders.of(headers, (a, b) -> true));
    }

    /**
     * A multipart upload of {@code bytes} sent with {@code Transfer-Encoding: chunked} (no Content-Length) over a raw
     * socket; the server may refuse and stop reading part way, so write failures are expected and the reply is read.
     */
    private Reply chunkedUpload(ApiClient user, int bytes) {
        String boundary = "chunkboundary";
        String head = "POST /api/videos HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + user.token()
                + "\r\nContent-Type: multipart/form-data; boundary=" + boundary
                + "\r\nTransfer-Encoding: chunked\r\n\r\n";
        byte[] partHead = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; "
                        + "filename=\"big.mp4\"\r\nContent-Type: video/mp4\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            try {
                writeChunk(out, partHead);
                byte[] chunk = new byte[64 * 1024];
                for (int sent = 0; sent < bytes; sent += chunk.length) {
                    writeChunk(out, chunk);
                }
                writeChunk(out, ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // the server refused and closed its side while the body was still coming
            }
            return parseRaw(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeChunk(OutputStream out, byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static String tamper(String url) {
        String[] parts = url.split("/");
        String sig = parts[parts.length - 2];
        String forged = (sig.charAt(0) == 'A' ? 'B' : 'A') + sig.substring(1);
        return url.replace("/" + sig + "/", "/" + forged + "/");
    }

    private static String printable(String name) {
        String shown = name.replace("\0", "\\0").replace("\u202E", "\\u202E");
        return shown.length() > 40 ? shown.substring(0, 40) + "…" : shown;
    }

    private static String jwt(KeyPair key, String subject, String username, List<String> roles, long expiresIn) {
        try {
            Instant now = Instant.now();
            JWTClaimsSet claims = new JWTClaimsSet.Builder()
                    .subject(subject)
                    .claim("preferred_username", username)
                    .claim("roles", roles)
                    .issueTime(Date.from(now.minusSeconds(Math.max(0, -expiresIn) + 60)))
                    .expirationTime(Date.from(now.plusSeconds(expiresIn)))
                    .build();
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
            jwt.sign(new RSASSASigner((RSAPrivateKey) key.getPrivate()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String unsignedJwt(String subject) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"sub\":\"" + subject + "\",\"roles\":[\"admin\"],\"exp\":"
                        + (Instant.now().getEpochSecond() + 300) + "}")
                .getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + ".";
    }

    /** The number the README states in bold before {@code what}. */
    private static int documented(String what) throws IOException {
        java.util.regex.Matcher stated = java.util.regex.Pattern.compile("\\*\\*(\\d+) " + what + "\\*\\*")
                .matcher(Files.readString(Path.of("README.md")));
        assertThat(stated.find()).as("README states the number of " + what).isTrue();
        return Integer.parseInt(stated.group(1));
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
