package io.clipflow.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.config.ClipflowProperties;
import io.clipflow.schedule.ScheduleRuns;
import io.clipflow.security.Role;
import io.clipflow.task.TaskState;
import io.clipflow.testsupport.Browser;
import io.clipflow.testsupport.IntegrationTestBase;
import io.clipflow.testsupport.PageClient;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;

/** Workers, schedules and routes in headless Chromium: what runs where, "run now", route counts and their YAML. */
class SystemPagesBrowserIT extends IntegrationTestBase {

    @Autowired
    ClipflowProperties clipflow;

    @Autowired
    ScheduleRuns runs;

    @Test
    void listsThisNodeAndRunsAScheduleNow() {
        Account admin = newAccount(Role.ADMIN);
        try (Browser browser = Browser.open(base())) {
            browser.signIn(admin.username(), admin.password()).go("/ui/workers");
            By node = By.cssSelector("#workers tr[data-node='" + clipflow.nodeName() + "']");
            assertThat(browser.find(node).getText()).contains("yes", "video: 2");
            assertThat(browser.find(node).findElement(By.className("memory")).getText())
                    .endsWith("MiB");
            assertThat(browser.find(By.cssSelector("#schedules tr[data-job='pending-scan']"))
                            .getText())
                    .contains("0/15 * * * * ?");
            browser.screenshot("workers");

            long clicked = System.currentTimeMillis();
            browser.find(By.cssSelector("#schedules tr[data-job='monitoring'] button.run-now"))
                    .click();
            browser.waitUntil(d -> !d.findElements(By.id("notice")).isEmpty());
            assertThat(browser.find(By.id("notice")).getText()).contains("Started monitoring now");
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    // a run since the click: the kept runs are capped, so their number need not grow
                    .until(() ->
                            runs.runs("monitoring").stream().anyMatch(r -> r.scheduledFireTime() >= clicked - 1000));
            assertThat(browser.consoleErrors()).isEmpty();
        }
    }

    @Test
    void showsRoutesWithTheirCountsAndTheirYamlReadOnly() {
        Account admin = newAccount(Role.ADMIN);
        String id = admin.api()
                .postJson("/api/tasks", "{\"task\": \"clipflow.noop\"}")
                .json()
                .path("task_id")
                .asText();
        awaitResult(id, TaskState.SUCCESS);
        try (Browser browser = Browser.open(base())) {
            browser.signIn(admin.username(), admin.password()).go("/ui/routes");
            By route = By.cssSelector("#routes tr[data-route='builtin-tasks']");
            assertThat(browser.find(route).getText()).contains("Started", "builtin-tasks.camel.yaml");
            assertThat(Long.parseLong(browser.find(route)
                            .findElement(By.className("completed"))
                            .getText()))
                    .isPositive();
            browser.find(route)
                    .findElement(By.linkText("builtin-tasks.camel.yaml"))
                    .click();
            browser.waitUntil(d -> browser.path().equals("/ui/routes/files/builtin-tasks.camel.yaml"));
            assertThat(browser.find(By.id("route-yaml")).getText()).contains("id: builtin-tasks");
        }
        PageClient client = new PageClient(base());
        client.signIn(admin.username(), admin.password());
        assertThat(client.get("/ui/routes/files/pom.xml").statusCode()).isEqualTo(404);
        assertThat(client.get("/ui/routes/files/..%2Fpom.xml").statusCode()).isIn(400, 404);
        assertThat(client.get("/ui/routes/files/nothing.camel.yaml").statusCode())
                .isEqualTo(404);
    }
}
