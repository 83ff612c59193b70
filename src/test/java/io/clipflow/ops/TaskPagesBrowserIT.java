package io.clipflow.ops;

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
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/** The tasks pages in headless Chromium: search by argument, retry with the kept arguments, terminate a transcode. */
class TaskPagesBrowserIT extends IntegrationTestBase {

    @TempDir
    Path dir;

    @Test
    void findsATaskByOneOfItsArgumentsAndShowsThemInFull() {
        Account alice = newAccount(Role.USER);
        String needle = "needle-" + UUID.randomUUID();
        String wanted = send(alice, "clipflow.test.echo", "[\"" + needle + "\", {\"depth\": [1, 2, 3]}]");
        String other = send(alice, "clipflow.test.echo", "[\"haystack\"]");
        alice.api().awaitTask(wanted, Duration.ofSeconds(20), "SUCCESS");
        alice.api().awaitTask(other, Duration.ofSeconds(20), "SUCCESS");
        try (Browser browser = Browser.open(base())) {
            browser.signIn(alice.username(), alice.password()).go("/ui/tasks");
            browser.waitUntil(d ->
                    d.findElements(By.cssSelector("#tasks tr[data-task-id]")).size() >= 2);

            browser.find(By.id("f-args")).sendKeys(needle.toUpperCase());
            browser.waitUntil(d ->
                    d.findElements(By.cssSelector("#tasks tr[data-task-id]")).size() == 1
                            && !d.findElements(By.cssSelector("#tasks tr[data-task-id='" + wanted + "']"))
                                    .isEmpty());
            assertThat(browser.path()).contains("args=");
            browser.screenshot("tasks");

            browser.find(By.cssSelector("#tasks tr[data-task-id='" + wanted + "'] a"))
                    .click();
            browser.waitUntil(d -> browser.path().equals("/ui/tasks/" + wanted));
            assertThat(browser.find(By.id("task-state")).getText()).isEqualTo("SUCCESS");
            assertThat(browser.find(By.id("task-args")).getText()).contains(needle, "\"depth\"");
            assertThat(browser.find(By.id("task-result")).getText()).contains(needle);
            assertThat(browser.driver().findElements(By.id("retry")))
                    .as("a success is not retried")
                    .isEmpty();
            assertThat(browser.consoleErrors()).isEmpty();
        }
    }

    @Test
    void retriesAFailedTaskWithItsOriginalArgumentsAndItSucceeds() {
        Account bob = newAccount(Role.USER);
        String key = "key-" + UUID.randomUUID();
        String failed = send(bob, "clipflow.test.fails_once", "[\"" + key + "\"]");
        bob.api().awaitTask(failed, Duration.ofSeconds(20), "FAILURE");
        try (Browser browser = Browser.open(base())) {
            browser.signIn(bob.username(), bob.password()).go("/ui/tasks/" + failed);
            assertThat(browser.find(By.id("task-state")).getText()).isEqualTo("FAILURE");
            assertThat(browser.find(By.id("task-error")).getText()).contains("first time for " + key);

            browser.find(By.id("retry")).click();
            browser.waitUntil(d -> !browser.path().equals("/ui/tasks/" + failed));
            String retried = browser.path().substring("/ui/tasks/".length());
            assertThat(browser.find(By.id("notice")).getText()).contains("same arguments");
            assertThat(browser.find(By.id("retry-of")).getText()).isEqualTo(failed);

            JsonNode done = bob.api().awaitTask(retried, Duration.ofSeconds(20), "SUCCESS", "FAILURE");
            assertThat(done.path("state").asText()).isEqualTo("SUCCESS");
            assertThat(done.path("result").asText()).isEqualTo("ok for " + key);
        }
        assertThat(bob.api().postJson("/api/tasks/" + failed + "/retry", "{}").status())
                .as("the API retries the same way")
                .isEqualTo(202);
    }

    @Test
    void terminatingARunningTranscodeStopsItsFfmpeg() {
        Account carol = newAccount(Role.USER);
        Path clip = Clips.generate(dir, "long.mp4", 1280, 720, 20, false);
        var upload = carol.api().upload(clip, "long.mp4", "Long one");
        assertThat(upload.status()).as(upload.body()).isEqualTo(202);
        long videoId = upload.json().path("video").path("id").asLong();
        String taskId = upload.json().path("task_id").asText();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !transcoding(videoId)
                .isEmpty());
        List<ProcessHandle> ffmpeg = transcoding(videoId);
        try (Browser browser = Browser.open(base())) {
            browser.signIn(carol.username(), carol.password()).go("/ui/tasks/" + taskId);
            browser.find(By.id("terminate")).click();
            browser.waitUntil(d -> !d.findElements(By.id("notice")).isEmpty());
            assertThat(browser.find(By.id("notice")).getText()).contains("Terminated");
        }
        JsonNode task = carol.api().awaitTask(taskId, Duration.ofSeconds(20), "REVOKED", "SUCCESS", "FAILURE");
        assertThat(task.path("state").asText()).isEqualTo("REVOKED");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ffmpeg.stream()
                .noneMatch(ProcessHandle::isAlive));
        assertThat(carol.api()
                        .get("/api/videos/" + videoId)
                        .json()
                        .path("status")
                        .asText())
                .isEqualTo("FAILED");
    }

    @Test
    void keepsOtherUsersTasksAndActionsAwayAndRefusesFormsWithoutTheirToken() {
        Account dave = newAccount(Role.USER);
        Account erin = newAccount(Role.USER);
        String daves = send(dave, "clipflow.test.fails_once", "[\"" + UUID.randomUUID() + "\"]");
        dave.api().awaitTask(daves, Duration.ofSeconds(20), "FAILURE");
        PageClient browser = new PageClient(base());
        browser.signIn(erin.username(), erin.password());
        assertThat(browser.get("/ui/tasks/" + daves).statusCode()).isEqualTo(404);
        assertThat(browser.get("/ui/tasks/" + daves + "/download.json").statusCode())
                .isEqualTo(404);
        assertThat(browser.get("/ui/tasks?id=" + daves.substring(0, 8)).body()).doesNotContain(daves);
        HttpResponse<String> forged = browser.postWithout("/ui/tasks/" + daves + "/retry", Map.of());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(browser.post("/ui/tasks/" + daves + "/retry", Map.of()).statusCode())
                .isEqualTo(404);
        assertThat(erin.api().postJson("/api/tasks/" + daves + "/retry", "{}").status())
                .isEqualTo(404);

        HttpResponse<String> badArgs =
                browser.post("/ui/tasks/send", Map.of("task", "clipflow.test.echo", "args", "[1,"));
        assertThat(badArgs.statusCode()).isEqualTo(302);
        assertThat(browser.get("/ui/tasks").body()).contains("args must be JSON");
    }

    private static String send(Account account, String task, String argsJson) {
        var reply = account.api().postJson("/api/tasks", "{\"task\": \"" + task + "\", \"args\": " + argsJson + "}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        return reply.json().path("task_id").asText();
    }

    /** The ffmpeg processes transcoding the video's original (the HLS ladder), found by their arguments. */
    private static List<ProcessHandle> transcoding(long videoId) {
        String original = "/" + videoId + "/original";
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("ffmpeg")).orElse(false))
                .filter(p -> p.info()
                        .arguments()
                        .map(a -> String.join(" ", a))
                        .orElse("")
                        .contains(original))
                .filter(p -> p.info()
                        .arguments()
                        .map(a -> String.join(" ", a))
                        .orElse("")
                        .contains(".m3u8"))
                .toList();
    }
}
