package io.clipflow.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.security.Role;
import io.clipflow.testsupport.Browser;
import io.clipflow.testsupport.Clips;
import io.clipflow.testsupport.IntegrationTestBase;
import io.clipflow.testsupport.PageClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/** A video's own page in headless Chromium: the HLS player plays, the facts and timeline are there, delete works. */
class VideoPageBrowserIT extends IntegrationTestBase {

    @TempDir
    Path dir;

    @Test
    void playsTheLadderAndShowsRenditionsProbeDataAndTheTaskTimeline() {
        Account alice = newAccount(Role.USER);
        long id = upload(alice, Clips.generate(dir, "play.mp4", 640, 360, 3, true), "Playable");
        alice.api().awaitVideo(id, Duration.ofSeconds(90), "READY");
        try (Browser browser = Browser.open(base())) {
            browser.signIn(alice.username(), alice.password()).go("/ui/videos/" + id);
            assertThat(browser.find(By.id("video-title")).getText()).isEqualTo("Playable");
            assertThat(browser.find(By.id("video-status")).getText()).isEqualTo("READY");

            WebElement player = browser.find(By.id("player"));
            JavascriptExecutor js = (JavascriptExecutor) browser.driver();
            browser.waitUntil(
                    d -> ((Number) js.executeScript("return arguments[0].readyState;", player)).intValue() >= 2);
            js.executeScript("arguments[0].play();", player);
            browser.waitUntil(
                    Duration.ofSeconds(20),
                    d -> ((Number) js.executeScript("return arguments[0].currentTime;", player)).doubleValue() > 0.5);
            assertThat(browser.find(By.id("player-state")).getText()).contains("360p");

            assertThat(browser.driver().findElements(By.cssSelector("#renditions tr[data-rendition]")))
                    .isNotEmpty();
            assertThat(browser.find(By.id("probe")).getText()).contains("play.mp4", "640×360", "0:03", "h264");
            String timeline = browser.find(By.id("timeline")).getText();
            assertThat(timeline).contains("queued", "started", "transcode", "SUCCESS", "done");
            assertThat(browser.driver().findElements(By.cssSelector("#timeline li[data-state='ok']")))
                    .isNotEmpty();
            browser.screenshot("video");
            assertThat(browser.consoleErrors()).isEmpty();
        }
    }

    @Test
    void deletesAfterConfirmingAndShowsAMarkupTitleAsText() {
        Account bob = newAccount(Role.USER);
        String title = "<script>alert('x')</script><b>bold</b>";
        long id = upload(bob, Clips.textFile(dir, "bad.mp4"), title);
        bob.api().awaitVideo(id, Duration.ofSeconds(30), "FAILED");
        try (Browser browser = Browser.open(base())) {
            browser.signIn(bob.username(), bob.password()).go("/ui/videos/" + id);
            assertThat(browser.find(By.id("video-title")).getText()).isEqualTo(title);
            assertThat(browser.driver().findElements(By.cssSelector("#video-title b")))
                    .isEmpty();
            assertThat(browser.find(By.id("video-error")).getText()).isNotBlank();
            assertThat(browser.find(By.id("timeline")).getText()).contains("FAILURE");

            browser.find(By.id("delete-video")).click();
            browser.driver().switchTo().alert().dismiss();
            assertThat(browser.path()).isEqualTo("/ui/videos/" + id);
            browser.find(By.id("delete-video")).click();
            browser.driver().switchTo().alert().accept();
            browser.waitUntil(d -> browser.path().equals("/ui/videos"));
        }
        assertThat(bob.api().get("/api/videos/" + id).status()).isEqualTo(404);
    }

    @Test
    void answersAnotherUsersVideoPageAndAMissingOneWithTheSame404() {
        Account carol = newAccount(Role.USER);
        Account dave = newAccount(Role.USER);
        long davesVideo = upload(dave, Clips.textFile(dir, "d.mp4"), "dave's");
        PageClient browser = new PageClient(base());
        browser.signIn(carol.username(), carol.password());
        HttpResponse<String> other = browser.get("/ui/videos/" + davesVideo);
        HttpResponse<String> missing = browser.get("/ui/videos/999999999");
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(other.body()).contains("404").doesNotContain("dave's");
        HttpResponse<String> forged = browser.postWithout("/ui/videos/" + davesVideo + "/delete", java.util.Map.of());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(browser.post("/ui/videos/" + davesVideo + "/delete", java.util.Map.of())
                        .statusCode())
                .isEqualTo(404);
        assertThat(dave.api().get("/api/videos/" + davesVideo).status()).isEqualTo(200);
    }

    private static long upload(Account account, Path file, String title) {
        var reply = account.api().upload(file, file.getFileName().toString(), title);
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        return reply.json().get("video").get("id").asLong();
    }
}
