package io.clipflow.upload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipflow.schedule.Cleanup;
import io.clipflow.security.Role;
import io.clipflow.storage.MediaStore;
import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.ApiClient.Reply;
import io.clipflow.testsupport.Clips;
import io.clipflow.testsupport.IntegrationTestBase;
import io.tus.java.client.TusClient;
import io.tus.java.client.TusURLMemoryStore;
import io.tus.java.client.TusUploader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/** tus 1.0 at /api/uploads, driven by the tus project's Java client and by raw requests. */
class TusUploadIT extends IntegrationTestBase {

    @TempDir
    Path dir;

    @Autowired
    TusUploadRepository rows;

    @Autowired
    MediaStore store;

    @Autowired
    Cleanup cleanup;

    @Test
    void anUploadInterruptedAt40PercentResumesWhereItStoppedAndBecomesAReadyVideo() throws Exception {
        ApiClient alice = newUser(Role.USER);
        Path clip = Clips.generate(dir, "harbour.mp4", 640, 360, 2, true);
        long size = Files.size(clip);
        TusURLMemoryStore urls = new TusURLMemoryStore();

        TusUploader first = client(alice, urls).resumeOrCreateUpload(upload(clip));
        first.setChunkSize(8 * 1024);
        first.setRequestPayloadSize(16 * 1024);
        while (first.getOffset() < size * 0.4 && first.uploadChunk() > -1) {
            // upload up to 40 %
        }
        first.finish(false);
        URL url = first.getUploadURL();
        long stoppedAt = first.getOffset();
        assertThat(stoppedAt).isBetween((long) (size * 0.4), size - 1);
        String id = url.getPath().substring(url.getPath().lastIndexOf('/') + 1);
        assertThat(alice.get("/api/uploads/" + id).json().path("offset").asLong())
                .isEqualTo(stoppedAt);

        TusUploader second = client(alice, urls).resumeOrCreateUpload(upload(clip));
        assertThat(second.getUploadURL()).isEqualTo(url);
        assertThat(second.getOffset()).as("resumed, not restarted").isEqualTo(stoppedAt);
        second.setChunkSize(64 * 1024);
        while (second.uploadChunk() > -1) {
            // the rest
        }
        second.finish();

        JsonNode done = alice.get("/api/uploads/" + id).json();
        assertThat(done.path("complete").asBoolean()).isTrue();
        assertThat(done.path("file_name").asText()).isEqualTo("harbour.mp4");
        long video = done.path("video_id").asLong();
        JsonNode ready = alice.awaitVideo(video, Duration.ofSeconds(90), "READY", "FAILED");
        assertThat(ready.path("status").asText()).as(ready.toString()).isEqualTo("READY");
        assertThat(ready.path("title").asText()).isEqualTo("Harbour at dawn");
        assertThat(ready.path("size_bytes").asLong()).isEqualTo(size);
        assertThat(ready.path("task_id").asText())
                .isEqualTo(done.path("task_id").asText());
        assertThat(Files.exists(store.stagingFile("tus-" + id)))
                .as("the staged bytes became the original")
                .isFalse();
    }

    @Test
    void speaksTheProtocolRefusesWhatItMustAndAnswersTheVideoOnTheLastPatch() throws Exception {
        ApiClient alice = newUser(Role.USER);
        ApiClient bob = newUser(Role.USER);
        byte[] bytes = Files.readAllBytes(Clips.generate(dir, "pier.mp4", 320, 240, 1, false));

        Reply options =
                alice.send(alice.request("/api/uploads").method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(options.status()).isEqualTo(204);
        assertThat(options.header("Tus-Version")).isEqualTo("1.0.0");
        assertThat(options.header("Tus-Extension")).contains("creation", "checksum", "termination", "expiration");
        assertThat(options.header("Tus-Checksum-Algorithm")).contains("md5", "sha1");
        assertThat(Long.parseLong(options.header("Tus-Max-Size"))).isPositive();

        Reply noVersion = alice.send(
                alice.request("/api/uploads").header("Upload-Length", "10").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(noVersion.status()).isEqualTo(412);
        assertThat(noVersion.header("Tus-Version")).isEqualTo("1.0.0");
        assertThat(noVersion.json().path("error").asText()).isEqualTo("precondition failed");
        assertThat(create(alice, String.valueOf(3L << 40), null).status()).isEqualTo(413);
        assertThat(create(alice, "-1", null).status()).isEqualTo(400);
        assertThat(create(alice, "99999999999999999999", null).status()).isEqualTo(400);
        assertThat(create(alice, "10", "filename bm90IGJhc2U2NA!!").status()).isEqualTo(400);

        String metadata = "filename " + b64("../../etc/pier.mp4") + ",title " + b64("Pier <b>at</b> night");
        Reply created = create(alice, String.valueOf(bytes.length), metadata);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Tus-Resumable")).isEqualTo("1.0.0");
        assertThat(created.header("Upload-Expires")).endsWith("GMT");
        String location = created.header("Location");
        String path = URI.create(location).getPath();
        assertThat(path).matches("/api/uploads/[0-9a-f-]{36}");

        Reply head = tus(alice, path)
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .send();
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Upload-Offset")).isEqualTo("0");
        assertThat(head.header("Upload-Length")).isEqualTo(String.valueOf(bytes.length));
        assertThat(head.header("Upload-Metadata")).isEqualTo(metadata);
        assertThat(head.header("Cache-Control")).isEqualTo("no-store");
        assertThat(tus(bob, path)
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .send()
                        .status())
                .as("not bob's")
                .isEqualTo(404);
        assertThat(patch(bob, path, 0, Arrays.copyOf(bytes, 10), null).status()).isEqualTo(404);
        assertThat(tus(bob, path).delete().send().status()).isEqualTo(404);

        int half = bytes.length / 2;
        byte[] head1 = Arrays.copyOfRange(bytes, 0, half);
        assertThat(patch(alice, path, 5, head1, null).status())
                .as("wrong offset")
                .isEqualTo(409);
        Reply wrongType = tus(alice, path)
                .header("Upload-Offset", "0")
                .header("Content-Type", "application/octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(head1))
                .send();
        assertThat(wrongType.status()).isEqualTo(415);
        Reply mismatch = patch(alice, path, 0, head1, "sha1 " + digest("SHA-1", "something else".getBytes()));
        assertThat(mismatch.status()).isEqualTo(460);
        assertThat(mismatch.json().path("error").asText()).isEqualTo("checksum mismatch");
        assertThat(offsetOf(alice, path))
                .as("nothing of a mismatched body is kept")
                .isZero();
        assertThat(patch(alice, path, 0, head1, "sha9 AAAA").status()).isEqualTo(400);

        Reply firstHalf = patch(alice, path, 0, head1, "sha1 " + digest("SHA-1", head1));
        assertThat(firstHalf.status()).isEqualTo(204);
        assertThat(firstHalf.header("Upload-Offset")).isEqualTo(String.valueOf(half));
        assertThat(firstHalf.header("Clipflow-Video-Id")).isNull();

        byte[] rest = Arrays.copyOfRange(bytes, half, bytes.length);
        byte[] tooLong = Arrays.copyOf(rest, rest.length + 1);
        assertThat(patch(alice, path, half, tooLong, null).status()).isEqualTo(413);
        assertThat(offsetOf(alice, path)).isEqualTo(half);

        Reply last = patch(alice, path, half, rest, "md5 " + digest("MD5", rest));
        assertThat(last.status()).as(last.body()).isEqualTo(204);
        assertThat(last.header("Upload-Offset")).isEqualTo(String.valueOf(bytes.length));
        long video = Long.parseLong(last.header("Clipflow-Video-Id"));
        String task = last.header("Clipflow-Task-Id");
        JsonNode upload = alice.get(path).json();
        assertThat(upload.path("video_id").asLong()).isEqualTo(video);
        assertThat(upload.path("task_id").asText()).isEqualTo(task);
        assertThat(upload.path("file_name").asText())
                .as("the name's last segment only")
                .isEqualTo("pier.mp4");
        JsonNode v = alice.get("/api/videos/" + video).json();
        assertThat(v.path("title").asText()).isEqualTo("Pier <b>at</b> night");
        assertThat(v.path("task_id").asText()).isEqualTo(task);
        assertThat(patch(alice, path, bytes.length, new byte[1], null).status()).isEqualTo(409);
        assertThat(bob.get(path).status()).isEqualTo(404);
    }

    @Test
    void aDroppedConnectionKeepsWhatArrivedAndHoldsTheLockUntilThen() throws Exception {
        ApiClient alice = newUser(Role.USER);
        String path = URI.create(create(alice, "1000", null).header("Location")).getPath();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + alice.token()
                            + "\r\nTus-Resumable: 1.0.0\r\nX-HTTP-Method-Override: PATCH\r\nUpload-Offset: 0\r\n"
                            + "Content-Type: application/offset+octet-stream\r\nContent-Length: 1000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[300]);
            out.flush();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> patch(alice, path, 0, new byte[10], null).status() == 423);
            Reply locked = patch(alice, path, 0, new byte[10], null);
            assertThat(locked.status()).isEqualTo(423);
            assertThat(locked.json().path("error").asText()).isEqualTo("locked");
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(offsetOf(alice, path))
                .isEqualTo(300));
        Reply resumed = patch(alice, path, 300, new byte[700], null);
        assertThat(resumed.status()).isEqualTo(204);
        assertThat(resumed.header("Clipflow-Video-Id"))
                .as("a finished upload becomes a video")
                .isNotNull();
    }

    @Test
    void creationWithUploadTerminationAndExpiry() throws Exception {
        ApiClient alice = newUser(Role.USER);
        Reply created = alice.send(alice.request("/api/uploads")
                .header("Tus-Resumable", "1.0.0")
                .header("Upload-Length", "100")
                .header("Content-Type", "application/offset+octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[40])));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Upload-Offset")).isEqualTo("40");
        String path = URI.create(created.header("Location")).getPath();
        String id = path.substring(path.lastIndexOf('/') + 1);
        assertThat(Files.size(store.stagingFile("tus-" + id))).isEqualTo(40);

        assertThat(tus(alice, path).delete().send().status()).isEqualTo(204);
        assertThat(tus(alice, path)
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .send()
                        .status())
                .isEqualTo(404);
        assertThat(Files.exists(store.stagingFile("tus-" + id))).isFalse();

        String stale = URI.create(create(alice, "100", null).header("Location")).getPath();
        String staleId = stale.substring(stale.lastIndexOf('/') + 1);
        TusUpload row = rows.findById(staleId).orElseThrow();
        row.setExpiresAt(Instant.now().minusSeconds(60));
        rows.save(row);
        assertThat(tus(alice, stale)
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .send()
                        .status())
                .isEqualTo(410);
        Map<String, Object> summary = cleanup.run();
        assertThat((Integer) summary.get("expired_resumable_uploads_removed")).isGreaterThanOrEqualTo(1);
        assertThat(rows.findById(staleId)).isEmpty();
        assertThat(Files.exists(store.stagingFile("tus-" + staleId))).isFalse();
        assertThat(tus(alice, stale)
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .send()
                        .status())
                .isEqualTo(404);
    }

    private TusClient client(ApiClient user, TusURLMemoryStore urls) throws Exception {
        TusClient client = new TusClient();
        client.setUploadCreationURL(new URL(base() + "/api/uploads"));
        client.enableResuming(urls);
        client.setHeaders(Map.of("Authorization", "Bearer " + user.token()));
        return client;
    }

    private static io.tus.java.client.TusUpload upload(Path clip) throws Exception {
        io.tus.java.client.TusUpload upload = new io.tus.java.client.TusUpload(clip.toFile());
        upload.setMetadata(Map.of("filename", "harbour.mp4", "title", "Harbour at dawn"));
        return upload;
    }

    private static Reply create(ApiClient user, String length, String metadata) {
        HttpRequest.Builder b =
                user.request("/api/uploads").header("Tus-Resumable", "1.0.0").header("Upload-Length", length);
        if (metadata != null) {
            b.header("Upload-Metadata", metadata);
        }
        return user.send(b.POST(HttpRequest.BodyPublishers.noBody()));
    }

    private static Reply patch(ApiClient user, String path, long offset, byte[] body, String checksum) {
        Tus t = tus(user, path)
                .header("Upload-Offset", String.valueOf(offset))
                .header("Content-Type", "application/offset+octet-stream");
        if (checksum != null) {
            t.header("Upload-Checksum", checksum);
        }
        return t.method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body)).send();
    }

    private static long offsetOf(ApiClient user, String path) {
        return Long.parseLong(tus(user, path)
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .send()
                .header("Upload-Offset"));
    }

    /** A request with Tus-Resumable set. */
    private static Tus tus(ApiClient user, String path) {
        return new Tus(user, user.request(path).header("Tus-Resumable", "1.0.0"));
    }

    private record Tus(ApiClient user, HttpRequest.Builder builder) {
        Tus header(String name, String value) {
            builder.header(name, value);
            return this;
        }

        Tus method(String method, HttpRequest.BodyPublisher body) {
            builder.method(method, body);
            return this;
        }

        Tus delete() {
            builder.DELETE();
            return this;
        }

        Reply send() {
            return user.send(builder);
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String digest(String algorithm, byte[] bytes) throws Exception {
        return Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance(algorithm).digest(bytes));
    }
}
