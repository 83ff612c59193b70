package io.clipflow.stage;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Every state change of a stage run goes through here; {@link StageRunState} decides which moves are legal. A finished
 * run is completed here and written by route stage-llm's {@code jpa:} step.
 */
@Component("stageRuns")
public class StageRuns {

    private final StageRunRepository runs;
    private final Clock clock;

    StageRuns(StageRunRepository runs, Clock clock) {
        this.runs = runs;
        this.clock = clock;
    }

    /** The first attempt's row, PENDING, written before the task is sent (POST execute-stage). */
    @Transactional
    public StageRun queued(Project project, String stage, String taskId, String input) {
        return runs.save(new StageRun(project.getId(), project.getOwnerId(), stage, taskId, 0, input, clock.instant()));
    }

    /** The run of this task that already succeeded, if any: a redelivered message is answered from it. */
    @Transactional(readOnly = true)
    public Optional<StageRun> succeeded(String taskId) {
        return runs.findFirstByTaskIdAndState(taskId, StageRunState.SUCCEEDED);
    }

    /**
     * RUNNING: the row of this attempt (written when the task was sent here, else now, for a task a Python producer
     * sent), with the prompt that goes to the provider.
     */
    @Transactional
    public StageRun begin(Project project, String stage, String taskId, int attempt, String input) {
        StageRun run = runs.findByTaskIdAndAttempt(taskId, attempt)
                .orElseGet(() -> new StageRun(
                        project.getId(), project.getOwnerId(), stage, taskId, attempt, input, clock.instant()));
        run.moveTo(StageRunState.RUNNING, clock.instant());
        run.input(input);
        run.error(null);
        return runs.save(run);
    }

    /** SUCCEEDED with the answer, on the detached run; the route's {@code jpa:} step writes it. */
    public StageRun completed(StageRun run, LlmProvider.Completion completion, String outputJson) {
        run.moveTo(StageRunState.SUCCEEDED, clock.instant());
        run.output(completion.text(), outputJson);
        run.usage(
                completion.model(),
                completion.promptTokens(),
                completion.completionTokens(),
                completion.latencyMillis());
        return run;
    }

    /** The attempt ended without an answer: RETRYING, FAILED or REVOKED, with the text streamed before the end. */
    @Transactional
    public void ended(long runId, StageRunState state, String partialText, String error, String model) {
        StageRun run = runs.findById(runId).orElseThrow(() -> new IllegalStateException("no stage run " + runId));
        run.moveTo(state, clock.instant());
        if (partialText != null) {
            run.output(partialText, null);
        }
        run.error(error);
        if (model != null) {
            run.usage(model, null, null, null);
        }
        runs.save(run);
    }

    /** The latest successful output of a stage of the project (its JSON when it has one, else its text). */
    @Transactional(readOnly = true)
    public Optional<StageRun> latestSucceeded(String projectId, String stage) {
        return runs.findFirstByProjectIdAndStageAndStateOrderByFinishedAtDesc(
                projectId, stage, StageRunState.SUCCEEDED);
    }

    @Transactional(readOnly = true)
    public List<StageRun> ofProject(String projectId) {
        return runs.findByProjectIdOrderByCreatedAtAsc(projectId);
    }

    /** The latest attempt of a task, for the status API when the result backend cannot answer. */
    @Transactional(readOnly = true)
    public Optional<StageRun> latestAttempt(String taskId) {
        return runs.findByTaskIdOrderByAttemptDesc(taskId).stream().findFirst();
    }

    /** Stages of the user waiting or running now (rows older than {@code window} were lost and do not count). */
    @Transactional(readOnly = true)
    public long active(long ownerId, java.time.Duration window) {
        return runs.countActive(
                ownerId,
                EnumSet.of(StageRunState.PENDING, StageRunState.RUNNING),
                clock.instant().minus(window));
    }

    /** Prompt and completion tokens the user's runs used since the start of today (UTC). */
    @Transactional(readOnly = true)
    public long tokensToday(long ownerId) {
        Instant midnight =
                LocalDate.now(clock.withZone(ZoneOffset.UTC)).atStartOfDay().toInstant(ZoneOffset.UTC);
        return runs.tokensSince(ownerId, midnight);
    }
}
