package io.clipflow.stage;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * One attempt of one stage of a project: what went in, what came out, the model, tokens and latency. Its state
 * changes only through {@link StageRuns}; route stage-llm writes a finished run with its {@code jpa:} step.
 */
@Entity
@Table(name = "stage_run")
public class StageRun {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "project_id", nullable = false)
    private String projectId;

    @Column(name = "owner_id", nullable = false)
    private Long ownerId;

    @Column(nullable = false)
    private String stage;

    @Column(name = "task_id", nullable = false)
    private String taskId;

    @Column(nullable = false)
    private int attempt;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private StageRunState state;

    private String input;

    @Column(name = "output_text")
    private String outputText;

    @Column(name = "output_json")
    private String outputJson;

    private String model;

    @Column(name = "prompt_tokens")
    private Integer promptTokens;

    @Column(name = "tokens_used")
    private Integer tokensUsed;

    @Column(name = "latency_ms")
    private Long latencyMs;

    private String error;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Column(name = "finished_at")
    private Instant finishedAt;

    @Version
    private long version;

    protected StageRun() {}

    StageRun(String projectId, long ownerId, String stage, String taskId, int attempt, String input, Instant now) {
        this.projectId = projectId;
        this.ownerId = ownerId;
        this.stage = stage;
        this.taskId = taskId;
        this.attempt = attempt;
        this.input = input;
        this.state = StageRunState.PENDING;
        this.createdAt = now;
        this.updatedAt = now;
    }

    void moveTo(StageRunState target, Instant now) {
        if (!state.canTransitionTo(target)) {
            throw new IllegalStateException("stage run " + id + " (" + stage + ", task " + taskId
                    + ") cannot move from " + state + " to " + target);
        }
        state = target;
        updatedAt = now;
        if (target != StageRunState.RUNNING && target != StageRunState.PENDING) {
            finishedAt = now;
        }
    }

    void output(String text, String json) {
        this.outputText = text;
        this.outputJson = json;
    }

    void usage(String model, Integer promptTokens, Integer tokensUsed, Long latencyMs) {
        this.model = model;
        this.promptTokens = promptTokens;
        this.tokensUsed = tokensUsed;
        this.latencyMs = latencyMs;
    }

    void input(String input) {
        this.input = input;
    }

    void error(String error) {
        this.error = error == null || error.length() <= 2000 ? error : error.substring(0, 1999) + "…";
    }

    public Long getId() {
        return id;
    }

    public String getProjectId() {
        return projectId;
    }

    public Long getOwnerId() {
        return ownerId;
    }

    public String getStage() {
        return stage;
    }

    public String getTaskId() {
        return taskId;
    }

    public int getAttempt() {
        return attempt;
    }

    public StageRunState getState() {
        return state;
    }

    public String getInput() {
        return input;
    }

    public String getOutputText() {
        return outputText;
    }

    public String getOutputJson() {
        return outputJson;
    }

    public String getModel() {
        return model;
    }

    public Integer getPromptTokens() {
        return promptTokens;
    }

    public Integer getTokensUsed() {
        return tokensUsed;
    }

    public Long getLatencyMs() {
        return latencyMs;
    }

    public String getError() {
        return error;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    public Instant getFinishedAt() {
        return finishedAt;
    }
}
