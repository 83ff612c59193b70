package io.clipflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.Clips;
import io.clipflow.testsupport.IntegrationTestBase;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every API call needs a token; users see only their own things (404, not 403); media URLs are signed. */
class SecurityIT extends IntegrationTestBase {

    @TempDir
    Path dir;

    ApiClient alice;
    ApiClient bob;

    @BeforeEach
    void users() {
        alice = newUser(Role.USER);
        bob = newUser(Role.USER);
    }

    @Test
    void apiWithoutOrWithABadTokenIsRefusedWithJson() {
        for (ApiClient client :
                new ApiClient[] {anonymous(), new ApiClient("http://127.0.0.1:" + port, "cf_forged", -1)}) {
            ApiClient.Reply reply = client.get("/api/videos");
            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.json().path("error").asText()).isEqualTo("unauthorized");
        }
        assertThat(anonymous().get("/actuator/health").status()).isEqualTo(200);
    }

    @Test
    void anotherUsersVideoAndTaskAreNotFound() throws Exception {
        ApiClient.Reply upload = alice.upload(Clips.textFile(dir, "a.mp4"));
        long id = upload.json().path("video").path("id").asLong();
        String taskId = upload.json().path("task_id").asText();

        assertThat(bob.get("/api/videos/" + id).status()).isEqualTo(404);
        assertThat(bob.get("/api/tasks/" + taskId).status()).isEqualTo(404);
        assertThat(bob.delete("/api/videos/" + id).status()).isEqualTo(404);
        assertThat(bob.get("/api/videos").json().path("items")).isEmpty();
        assertThat(alice.get("/api/videos/" + id).status()).isEqualTo(200);
        assertThat(alice.get("/api/tasks/" + taskId).status()).isEqualTo(200);
        assertThat(alice.get("/api/videos").json().path("total").asLong()).isEqualTo(1);
    }

    @Test
    void usersAndOperationsNeedTheAdminRole() {
        ApiClient.Reply reply = alice.postJson("/api/users", "{\"username\":\"mallory\"}");
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.json().path("error").asText()).isEqualTo("forbidden");

        ApiClient admin = newUser(Role.ADMIN);
        ApiClient.Reply created = admin.postJson("/api/users", "{\"username\":\"carol-" + port + "\"}");
        assertThat(created.status()).isEqualTo(201);
        String token = created.json().path("token").asText();
        assertThat(token).startsWith("cf_").hasSizeGreaterThanOrEqualTo(46);
        ApiClient carol = new ApiClient(
                "http://127.0.0.1:" + port, token, created.json().path("id").asLong());
        assertThat(carol.get("/api/videos").status()).isEqualTo(200);
    }

    @Test
    void tamperedOrExpiredMediaUrlsAreForbidden() throws Exception {
        long id = alice.upload(Clips.generate(dir, "t.mp4", 320, 240, 1, false))
                .json()
                .path("video")
                .path("id")
                .asLong();
        JsonNode video = alice.awaitVideo(id, Duration.ofSeconds(60), "READY", "FAILED");
        assertThat(video.path("status").asText()).as(video.toString()).isEqualTo("READY");
        String url = video.path("thumbnail_url").asText();
        assertThat(alice.getUrl(url).status()).isEqualTo(200);
        assertThat(anonymous().getUrl(url).status())
                .as("signed URLs need no header")
                .isEqualTo(200);

        String[] parts = url.split("/");
        int n = parts.length;
        String tampered = url.replace(
                "/" + parts[n - 2] + "/",
                "/" + parts[n - 2].replace(parts[n - 2].charAt(0), parts[n - 2].charAt(0) == 'A' ? 'B' : 'A') + "/");
        assertThat(anonymous().getUrl(tampered).status()).isEqualTo(403);
        String otherVideo = url.replace("/media/" + id + "/", "/media/" + (id + 1000) + "/");
        assertThat(anonymous().getUrl(otherVideo).status()).isEqualTo(403);
        String expired = url.replace("/" + parts[n - 3] + "/", "/1000/");
        assertThat(anonymous().getUrl(expired).status()).isEqualTo(403);
        String traversal = url.replace("thumbnail.jpg", "hls/../original.mp4");
        assertThat(anonymous().getUrl(traversal).status()).isIn(400, 404);
    }

    @Test
    void badRequestsGetJsonErrorsNotHtml() {
        ApiClient.Reply notMultipart = alice.postJson("/api/videos", "{}");
        assertThat(notMultipart.status()).isEqualTo(415);
        assertThat(notMultipart.json().path("error").asText()).isNotBlank();
        ApiClient.Reply badJson = newUser(Role.ADMIN).postJson("/api/users", "{not json");
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.json().path("error").asText()).isEqualTo("bad request");
        ApiClient.Reply badId = alice.get("/api/videos/abc");
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.contentType()).contains("json");
        assertThat(alice.get("/api/videos?size=100000").status()).isEqualTo(400);
    }
}
