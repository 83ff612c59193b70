package io.clipflow.stage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipflow.security.Role;
import io.clipflow.testsupport.Browser;
import io.clipflow.testsupport.IntegrationTestBase;
import io.clipflow.testsupport.LocalLlm;
import io.clipflow.testsupport.PageClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The AI project pages in a real Chromium against the real local model (llama.cpp behind tools/llm): a stage's text
 * streams into its card before the run ends, the card ends with exactly the stored output, and the storyboard's shots
 * show with their camera movements. Who may see and do what is decided by the server.
 */
class ProjectPagesBrowserIT extends IntegrationTestBase {

    static final Duration RUN = Duration.ofSeconds(60);
    static final Pattern PROJECT_PATH = Pattern.compile("/ui/projects/([0-9a-f-]{36})");

    final LocalLlm llm = LocalLlm.shared();

    @DynamicPropertySource
    static void llm(DynamicPropertyRegistry registry) {
        registry.add("clipflow.ai.llm.base-url", () -> LocalLlm.shared().baseUrl());
        registry.add("clipflow.ai.llm.model", () -> LocalLlm.shared().model());
        registry.add("clipflow.stages.rewrite.max-tokens", () -> "60");
    }

    @BeforeEach
    @AfterEach
    void resetModel() {
        llm.reset();
    }

    @Test
    void aStagesTextStreamsIntoItsCardThenTheCardShowsTheStoredRunAndTheShotsFollow() {
        Account alice = newAccount(Role.USER);
        try (Browser browser = Browser.open(base())) {
            browser.signIn(alice.username(), alice.password()).go("/ui/projects");
            String title = "<img src=x onerror=alert(1)> 屋顶上的猫";
            browser.find(By.id("project-title")).sendKeys(title);
            browser.find(By.id("project-source")).sendKeys("一只猫在屋顶上看日落，然后回家吃饭。");
            browser.clickAndLoad(browser.find(By.id("create-project")));
            Matcher path = PROJECT_PATH.matcher(browser.path());
            assertThat(path.matches()).as(browser.path()).isTrue();
            String project = path.group(1);
            assertThat(browser.find(By.id("project-title")).getText())
                    .as("the title is text, not markup")
                    .isEqualTo(title);
            assertThat(browser.driver().findElements(By.cssSelector("#project-title img")))
                    .isEmpty();
            browser.waitUntil(
                    d -> "on".equals(d.findElement(By.id("live-state")).getDomAttribute("data-state")));

            // paced, so the stream lasts long enough to be watched from the page
            llm.pace(60);
            browser.clickAndLoad(browser.find(By.id("run-rewrite")));
            assertThat(browser.find(By.id("notice")).getText()).isEqualTo("阶段 文案改写 任务已启动");
            List<Integer> seen = new ArrayList<>();
            browser.waitUntil(RUN, d -> {
                WebElement card = d.findElement(By.id("stage-rewrite"));
                if ("RUNNING".equals(card.getDomAttribute("data-state"))) {
                    seen.add(
                            d.findElement(By.id("stage-text-rewrite")).getText().length());
                }
                return seen.stream().distinct().filter(n -> n > 0).count() >= 2;
            });
            browser.waitUntil(RUN, d -> "SUCCEEDED"
                    .equals(d.findElement(By.id("stage-rewrite")).getDomAttribute("data-state")));
            WebElement card = browser.find(By.id("stage-rewrite"));
            assertThat(Integer.parseInt(browser.find(By.id("project-page")).getDomAttribute("data-token-events")))
                    .as("token events shown before the end")
                    .isGreaterThanOrEqualTo(2);
            JsonNode run = lastRun(alice, project, "rewrite");
            assertThat(run.path("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(browser.find(By.id("stage-text-rewrite")).getText().strip())
                    .isEqualTo(run.path("output_text").asText().strip());
            assertThat(card.getText()).contains(run.path("tokens_used").asText() + " tokens");
            llm.pace(0);

            browser.clickAndLoad(browser.find(By.id("run-storyboard")));
            browser.waitUntil(
                    RUN, d -> !d.findElements(By.cssSelector(".shot-card")).isEmpty());
            JsonNode board = lastRun(alice, project, "storyboard").path("output_json");
            List<WebElement> shots = browser.driver().findElements(By.cssSelector(".shot-card"));
            assertThat(shots).hasSize(board.size());
            assertThat(shots.get(0)
                            .findElement(By.cssSelector(".scene"))
                            .getText()
                            .strip())
                    .isEqualTo(board.get(0).path("scene").asText().strip());
            assertThat(shots.get(0).findElement(By.tagName("h3")).getText()).isEqualTo("分镜1");

            browser.clickAndLoad(browser.find(By.id("run-camera")));
            browser.waitUntil(RUN, d -> "SUCCEEDED"
                    .equals(d.findElement(By.id("stage-camera")).getDomAttribute("data-state")));
            // each shot shows the movement of the first camera entry naming it
            JsonNode plan = lastRun(alice, project, "camera").path("output_json");
            Map<Integer, String> movements = new HashMap<>();
            for (int i = 0; i < plan.size(); i++) {
                JsonNode entry = plan.get(i);
                int shot = entry.path("shot").canConvertToInt()
                        ? entry.path("shot").asInt()
                        : i + 1;
                movements.putIfAbsent(shot, spaced(entry.path("movement").asText()));
            }
            browser.waitUntil(
                    d -> d.findElements(By.cssSelector(".shot-card")).stream().allMatch(shotCard -> {
                        int shot = Integer.parseInt(shotCard.getDomAttribute("data-shot"));
                        String shown = shotCard.findElements(By.cssSelector(".movement")).stream()
                                .map(m -> spaced(m.getText().replaceFirst("^·", "")))
                                .findFirst()
                                .orElse("");
                        return shown.equals(movements.getOrDefault(shot, ""));
                    }));
            assertThat(browser.find(By.id("stage-camera")).getDomAttribute("data-state"))
                    .isEqualTo("SUCCEEDED");
            browser.screenshot("project");
            assertThat(browser.consoleErrors()).isEmpty();

            browser.go("/ui/projects");
            assertThat(browser.find(By.id("projects")).getText()).contains(title);
        }
    }

    @Test
    void anotherUsersProjectIs404AViewerRunsNothingAndARefusedRunSaysWhy() {
        Account alice = newAccount(Role.USER);
        Account bob = newAccount(Role.USER);
        Account viewer = newAccount(Role.VIEWER);
        String project = alice.api()
                .postJson("/api/v1/projects", "{\"title\": \"alice's\", \"source_text\": \"猫\"}")
                .json()
                .path("id")
                .asText();

        PageClient bobs = new PageClient(base());
        bobs.signIn(bob.username(), bob.password());
        assertThat(bobs.get("/ui/projects/" + project).statusCode()).isEqualTo(404);
        assertThat(bobs.get("/ui/projects/" + project + "/stages/rewrite").statusCode())
                .isEqualTo(404);
        assertThat(bobs.get("/ui/projects").body()).doesNotContain(project);
        bobs.get("/ui/projects");
        assertThat(bobs.post("/ui/projects/" + project + "/stages/rewrite/run", Map.of())
                        .statusCode())
                .isEqualTo(404);
        assertThat(bobs.post("/ui/projects/" + project + "/delete", Map.of()).statusCode())
                .isEqualTo(404);

        PageClient viewers = new PageClient(base());
        viewers.signIn(viewer.username(), viewer.password());
        String page = viewers.get("/ui/projects/" + project).body();
        assertThat(page).contains("alice&#39;s").doesNotContain("run-rewrite").doesNotContain("new-project");
        assertThat(viewers.post("/ui/projects/" + project + "/stages/rewrite/run", Map.of())
                        .statusCode())
                .isEqualTo(403);

        PageClient alices = new PageClient(base());
        alices.signIn(alice.username(), alice.password());
        alices.get("/ui/projects/" + project);
        assertThat(alices.postWithout("/ui/projects/" + project + "/stages/rewrite/run", Map.of())
                        .statusCode())
                .as("no CSRF token")
                .isEqualTo(403);
        var unknown = alices.post("/ui/projects/" + project + "/stages/nope/run", Map.of());
        assertThat(unknown.statusCode()).isEqualTo(302);
        assertThat(alices.get("/ui/projects/" + project).body()).contains("is not a configured stage");
        var untitled = alices.post("/ui/projects", Map.of("title", " ", "source_text", "x"));
        assertThat(untitled.headers().firstValue("Location").orElse("")).endsWith("/ui/projects");
        assertThat(alices.get("/ui/projects").body()).contains("Not created: A project needs a title");
        assertThat(alice.api().get("/api/v1/projects/" + project).json().path("stage_runs"))
                .as("nothing was started")
                .isEmpty();

        alices.get("/ui/projects/" + project);
        assertThat(alices.post("/ui/projects/" + project + "/delete", Map.of()).statusCode())
                .isEqualTo(302);
        assertThat(alice.api().get("/api/v1/projects/" + project).status()).isEqualTo(404);
    }

    /** Text as a browser shows it outside {@code <pre>}: whitespace runs as one space. */
    private static String spaced(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }

    private static JsonNode lastRun(Account owner, String project, String stage) {
        JsonNode runs = owner.api().get("/api/v1/projects/" + project).json().path("stage_runs");
        JsonNode last = null;
        for (JsonNode run : runs) {
            if (stage.equals(run.path("stage").asText())) {
                last = run;
            }
        }
        assertThat(last).as("a run of " + stage).isNotNull();
        return last;
    }
}
