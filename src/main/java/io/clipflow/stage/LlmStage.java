package io.clipflow.stage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.celery.CeleryMessage;
import io.clipflow.queue.TaskSupervisor;
import io.clipflow.queue.TaskVariables;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The steps of route stage-llm, the task {@code apps.projects.tasks.execute_llm_stage(project_id, stage_name,
 * input_data, user_id)}: read the task, answer a redelivery from the run that already succeeded, stream the completion
 * with live token events, check the answer against the stage's schema, and reply in the seed's result shape. The YAML
 * orders them and writes the finished run with its {@code jpa:} step.
 */
@Component("llmStage")
public class LlmStage {

    private static final Logger log = LoggerFactory.getLogger(LlmStage.class);

    private final StageProperties stages;
    private final AiProperties ai;
    private final ProjectService projects;
    private final StageRuns runs;
    private final LlmProvider provider;
    private final StageEvents events;
    private final TaskSupervisor supervisor;
    private final ObjectMapper json;

    LlmStage(
            StageProperties stages,
            AiProperties ai,
            ProjectService projects,
            StageRuns runs,
            LlmProvider provider,
            StageEvents events,
            TaskSupervisor supervisor,
            ObjectMapper json) {
        this.stages = stages;
        this.ai = ai;
        this.projects = projects;
        this.runs = runs;
        this.provider = provider;
        this.events = events;
        this.supervisor = supervisor;
        this.json = json;
    }

    /** The task's arguments; seed 002's aliases name their stage in configuration. */
    public StageTask task(@Body CeleryMessage message) {
        return StageTask.from(message, ai.taskAliases());
    }

    /**
     * The run of this attempt, RUNNING; or the run that already succeeded for this task (a redelivery after a lost
     * worker), which the route answers from without asking the provider again.
     *
     * @throws StageFailure (final) for an unknown stage or project, another user's project, a spent daily budget
     */
    public StageRun begin(
            @Variable("stageTask") StageTask task,
            @Variable(TaskVariables.TASK_ID) String taskId,
            @Variable(TaskVariables.TASK_RETRIES) Integer retries) {
        StageDefinition stage = stages.find(task.stage())
                .filter(s -> s.kind() == StageKind.LLM)
                .orElseThrow(() -> StageFailure.fatal(
                        "ValueError", "unknown llm stage '" + task.stage() + "' (configured: " + llmStages() + ")"));
        Project project = projects.find(task.projectId(), null)
                .orElseThrow(
                        () -> StageFailure.fatal("LookupError", "project " + task.projectId() + " does not exist"));
        if (task.userId() != null && !task.userId().equals(project.getOwnerId())) {
            throw StageFailure.fatal(
                    "PermissionError", "project " + project.getId() + " is not user " + task.userId() + "'s");
        }
        Optional<StageRun> done = runs.succeeded(taskId);
        if (done.isPresent()) {
            log.info(
                    "stage {} of project {}: task {} already succeeded; answered from its run",
                    task.stage(),
                    project.getId(),
                    taskId);
            return done.get();
        }
        long used = runs.tokensToday(project.getOwnerId());
        if (used >= ai.limits().tokensPerDay()) {
            throw StageFailure.fatal(
                    "RateLimitExceeded",
                    "user " + project.getOwnerId() + " used " + used + " of "
                            + ai.limits().tokensPerDay() + " tokens today (clipflow.ai.limits.tokens-per-day)");
        }
        String prompt = prompt(task, stage, project);
        StageRun run = runs.begin(project, task.stage(), taskId, retries == null ? 0 : retries, prompt);
        events.update(subject(run), "processing", 0, "阶段 " + stage.displayName() + " 正在生成...");
        return run;
    }

    /** False when {@link #begin} answered from an earlier success: the route then skips the provider. */
    public boolean needsProvider(@Variable("run") StageRun run) {
        return run.getState() != StageRunState.SUCCEEDED;
    }

    /**
     * Streams the completion, each fragment on its way to the browser as it comes, and checks the answer.
     *
     * @return the run SUCCEEDED with text, JSON, model, tokens and latency, for the route's {@code jpa:} step
     * @throws StageFailure when the provider fails or the answer is malformed (retryable while the stage's retries
     *     last), or a limit ends the stream
     */
    public StageRun stream(@Body StageRun run, @Variable(TaskVariables.TASK_RETRIES) Integer retries) {
        StageDefinition stage = stages.find(run.getStage()).orElseThrow();
        StageEvents.Tokens tokens = events.tokens(subject(run));
        int attempt = retries == null ? 0 : retries;
        try {
            LlmProvider.Completion completion = provider.stream(
                    new LlmProvider.Request(
                            stage.model(),
                            stage.systemPrompt(),
                            run.getInput(),
                            stage.maxTokens(),
                            stage.temperature(),
                            stage.output().schema(),
                            stage.softTimeLimit(),
                            stage.timeLimit()),
                    tokens::offer);
            tokens.flush();
            JsonNode parsed;
            try {
                parsed = stage.output().parse(completion.text(), json);
            } catch (MalformedOutputException e) {
                throw StageFailure.retryable("MalformedOutput", e.getMessage(), null, e)
                        .withPartialText(completion.text());
            }
            return runs.completed(run, completion, parsed == null ? null : parsed.toString());
        } catch (StageFailure e) {
            tokens.flush();
            throw e.retryable() && attempt >= stage.maxRetries() ? e.last() : e;
        }
    }

    /** The {@code done} event and the task's result in the seed's shape: {@code {success, task_id, channel, result}}. */
    public Map<String, Object> finished(@Variable("run") StageRun run) {
        Object result = result(run);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("latency_ms", run.getLatencyMs());
        metadata.put("tokens_used", run.getTokensUsed());
        metadata.put("prompt_tokens", run.getPromptTokens());
        metadata.put("model", run.getModel());
        metadata.put("attempt", run.getAttempt());
        events.done(subject(run), run.getOutputText(), run.getOutputJson() == null ? null : result, metadata);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("success", true);
        reply.put("task_id", run.getTaskId());
        reply.put("channel", channel(run.getProjectId(), run.getStage()));
        reply.put("result", result);
        return reply;
    }

    /**
     * Error handler: the run ends RETRYING (another attempt follows), REVOKED or FAILED, with the text streamed so far
     * kept, and an {@code error} event with the retry count.
     */
    public void failed(
            @Variable("stageTask") StageTask task,
            @Variable("run") StageRun run,
            @Variable(TaskVariables.TASK_ID) String taskId,
            @Variable(TaskVariables.TASK_RETRIES) Integer retries,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable failure) {
        Throwable effective = supervisor.effectiveFailure(taskId, failure);
        String reason = effective.getMessage() == null ? effective.toString() : effective.getMessage();
        boolean again = supervisor.willRunAgain(taskId, effective);
        int attempt = retries == null ? 0 : retries;
        boolean revoked = supervisor
                .stopReason(taskId)
                .filter(s -> s == TaskSupervisor.StopReason.REVOKED)
                .isPresent();
        if (run != null && run.getId() != null && run.getState() == StageRunState.RUNNING) {
            StageRunState state =
                    revoked ? StageRunState.REVOKED : again ? StageRunState.RETRYING : StageRunState.FAILED;
            String partial = failure instanceof StageFailure f ? f.partialText() : null;
            try {
                runs.ended(
                        run.getId(),
                        state,
                        partial,
                        reason,
                        provider.modelFor(stage(run).model()));
            } catch (RuntimeException e) {
                log.warn("stage run {} not recorded as {}: {}", run.getId(), state, e.toString());
            }
        }
        if (task != null && projectExists(task)) {
            events.error(
                    new StageEvents.Subject(task.projectId(), task.stage(), taskId),
                    reason,
                    again ? attempt + 1 : attempt,
                    again);
        }
    }

    private boolean projectExists(StageTask task) {
        try {
            return projects.find(task.projectId(), null).isPresent();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private StageDefinition stage(StageRun run) {
        return stages.find(run.getStage()).orElseThrow();
    }

    private Object result(StageRun run) {
        if (run.getOutputJson() == null) {
            return run.getOutputText();
        }
        try {
            return json.readValue(run.getOutputJson(), Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stage run " + run.getId() + " holds JSON it cannot read", e);
        }
    }

    /**
     * The prompt: placeholders filled from input_data, then the project ({@code source_text}, {@code original_text},
     * {@code title}), then the latest output of the stage the placeholder names.
     */
    private String prompt(StageTask task, StageDefinition stage, Project project) {
        Map<String, String> values = new LinkedHashMap<>();
        task.inputData().forEach((k, v) -> values.put(k, v instanceof String s ? s : jsonText(v)));
        values.putIfAbsent("source_text", project.getSourceText());
        values.putIfAbsent("original_text", project.getSourceText());
        values.putIfAbsent("title", project.getTitle());
        return StagePrompt.render(task.stage(), stage.prompt(), StagePrompt.lookup(values, name -> stages.find(name)
                .flatMap(s -> runs.latestSucceeded(project.getId(), name))
                .map(r -> r.getOutputJson() != null ? r.getOutputJson() : r.getOutputText())
                .orElse(null)));
    }

    private String jsonText(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw StageFailure.fatal("ValueError", "input_data holds a value that is not JSON");
        }
    }

    private String llmStages() {
        return String.join(
                ", ",
                stages.stages().entrySet().stream()
                        .filter(e -> e.getValue().kind() == StageKind.LLM)
                        .map(Map.Entry::getKey)
                        .sorted()
                        .toList());
    }

    static StageEvents.Subject subject(StageRun run) {
        return new StageEvents.Subject(run.getProjectId(), run.getStage(), run.getTaskId());
    }

    /** Seed 003's channel name, as the execute-stage reply and the result name it. */
    static String channel(String projectId, String stage) {
        return "ai_story:project:" + projectId + ":stage:" + stage;
    }
}
