package io.clipflow.stage;

import io.clipflow.celery.TaskCall;
import io.clipflow.celery.TaskOptions;
import io.clipflow.task.TaskTracker;
import io.clipflow.web.ApiException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The steps of route stage-execute ({@code POST /api/v1/projects/{id}/execute-stage/}): admit the stage against the
 * user's limits before any provider call, record its run and task, build the Celery call, reply in the seed's shape.
 */
@Component("stageLaunch")
public class StageLaunch {

    /** What the user asked for, on a project they may see; the task id is chosen first, so a stream can wait for it. */
    public record Request(String taskId, Project project, String stage, Map<String, Object> inputData) {}

    private final StageProperties stages;
    private final AiProperties ai;
    private final StageRuns runs;
    private final TaskTracker tracker;

    StageLaunch(StageProperties stages, AiProperties ai, StageRuns runs, TaskTracker tracker) {
        this.stages = stages;
        this.ai = ai;
        this.runs = runs;
        this.tracker = tracker;
    }

    /**
     * The stage's definition, after the checks: it exists, and the owner is within the concurrent-stage and daily
     * token limits (429 otherwise).
     */
    public StageDefinition admit(@Body Request request) {
        StageDefinition stage = definition(request.stage());
        long owner = request.project().getOwnerId();
        long active = runs.active(owner, ai.limits().activeWindow());
        if (active >= ai.limits().concurrentStages()) {
            throw new ApiException(
                    HttpStatus.TOO_MANY_REQUESTS,
                    "too many stages",
                    "user " + owner + " has " + active + " stages waiting or running; at most "
                            + ai.limits().concurrentStages() + " (clipflow.ai.limits.concurrent-stages)");
        }
        long used = runs.tokensToday(owner);
        if (used >= ai.limits().tokensPerDay()) {
            throw new ApiException(
                    HttpStatus.TOO_MANY_REQUESTS,
                    "token budget spent",
                    "user " + owner + " used " + used + " of " + ai.limits().tokensPerDay()
                            + " tokens today (clipflow.ai.limits.tokens-per-day)");
        }
        return stage;
    }

    /** The Celery queue the stage's tasks go to. */
    public String queue(@Variable("stage") StageDefinition stage) {
        return stage.queue();
    }

    /** Seed 003's task: {@code execute_llm_stage(project_id, stage_name, input_data, user_id)}, owned by the owner. */
    public TaskCall call(@Body Request request, @Variable("stage") StageDefinition stage) {
        List<Object> args = new ArrayList<>(Arrays.asList(
                request.project().getId(),
                request.stage(),
                request.inputData(),
                request.project().getOwnerId()));
        return new TaskCall(
                request.taskId(),
                stage.kind().task(),
                args,
                Map.of(),
                TaskOptions.none(),
                request.project().getOwnerId());
    }

    /** The run (PENDING) and the task's history row, committed before the message exists. */
    @Transactional
    public void queued(
            @Body TaskCall call, @Variable("request") Request request, @Variable("stage") StageDefinition stage) {
        runs.queued(request.project(), request.stage(), call.taskId(), null);
        tracker.queued(
                call.taskId(), call.name(), stage.queue(), request.project().getOwnerId(), null);
    }

    /** The seed's 202 reply. */
    public Map<String, Object> reply(
            @Body String taskId, @Variable("request") Request request, @Variable("stage") StageDefinition stage) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("task_id", taskId);
        body.put("channel", LlmStage.channel(request.project().getId(), request.stage()));
        body.put("stage", request.stage());
        body.put("message", "阶段 " + stage.displayName() + " 任务已启动");
        body.put("project_id", request.project().getId());
        return body;
    }

    private StageDefinition definition(String name) {
        return stages.find(name)
                .orElseThrow(() -> new ApiException(
                        HttpStatus.BAD_REQUEST,
                        "unknown stage",
                        "stage_name '" + name + "' is not a configured stage (" + String.join(", ", sorted()) + ")"));
    }

    private List<String> sorted() {
        return stages.stages().keySet().stream().sorted().toList();
    }
}
