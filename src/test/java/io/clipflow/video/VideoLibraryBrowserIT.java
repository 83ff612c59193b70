package io.clipflow.video;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipflow.security.Role;
import io.clipflow.testsupport.Browser;
import io.clipflow.testsupport.Clips;
import io.clipflow.testsupport.IntegrationTestBase;
import io.clipflow.testsupport.PageClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/** A user's video library in headless Chromium: upload with progress, live status, search, filter, escaping. */
class VideoLibraryBrowserIT extends IntegrationTestBase {

    @TempDir
    Path dir;

    @Test
    void uploadsAClipAndWatchesItBecomeReadyWithoutAReload() {
        Account alice = newAccount(Role.USER);
        Path clip = Clips.generate(dir, "first-clip.mp4", 640, 360, 2, true);
        try (Browser browser = Browser.open(base())) {
            browser.signIn(alice.username(), alice.password()).go("/ui/videos");
            assertThat(browser.find(By.id("no-videos")).isDisplayed()).isTrue();
            browser.waitUntil(d -> "on".equals(browser.find(By.tagName("body")).getAttribute("data-live")));
            JavascriptExecutor js = (JavascriptExecutor) browser.driver();
            js.executeScript("window.sameDocument = 'yes';");
            // small tus chunks, so the clip goes up in several PATCHes
            js.executeScript("document.getElementById('drop-zone').dataset.chunkSize = '65536';");

            browser.find(By.id("file-input")).sendKeys(clip.toAbsolutePath().toString());

            WebElement item = browser.waitUntil(
                    Duration.ofSeconds(30), d -> d.findElement(By.cssSelector(".upload-item[data-state='uploaded']")));
            assertThat(item.findElement(By.tagName("progress")).getAttribute("value"))
                    .isEqualTo("100");
            assertThat(item.findElement(By.className("pct")).getText()).isEqualTo("100%");
            String id = item.getAttribute("data-video-id");

            By card = By.id("video-" + id);
            browser.waitUntil(
                    Duration.ofSeconds(90),
                    d -> !d.findElements(card).isEmpty()
                            && "READY".equals(d.findElement(card).getAttribute("data-status")));
            assertThat(browser.find(card).findElement(By.className("badge")).getText())
                    .isEqualTo("READY");
            assertThat(browser.find(card).findElement(By.className("title")).getText())
                    .isEqualTo("first-clip");
            assertThat(browser.find(card).findElement(By.className("duration")).getText())
                    .isEqualTo("0:02");
            browser.waitUntil(d -> (Boolean) js.executeScript(
                    "const i = document.querySelector(arguments[0] + ' img');"
                            + " return i != null && i.complete && i.naturalWidth > 0;",
                    "#video-" + id));
            assertThat(js.executeScript("return window.sameDocument;"))
                    .as("no reload")
                    .isEqualTo("yes");
            assertThat(alice.api().get("/api/videos/" + id).json().get("status").asText())
                    .isEqualTo("READY");
            browser.screenshot("videos");
            assertThat(browser.consoleErrors()).isEmpty();
        }
    }

    @Test
    void anUploadStoppedHalfwayGoesOnFromWhereTheServerHasItWhenTheFileIsDroppedAgain() throws Exception {
        Account carol = newAccount(Role.USER);
        Path clip = Clips.generate(dir, "half-way.mp4", 640, 360, 2, true);
        byte[] bytes = java.nio.file.Files.readAllBytes(clip);
        int half = bytes.length / 2;
        // the first half went up before the tab was closed
        var created = carol.api()
                .send(carol.api()
                        .request("/api/uploads")
                        .header("Tus-Resumable", "1.0.0")
                        .header("Upload-Length", String.valueOf(bytes.length))
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
        String id =
                created.header("Location").substring(created.header("Location").lastIndexOf('/') + 1);
        var first = carol.api()
                .send(carol.api()
                        .request("/api/uploads/" + id)
                        .header("Tus-Resumable", "1.0.0")
                        .header("Upload-Offset", "0")
                        .header("Content-Type", "application/offset+octet-stream")
                        .method(
                                "PATCH",
                                java.net.http.HttpRequest.BodyPublishers.ofByteArray(
                                        java.util.Arrays.copyOf(bytes, half))));
        assertThat(first.status()).isEqualTo(204);
        long modified = java.nio.file.Files.getLastModifiedTime(clip).toMillis();
        try (Browser browser = Browser.open(base())) {
            browser.signIn(carol.username(), carol.password()).go("/ui/videos");
            JavascriptExecutor js = (JavascriptExecutor) browser.driver();
            String key = "clipflow.tus:half-way.mp4:" + bytes.length + ":" + modified;
            js.executeScript("localStorage.setItem(arguments[0], arguments[1]);", key, "/ui/uploads/" + id);
            js.executeScript("document.getElementById('drop-zone').dataset.chunkSize = '32768';");

            browser.find(By.id("file-input")).sendKeys(clip.toAbsolutePath().toString());

            WebElement item = browser.waitUntil(
                    Duration.ofSeconds(30), d -> d.findElement(By.cssSelector(".upload-item[data-state='uploaded']")));
            assertThat(item.getDomAttribute("data-resumed-at")).isEqualTo(String.valueOf(half));
            String videoId = item.getDomAttribute("data-video-id");
            assertThat(carol.api()
                            .get("/api/uploads/" + id)
                            .json()
                            .path("video_id")
                            .asText())
                    .as("the same upload, finished")
                    .isEqualTo(videoId);
            assertThat(js.executeScript("return localStorage.getItem(arguments[0]);", key))
                    .as("forgotten once done")
                    .isNull();
            JsonNode video = carol.api().awaitVideo(Long.parseLong(videoId), Duration.ofSeconds(90), "READY", "FAILED");
            assertThat(video.path("status").asText()).as(video.toString()).isEqualTo("READY");
            assertThat(video.path("size_bytes").asLong()).isEqualTo(bytes.length);
            assertThat(browser.consoleErrors()).isEmpty();
        }
    }

    @Test
    void searchesTitlesFiltersByStatusAndShowsMarkupAsText() {
        Account bob = newAccount(Role.USER);
        Path notAVideo = Clips.textFile(dir, "notes.mp4");
        String xss = "<img src=x onerror=alert(1)> beach";
        long beach = uploaded(bob, notAVideo, "a.mp4", "Beach day");
        long mountain = uploaded(bob, notAVideo, "b.mp4", "Mountain");
        long marked = uploaded(bob, notAVideo, "c.mp4", xss);
        for (long id : List.of(beach, mountain, marked)) {
            bob.api().awaitVideo(id, Duration.ofSeconds(30), "FAILED");
        }
        try (Browser browser = Browser.open(base())) {
            browser.signIn(bob.username(), bob.password()).go("/ui/videos");
            browser.waitUntil(d -> "on".equals(browser.find(By.tagName("body")).getAttribute("data-live")));
            assertThat(browser.driver().findElements(By.cssSelector(".video-card")))
                    .hasSize(3);
            assertThat(browser.find(By.id("video-" + marked))
                            .findElement(By.className("title"))
                            .getText())
                    .isEqualTo(xss);
            assertThat(browser.driver().findElements(By.cssSelector(".video-card .title img")))
                    .isEmpty();

            browser.find(By.id("q")).sendKeys("BEACH");
            browser.waitUntil(d -> d.findElements(By.cssSelector(".video-card")).size() == 2);
            assertThat(browser.path()).contains("q=BEACH");
            assertThat(browser.driver().findElements(By.id("video-" + mountain)))
                    .isEmpty();

            browser.find(By.id("q")).clear();
            browser.find(By.id("q")).sendKeys("mount");
            browser.waitUntil(d -> d.findElements(By.cssSelector(".video-card")).size() == 1
                    && !d.findElements(By.id("video-" + mountain)).isEmpty());

            new org.openqa.selenium.support.ui.Select(browser.find(By.id("status"))).selectByValue("READY");
            browser.waitUntil(d -> d.findElements(By.cssSelector(".video-card")).isEmpty());
            new org.openqa.selenium.support.ui.Select(browser.find(By.id("status"))).selectByValue("FAILED");
            browser.waitUntil(d -> d.findElements(By.cssSelector(".video-card")).size() == 1);
            assertThat(browser.consoleErrors()).isEmpty();
        }
    }

    private static long uploaded(Account account, Path file, String name, String title) {
        var reply = account.api().upload(file, name, title);
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        return reply.json().get("video").get("id").asLong();
    }

    @Test
    void refusesAnUploadWithoutItsCsrfTokenAndHidesOtherUsersCards() {
        Account carol = newAccount(Role.USER);
        Account dave = newAccount(Role.USER);
        long davesVideo = uploaded(dave, Clips.textFile(dir, "x.mp4"), "x.mp4", "dave's");
        PageClient browser = new PageClient(base());
        browser.signIn(carol.username(), carol.password());

        HttpResponse<String> forged = browser.postWithout("/ui/videos", java.util.Map.of("title", "forged"));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("CSRF");

        assertThat(browser.get("/ui/videos/" + davesVideo + "/card").statusCode())
                .isEqualTo(404);
        assertThat(browser.get("/ui/videos?q=dave").body()).doesNotContain("video-" + davesVideo);
        assertThat(carol.api().get("/api/videos?q=dave").json().get("total").asLong())
                .isZero();
        // The text file is accepted and fails in ffprobe a moment later; the filter is about that end state.
        dave.api().awaitVideo(davesVideo, Duration.ofSeconds(60), "FAILED");
        assertThat(dave.api()
                        .get("/api/videos?q=DAVE&status=failed")
                        .json()
                        .get("total")
                        .asLong())
                .isEqualTo(1);
        assertThat(dave.api().get("/api/videos?status=gone").status()).isEqualTo(400);
    }
}
