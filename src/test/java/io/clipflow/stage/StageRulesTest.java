package io.clipflow.stage;

import static io.clipflow.testsupport.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.media.RunningProcesses;
import io.clipflow.queue.RetryHint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules of stages that need no provider: arguments, prompts, answers, run states, failures. */
class StageRulesTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theSeedsSignatureIsReadPositionallyOrByKeywordAndAnAliasNamesItsStage() {
        StageTask positional = StageTask.from(
                aTask("apps.projects.tasks.execute_llm_stage")
                        .withArgs("p1", "rewrite", Map.of("original_text", "x"), 7)
                        .message(),
                Map.of());
        assertThat(positional).isEqualTo(new StageTask("p1", "rewrite", Map.of("original_text", "x"), 7L));

        StageTask keywords = StageTask.from(
                aTask("apps.projects.tasks.execute_llm_stage")
                        .withKwargs(Map.of("project_id", "p2", "stage_name", "storyboard", "user_id", 3))
                        .message(),
                Map.of());
        assertThat(keywords).isEqualTo(new StageTask("p2", "storyboard", Map.of(), 3L));

        StageTask alias = StageTask.from(
                aTask("video.tasks.generate_script_async").withArgs("p3").message(),
                Map.of("video.tasks.generate_script_async", "rewrite"));
        assertThat(alias).isEqualTo(new StageTask("p3", "rewrite", Map.of(), null));
    }

    @Test
    void argumentsOfAnotherShapeFailAtOnceNamingTheSignature() {
        assertThatThrownBy(() -> StageTask.from(
                        aTask("apps.projects.tasks.execute_llm_stage")
                                .withArgs("p", "rewrite", "not a dict", 1)
                                .message(),
                        Map.of()))
                .isInstanceOfSatisfying(StageFailure.class, f -> {
                    assertThat(f.excType()).isEqualTo("TypeError");
                    assertThat(f.retryable()).isFalse();
                    assertThat(f.getMessage())
                            .contains("execute_llm_stage(project_id, stage_name, input_data, user_id)")
                            .contains("input_data must be an object");
                });
        assertThatThrownBy(() -> StageTask.from(
                        aTask("apps.projects.tasks.execute_llm_stage")
                                .withArgs("p")
                                .message(),
                        Map.of()))
                .hasMessageContaining("stage_name");
    }

    @Test
    void promptsFillPlaceholdersAndNameTheOneNobodyCanFill() {
        String prompt = StagePrompt.render(
                "storyboard",
                "Split {rewrite} into shots like {\"scene\": \"...\"} for {title}",
                StagePrompt.lookup(Map.of("title", "T$1"), name -> name.equals("rewrite") ? "the copy" : null));
        assertThat(prompt).isEqualTo("Split the copy into shots like {\"scene\": \"...\"} for T$1");

        assertThatThrownBy(() -> StagePrompt.render("camera", "Plan {storyboard}", name -> null))
                .isInstanceOfSatisfying(StageFailure.class, f -> assertThat(f.getMessage())
                        .contains("{storyboard}")
                        .contains("run stage storyboard first"));
    }

    @Test
    void aStoryboardIsCheckedAgainstItsSchemaAndAMalformedOneSaysWhatIsWrong() throws Exception {
        assertThat(StageOutput.TEXT.parse("anything", JSON)).isNull();
        assertThat(StageOutput.STORYBOARD
                        .parse("```json\n[{\"scene\":\"roof\",\"narration\":\"猫\",\"duration\":3.5}]\n```", JSON)
                        .get(0)
                        .path("duration")
                        .asDouble())
                .isEqualTo(3.5);
        Map<String, String> malformed = Map.of(
                "not json at all", "storyboard is not JSON",
                "{\"scene\":\"x\"}", "must be a non-empty JSON list",
                "[]", "must be a non-empty JSON list",
                "[{\"scene\":\"x\",\"narration\":\"y\"}]", "shot 1 has no duration",
                "[{\"scene\":\"x\",\"narration\":\"y\",\"duration\":-1}]", "shot 1 has no duration",
                "[{\"scene\":\"\",\"narration\":\"y\",\"duration\":1}]", "shot 1 has no scene",
                "[{\"scene\":\"x\",\"narration\":\"y\",\"duration\":1}, 5]", "shot 2 is not an object");
        malformed.forEach((answer, reason) -> assertThatThrownBy(() -> StageOutput.STORYBOARD.parse(answer, JSON))
                .as(answer)
                .isInstanceOf(MalformedOutputException.class)
                .hasMessageContaining(reason));
        String tooMany = JSON.writeValueAsString(java.util.Collections.nCopies(
                StageOutput.MAX_SHOTS + 1, Map.of("scene", "s", "narration", "n", "duration", 1)));
        assertThatThrownBy(() -> StageOutput.STORYBOARD.parse(tooMany, JSON)).hasMessageContaining("more than 50");
        assertThatThrownBy(() -> StageOutput.CAMERA.parse("[{\"shot\":1}]", JSON))
                .hasMessageContaining("camera entry 1 has no movement");
        assertThat(StageOutput.STORYBOARD.schema())
                .containsEntry("type", "array")
                .containsEntry("maxItems", 50);
    }

    @Test
    void runStatesOwnTheirMoves() {
        assertThat(StageRunState.PENDING.canTransitionTo(StageRunState.RUNNING)).isTrue();
        assertThat(StageRunState.RUNNING.canTransitionTo(StageRunState.RETRYING))
                .isTrue();
        assertThat(StageRunState.RETRYING.canTransitionTo(StageRunState.RUNNING))
                .isTrue();
        assertThat(StageRunState.PENDING.canTransitionTo(StageRunState.SUCCEEDED))
                .isFalse();
        for (StageRunState end : List.of(StageRunState.SUCCEEDED, StageRunState.FAILED, StageRunState.REVOKED)) {
            assertThat(StageRunState.values()).noneMatch(end::canTransitionTo);
            assertThat(end.active()).isFalse();
        }
        StageRun run = new StageRun("p", 1L, "rewrite", "t", 0, "in", java.time.Instant.EPOCH);
        assertThatThrownBy(() -> run.moveTo(StageRunState.SUCCEEDED, java.time.Instant.EPOCH))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void providerStatusesAreClassifiedAndRetryAfterIsRead() {
        var tooMany = ProviderHttpClient.ProviderException.of(
                429, Map.of("Retry-After", List.of("2")), "{\"error\":{\"message\":\"Rate limit exceeded\"}}");
        assertThat(tooMany.retryable()).isTrue();
        assertThat(tooMany.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(tooMany.getMessage()).isEqualTo("429 - Rate limit exceeded");
        for (int status : List.of(500, 502, 503, 408)) {
            assertThat(ProviderHttpClient.ProviderException.of(status, Map.of(), "")
                            .retryable())
                    .as("%d", status)
                    .isTrue();
        }
        for (int status : List.of(400, 401, 403, 404, 422)) {
            assertThat(ProviderHttpClient.ProviderException.of(status, Map.of(), "bad")
                            .retryable())
                    .as("%d", status)
                    .isFalse();
        }
    }

    @Test
    void aFailureCarriesItsRetryHintAndTheLastAttemptIsFinal() {
        StageFailure limited = StageFailure.retryable("ProviderError", "429", Duration.ofSeconds(3), null);
        RuntimeException wrapped = new RuntimeException("route", limited);
        assertThat(RetryHint.of(wrapped)).isPresent().get().satisfies(h -> {
            assertThat(h.retryable()).isTrue();
            assertThat(h.retryAfter()).contains(Duration.ofSeconds(3));
        });
        StageFailure last = limited.withPartialText("so far").last();
        assertThat(last.retryable()).isFalse();
        assertThat(last.partialText()).isEqualTo("so far");
        assertThat(last.excType()).isEqualTo("ProviderError");
    }

    @Test
    void withNoProviderConfiguredAStageFailsAtOnceNamingTheSetting() {
        AiProperties none = new AiProperties(
                new AiProperties.Llm("", "", "CLIPFLOW_LLM_API_KEY", Duration.ofSeconds(1), Duration.ofSeconds(1)),
                new AiProperties.Limits(4, 1000, Duration.ofHours(1)),
                20,
                Map.of());
        LlmProvider provider = new LlmProvider(none, new RunningProcesses());
        assertThatThrownBy(() -> provider.stream(
                        new LlmProvider.Request(
                                "", "", "hi", 10, 0.5, null, Duration.ofSeconds(1), Duration.ofSeconds(2)),
                        (fragment, soFar) -> {}))
                .isInstanceOfSatisfying(StageFailure.class, f -> {
                    assertThat(f.excType()).isEqualTo("ImproperlyConfigured");
                    assertThat(f.retryable()).isFalse();
                    assertThat(f.getMessage()).contains("clipflow.ai.llm.base-url");
                });
    }
}
