package io.clipflow.task;

import io.clipflow.queue.CeleryMessage;
import io.clipflow.security.ClipflowUser;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one place a task's state changes: writes the live state to the result backend (what Celery clients read) and
 * the history row to the database (what the API and audits read). Called by the celery consumer and by routes.
 */
@Component("taskTracker")
public class TaskTracker {

    private final ResultBackend backend;
    private final TaskRecordRepository records;
    private final TransactionTemplate tx;
    private final ResultProperties properties;
    private final Clock clock;

    TaskTracker(
            ResultBackend backend,
            TaskRecordRepository records,
            TransactionTemplate tx,
            ResultProperties properties,
            Clock clock) {
        this.backend = backend;
        this.records = records;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
    }

    /** Records a task this node is about to send, so its owner can see it before any worker does. */
    public void queued(String taskId, String name, String queue, Long ownerId, Long videoId) {
        records.save(new TaskRecord(taskId, name, queue, ownerId, videoId, clock.instant()));
    }

    public boolean alreadySucceeded(String taskId) {
        return backend.get(taskId).map(r -> "SUCCESS".equals(r.status())).orElse(false);
    }

    public void started(CeleryMessage message, String worker) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("pid", ProcessHandle.current().pid());
        meta.put("hostname", worker);
        backend.store(extended(CeleryResult.started(message.taskId(), meta), message, worker));
        record(message, TaskState.STARTED, worker, null);
    }

    public void succeeded(CeleryMessage message, Object result, String worker) {
        backend.store(extended(CeleryResult.success(message.taskId(), result), message, worker));
        record(message, TaskState.SUCCESS, worker, null);
    }

    public void failed(CeleryMessage message, String excType, String reason, String worker) {
        backend.store(
                extended(CeleryResult.failure(message.taskId(), excType, reason, "clipflow", null), message, worker));
        record(message, TaskState.FAILURE, worker, reason);
    }

    /** A running task's progress (Celery's custom-state idiom: state PROGRESS, meta as the result). */
    public void progress(String taskId, Map<String, Object> meta) {
        backend.store(CeleryResult.progress(taskId, meta));
    }

    /** The task met its subject locked by another running task and did nothing. */
    public void skipped(String taskId, String reason) {
        tx.executeWithoutResult(s -> records.findById(taskId)
                .ifPresent(r -> r.moveTo(TaskState.SKIPPED, null, reason, r.getRetries(), clock.instant())));
    }

    /**
     * Whether {@code user} may see anything about the task: an admin any task, a user only tasks recorded as theirs.
     * The one ownership rule for task ids, also for dead letters and task event channels, which carry a task id.
     */
    public boolean visibleTo(String taskId, ClipflowUser user) {
        if (user.isAdmin()) {
            return true;
        }
        return records.findById(taskId)
                .map(TaskRecord::getOwnerId)
                .filter(owner -> owner == user.id())
                .isPresent();
    }

    public Optional<TaskRecord> find(String taskId) {
        return records.findById(taskId);
    }

    public Optional<CeleryResult> result(String taskId) {
        return backend.get(taskId);
    }

    private CeleryResult extended(CeleryResult result, CeleryMessage message, String worker) {
        if (!properties.extended()) {
            return result;
        }
        return result.withExtended(
                message.taskName(), message.args(), message.kwargs(), worker, message.retries(), message.queue());
    }

    private void record(CeleryMessage message, TaskState state, String worker, String error) {
        Instant now = clock.instant();
        tx.executeWithoutResult(s -> {
            TaskRecord record = records.findById(message.taskId())
                    .orElseGet(() -> records.save(
                            new TaskRecord(message.taskId(), message.taskName(), message.queue(), null, null, now)));
            record.moveTo(state, worker, error, message.retries(), now);
        });
    }
}
