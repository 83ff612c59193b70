package io.clipflow.stage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.clipflow.celery.CeleryResult;
import io.clipflow.notify.EventStreams;
import io.clipflow.notify.Topic;
import io.clipflow.security.ClipflowUser;
import io.clipflow.task.TaskTracker;
import io.clipflow.web.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.domain.Page;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * AI story projects and seed 003's stage API. A project is its owner's (and admins'): anyone else gets 404, so
 * existence does not leak. Starting a stage goes through route stage-execute.
 */
@RestController
class ProjectController {

    private static final Logger log = LoggerFactory.getLogger(ProjectController.class);
    private static final int MAX_SETTINGS = 20_000;

    private final ProjectService projects;
    private final StageRuns runs;
    private final TaskTracker tracker;
    private final EventStreams streams;
    private final StageStarter starter;
    private final ObjectMapper json;

    ProjectController(
            ProjectService projects,
            StageRuns runs,
            TaskTracker tracker,
            EventStreams streams,
            StageStarter starter,
            ObjectMapper json) {
        this.projects = projects;
        this.runs = runs;
        this.tracker = tracker;
        this.streams = streams;
        this.starter = starter;
        this.json = json;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record NewProject(
            @NotBlank @Size(max = 200) String title,
            @Size(max = 100_000) String sourceText,
            Map<String, Object> settings) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ExecuteStage(
            @NotBlank @Size(max = 64) String stageName, Map<String, Object> inputData, Boolean useStreaming) {}

    @PostMapping("/api/v1/projects")
    ResponseEntity<Map<String, Object>> create(
            @Valid @RequestBody NewProject body, @AuthenticationPrincipal ClipflowUser user) {
        if (body.title().chars().anyMatch(Character::isISOControl)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "bad request", "title must be printable characters");
        }
        String settings = body.settings() == null ? "{}" : text(body.settings());
        if (settings.length() > MAX_SETTINGS) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST, "bad request", "settings must be at most " + MAX_SETTINGS + " characters");
        }
        Project project = projects.create(
                user.id(), body.title().strip(), body.sourceText() == null ? "" : body.sourceText(), settings);
        return ResponseEntity.status(HttpStatus.CREATED).body(view(project, false));
    }

    @GetMapping("/api/v1/projects")
    Map<String, Object> list(
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "20") int size,
            @AuthenticationPrincipal ClipflowUser user) {
        ApiException.checkPage(page, size);
        Page<Project> result = projects.list(user.ownerScope(), page, size);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", result.getContent().stream().map(p -> view(p, false)).toList());
        body.put("page", page);
        body.put("size", size);
        body.put("total", result.getTotalElements());
        return body;
    }

    @GetMapping({"/api/v1/projects/{id}", "/api/v1/projects/{id}/"})
    Map<String, Object> get(@PathVariable String id, @AuthenticationPrincipal ClipflowUser user) {
        return view(visible(id, user), true);
    }

    @DeleteMapping({"/api/v1/projects/{id}", "/api/v1/projects/{id}/"})
    ResponseEntity<Void> delete(@PathVariable String id, @AuthenticationPrincipal ClipflowUser user) {
        if (!projects.delete(id, user.ownerScope())) {
            throw ApiException.notFound("project " + id);
        }
        return ResponseEntity.noContent().build();
    }

    /**
     * Seed 003: 202 with {@code {task_id, channel, stage, message, project_id}}; with {@code use_streaming} the stage's
     * events as {@code text/event-stream} until {@code done} or a final {@code error} (closing it does not cancel the
     * task). The stream subscribes before the task is sent, so it misses nothing.
     */
    @PostMapping({"/api/v1/projects/{id}/execute-stage", "/api/v1/projects/{id}/execute-stage/"})
    ResponseEntity<?> executeStage(
            @PathVariable String id,
            @Valid @RequestBody ExecuteStage body,
            @AuthenticationPrincipal ClipflowUser user) {
        Project project = visible(id, user);
        String taskId = UUID.randomUUID().toString();
        StageLaunch.Request request = new StageLaunch.Request(
                taskId, project, body.stageName(), body.inputData() == null ? Map.of() : body.inputData());
        if (!Boolean.TRUE.equals(body.useStreaming())) {
            return ResponseEntity.accepted().body(starter.start(request));
        }
        SseEmitter emitter = streams.open(
                Topic.projectStage(project.getId(), body.stageName()),
                event -> taskId.equals(field(event, "task_id")),
                event -> "done".equals(field(event, "type"))
                        || ("error".equals(field(event, "type")) && "false".equals(field(event, "will_retry"))));
        try {
            starter.start(request);
        } catch (RuntimeException e) {
            emitter.complete();
            throw e;
        }
        return ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM).body(emitter);
    }

    /**
     * Seed 003's polling: {@code {task_id, state, result, info, project_id}} from the result backend, or from the
     * stage's run rows when Redis does not answer.
     */
    @GetMapping({"/api/v1/projects/{id}/task-status", "/api/v1/projects/{id}/task-status/"})
    Map<String, Object> taskStatus(
            @PathVariable String id,
            @RequestParam(name = "task_id") String taskId,
            @AuthenticationPrincipal ClipflowUser user) {
        Project project = visible(id, user);
        StageRun run = runs.latestAttempt(taskId)
                .filter(r -> r.getProjectId().equals(project.getId()))
                .orElseThrow(() -> ApiException.notFound("task " + taskId + " of project " + id));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("task_id", taskId);
        Optional<CeleryResult> result;
        try {
            result = tracker.result(taskId);
        } catch (DataAccessException e) {
            log.warn(
                    "task-status of {}: result backend unavailable ({}); answering from the stage run",
                    taskId,
                    e.getClass().getSimpleName());
            result = null;
        }
        if (result != null && result.isPresent()) {
            CeleryResult r = result.get();
            body.put("state", r.status());
            body.put("result", r.result());
            body.put("info", info(r.status(), r.result().path("exc_message").toString()));
            body.put("source", "result_backend");
        } else {
            String state = celeryState(run.getState());
            body.put("state", state);
            body.put("result", run.getState() == StageRunState.SUCCEEDED ? runResult(run) : null);
            body.put("info", info(state, run.getError()));
            body.put("source", result == null ? "database" : "result_backend");
        }
        body.put("project_id", project.getId());
        return body;
    }

    private Project visible(String id, ClipflowUser user) {
        return projects.find(id, user.ownerScope()).orElseThrow(() -> ApiException.notFound("project " + id));
    }

    private Map<String, Object> view(Project p, boolean withRuns) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", p.getId());
        body.put("title", p.getTitle());
        body.put("source_text", p.getSourceText());
        body.put("settings", tree(p.getSettings()));
        body.put("created_at", p.getCreatedAt().toString());
        body.put("updated_at", p.getUpdatedAt().toString());
        if (withRuns) {
            List<Map<String, Object>> stageRuns =
                    runs.ofProject(p.getId()).stream().map(this::view).toList();
            body.put("stage_runs", stageRuns);
        }
        return body;
    }

    private Map<String, Object> view(StageRun r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage", r.getStage());
        m.put("task_id", r.getTaskId());
        m.put("attempt", r.getAttempt());
        m.put("state", r.getState().name());
        m.put("input", r.getInput());
        m.put("output_text", r.getOutputText());
        m.put("output_json", r.getOutputJson() == null ? null : tree(r.getOutputJson()));
        m.put("model", r.getModel());
        m.put("prompt_tokens", r.getPromptTokens());
        m.put("tokens_used", r.getTokensUsed());
        m.put("latency_ms", r.getLatencyMs());
        m.put("error", r.getError());
        m.put("created_at", r.getCreatedAt().toString());
        m.put(
                "finished_at",
                r.getFinishedAt() == null ? null : r.getFinishedAt().toString());
        return m;
    }

    private Map<String, Object> runResult(StageRun run) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("success", true);
        result.put("task_id", run.getTaskId());
        result.put("channel", LlmStage.channel(run.getProjectId(), run.getStage()));
        result.put("result", run.getOutputJson() != null ? tree(run.getOutputJson()) : run.getOutputText());
        return result;
    }

    private static String celeryState(StageRunState state) {
        return switch (state) {
            case PENDING -> CeleryResult.PENDING;
            case RUNNING -> CeleryResult.STARTED;
            case RETRYING -> CeleryResult.RETRY;
            case SUCCEEDED -> CeleryResult.SUCCESS;
            case FAILED -> CeleryResult.FAILURE;
            case REVOKED -> CeleryResult.REVOKED;
        };
    }

    /** The seed's {@code info} line for people. */
    private static String info(String state, String reason) {
        return switch (state) {
            case CeleryResult.SUCCESS -> "任务执行成功";
            case CeleryResult.FAILURE -> "任务执行失败: " + (reason == null ? "" : reason.replaceAll("^\"|\"$", ""));
            case CeleryResult.REVOKED -> "任务已取消";
            case CeleryResult.RETRY -> "任务重试中";
            case CeleryResult.STARTED, CeleryResult.PROGRESS -> "任务执行中";
            default -> "任务等待中";
        };
    }

    private String field(String event, String name) {
        try {
            JsonNode value = json.readTree(event).get(name);
            return value == null ? null : value.asText();
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private JsonNode tree(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON cannot be read", e);
        }
    }

    private String text(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "bad request", "settings must be a JSON object");
        }
    }
}
