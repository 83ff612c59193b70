package io.clipflow.ops;

import static io.clipflow.testsupport.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.queue.DeadLetters;
import io.clipflow.queue.NodeRegistry;
import io.clipflow.queue.ReliableQueue;
import io.clipflow.schedule.MonitoringSnapshot;
import io.clipflow.security.Role;
import io.clipflow.task.TaskState;
import io.clipflow.testsupport.Browser;
import io.clipflow.testsupport.IntegrationTestBase;
import io.clipflow.testsupport.PageClient;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;

/** The queues page in headless Chromium: depths, purge with its name typed, charts, dead letters; ADMIN only. */
class QueuePagesBrowserIT extends IntegrationTestBase {

    @Autowired
    ReliableQueue queue;

    @Autowired
    DeadLetters deadLetters;

    @Autowired
    MonitoringSnapshot monitoring;

    @Autowired
    NodeRegistry nodes;

    @Test
    void showsAQueuesDepthAndPurgesItOnlyOnceItsNameIsTyped() {
        Account admin = newAccount(Role.ADMIN);
        String parked = "parked-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            var sent =
                    admin.api().postJson("/api/tasks", "{\"task\": \"clipflow.noop\", \"queue\": \"" + parked + "\"}");
            assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        }
        By row = By.cssSelector("#queues tr[data-queue='" + parked + "']");
        try (Browser browser = Browser.open(base())) {
            browser.signIn(admin.username(), admin.password()).go("/ui/queues");
            assertThat(browser.find(row).findElement(By.className("pending")).getText())
                    .isEqualTo("3");

            browser.find(row).findElement(By.className("confirm")).sendKeys("not-the-name");
            browser.find(row).findElement(By.cssSelector("button.danger")).click();
            browser.driver().switchTo().alert().accept();
            browser.waitUntil(d -> !d.findElements(By.id("problem")).isEmpty());
            assertThat(browser.find(By.id("problem")).getText()).contains("type the queue's name");
            assertThat(browser.find(row).findElement(By.className("pending")).getText())
                    .isEqualTo("3");

            browser.find(row).findElement(By.className("confirm")).sendKeys(parked);
            browser.find(row).findElement(By.cssSelector("button.danger")).click();
            browser.driver().switchTo().alert().accept();
            browser.waitUntil(d -> !d.findElements(By.id("notice")).isEmpty());
            assertThat(browser.find(By.id("notice")).getText()).contains("Purged " + parked + ": 3 message(s)");
            assertThat(browser.consoleErrors()).isEmpty();
        }
    }

    @Test
    void drawsTasksPerMinuteFromTheMonitoringSeries() throws Exception {
        Account admin = newAccount(Role.ADMIN);
        monitoring.take();
        long before = successesInHeartbeats();
        for (int i = 0; i < 3; i++) {
            String id = admin.api()
                    .postJson("/api/tasks", "{\"task\": \"clipflow.noop\"}")
                    .json()
                    .path("task_id")
                    .asText();
            awaitResult(id, TaskState.SUCCESS);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> successesInHeartbeats() >= before + 3);
        monitoring.take();

        PageClient client = new PageClient(base());
        client.signIn(admin.username(), admin.password());
        JsonNode series = new ObjectMapper()
                .readTree(client.get("/ui/queues/series.json?range=hour").body());
        JsonNode last = series.path("points").path(series.path("points").size() - 1);
        assertThat(last.path("tasks").path("success").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(last.path("queue_depths").has("celery")).isTrue();

        try (Browser browser = Browser.open(base())) {
            browser.signIn(admin.username(), admin.password()).go("/ui/queues");
            browser.waitUntil(d -> Integer.parseInt(String.valueOf(
                            browser.find(By.tagName("body")).getAttribute("data-points") == null
                                    ? "0"
                                    : browser.find(By.tagName("body")).getAttribute("data-points")))
                    >= 2);
            assertThat(browser.find(By.id("throughput-chart")).getSize().getHeight())
                    .isGreaterThan(100);
            browser.screenshot("queues");
            assertThat(browser.consoleErrors()).isEmpty();
        }
    }

    @Test
    void replaysAndDeletesDeadLetters() {
        Account admin = newAccount(Role.ADMIN);
        String unknown = aTask("clipflow.test.not_registered_"
                        + UUID.randomUUID().toString().substring(0, 6))
                .on("celery")
                .sentWith(queue)
                .taskId();
        awaitResult(unknown, TaskState.FAILURE);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.list("celery").stream()
                .anyMatch(raw -> raw.contains(unknown)));
        try (Browser browser = Browser.open(base())) {
            browser.signIn(admin.username(), admin.password()).go("/ui/queues");
            By row = By.xpath("//table[@id='dead-letters']//tr[.//a[contains(@href, '" + unknown + "')]]");
            browser.find(row).findElement(By.className("replay")).click();
            browser.waitUntil(d -> !d.findElements(By.id("notice")).isEmpty());
            assertThat(browser.find(By.id("notice")).getText()).isEqualTo("Replayed onto celery.");
            // not registered still: it comes back as a dead letter, which is then deleted
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.list("celery").stream()
                    .anyMatch(raw -> raw.contains(unknown)));
            browser.go("/ui/queues");
            browser.find(row).findElement(By.className("delete")).click();
            browser.waitUntil(d -> !d.findElements(By.id("notice")).isEmpty());
            assertThat(browser.find(By.id("notice")).getText()).isEqualTo("Dead letter deleted.");
            assertThat(deadLetters.list("celery")).noneMatch(raw -> raw.contains(unknown));
        }
    }

    private long successesInHeartbeats() throws Exception {
        long total = 0;
        for (String node : nodes.knownNodes()) {
            String beat = nodes.heartbeatOf(node);
            if (beat != null) {
                total += new ObjectMapper()
                        .readTree(beat)
                        .path("tasks")
                        .path("success")
                        .asLong();
            }
        }
        return total;
    }
}
