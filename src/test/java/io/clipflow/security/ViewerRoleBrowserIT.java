package io.clipflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.Browser;
import io.clipflow.testsupport.Clips;
import io.clipflow.testsupport.IntegrationTestBase;
import io.clipflow.testsupport.PageClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/** The read-only VIEWER: sees everyone's things and the operators' pages; the server refuses every change. */
class ViewerRoleBrowserIT extends IntegrationTestBase {

    @TempDir
    Path dir;

    @Test
    void seesEverythingAndIsRefusedEveryChangeOnThePagesAndTheApi() {
        Account alice = newAccount(Role.USER);
        Account viewer = newAccount(Role.VIEWER);
        var upload = alice.api().upload(Clips.textFile(dir, "a.mp4"), "a.mp4", "alice's");
        long video = upload.json().path("video").path("id").asLong();
        String task = upload.json().path("task_id").asText();
        alice.api().awaitVideo(video, Duration.ofSeconds(30), "FAILED");

        PageClient pages = new PageClient(base());
        pages.signIn(viewer.username(), viewer.password());
        assertThat(pages.get("/ui/videos/" + video).statusCode()).isEqualTo(200);
        assertThat(pages.get("/ui/tasks/" + task).statusCode()).isEqualTo(200);
        assertThat(pages.get("/ui/queues").statusCode()).isEqualTo(200);
        assertThat(pages.get("/ui/workers").statusCode()).isEqualTo(200);
        assertThat(pages.get("/ui/routes").body()).contains("video-process");
        assertThat(pages.get("/ui/videos").body()).contains("video-" + video).doesNotContain("drop-zone");

        // every page action of a VIEWER is refused: HostileInputIT's page table, "VIEWER: POST ..."
        pages.get("/ui");
        var refused = pages.post("/ui/videos/" + video + "/delete", Map.of());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("Your role may not do this.");
        assertThat(pages.post("/ui/ws-tickets", Map.of()).statusCode())
                .as("live events are reads")
                .isEqualTo(201);

        ApiClient api = viewer.api();
        assertThat(api.get("/api/videos/" + video).status()).isEqualTo(200);
        assertThat(api.get("/api/tasks/" + task).status()).isEqualTo(200);
        assertThat(api.get("/api/ops/queues").status()).isEqualTo(200);
        assertThat(api.get("/api/users").status()).isIn(403, 404, 405);
        assertThat(api.postJson("/api/tasks", "{\"task\": \"clipflow.noop\"}").status())
                .isEqualTo(403);
        assertThat(api.postJson("/api/tasks/" + task + "/retry", "{}").status()).isEqualTo(403);
        assertThat(api.postJson("/api/tasks/" + task + "/revoke", "{}").status())
                .isEqualTo(403);
        assertThat(api.postJson("/api/ops/queues/celery/purge", "{\"confirm\": true}")
                        .status())
                .isEqualTo(403);
        assertThat(api.postJson("/api/tokens", "{\"name\": \"more\"}").status()).isEqualTo(403);
        assertThat(api.delete("/api/videos/" + video).status()).isEqualTo(403);
        var uploadRefused = api.upload(Clips.textFile(dir, "v.mp4"), "v.mp4", "viewer's");
        assertThat(uploadRefused.status()).isEqualTo(403);
        assertThat(uploadRefused.json().path("detail").asText()).contains("VIEWER");
        assertThat(api.postJson("/api/ws-tickets", "{}").status()).isEqualTo(201);

        assertThat(alice.api().get("/api/videos/" + video).status())
                .as("still there")
                .isEqualTo(200);
    }

    @Test
    void aViewersForgedDeleteFromThePageIsRefusedByTheServer() {
        Account bob = newAccount(Role.USER);
        Account viewer = newAccount(Role.VIEWER);
        var upload = bob.api().upload(Clips.textFile(dir, "b.mp4"), "b.mp4", "bob's " + UUID.randomUUID());
        long video = upload.json().path("video").path("id").asLong();
        bob.api().awaitVideo(video, Duration.ofSeconds(30), "FAILED");
        try (Browser browser = Browser.open(base())) {
            browser.signIn(viewer.username(), viewer.password()).go("/ui/videos/" + video);
            assertThat(browser.find(By.id("signed-in-role")).getText()).isEqualTo("VIEWER");
            assertThat(browser.driver().findElements(By.id("delete-video")))
                    .as("no button")
                    .isEmpty();
            // the button is hidden, but the server decides: post the form anyway, with the page's own CSRF token
            ((JavascriptExecutor) browser.driver())
                    .executeScript(
                            """
                    const f = document.createElement('form');
                    f.method = 'post';
                    f.action = '/ui/videos/' + arguments[0] + '/delete';
                    const t = document.createElement('input');
                    t.type = 'hidden';
                    t.name = '_csrf';
                    t.value = document.querySelector('meta[name="_csrf"]').content;
                    f.appendChild(t);
                    document.body.appendChild(f);
                    f.submit();""",
                            video);
            browser.waitUntil(d -> !d.findElements(By.id("refusal")).isEmpty());
            assertThat(browser.find(By.id("refusal")).getText()).isEqualTo("Your role may not do this.");
        }
        assertThat(bob.api().get("/api/videos/" + video).status()).isEqualTo(200);
    }
}
