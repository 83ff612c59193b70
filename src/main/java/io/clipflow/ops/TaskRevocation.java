package io.clipflow.ops;

import io.clipflow.queue.ControlChannel;
import io.clipflow.queue.DeliveryProperties;
import io.clipflow.queue.ReliableQueue;
import io.clipflow.security.ClipflowUser;
import io.clipflow.task.TaskRecord;
import io.clipflow.task.TaskState;
import io.clipflow.task.TaskTracker;
import io.clipflow.web.ApiException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Revoke, as Celery's {@code AsyncResult.revoke(terminate=...)}: a pending task is skipped when it comes up (and ends
 * REVOKED at once); a running one is stopped only with {@code terminate}, on whichever node runs it. The API
 * (TaskControlController) and the dashboard's task page both revoke through here.
 */
@Component
class TaskRevocation {

    private final TaskTracker tracker;
    private final ReliableQueue queue;
    private final ControlChannel control;
    private final DeliveryProperties delivery;
    private final Clock clock;

    TaskRevocation(
            TaskTracker tracker,
            ReliableQueue queue,
            ControlChannel control,
            DeliveryProperties delivery,
            Clock clock) {
        this.tracker = tracker;
        this.queue = queue;
        this.control = control;
        this.delivery = delivery;
        this.clock = clock;
    }

    /** Revokes a task the user may see; 404 when they may not, 409 when it already ended. */
    Map<String, Object> revoke(String taskId, boolean terminate, ClipflowUser user) {
        Optional<TaskRecord> record = tracker.find(taskId);
        if (!tracker.visibleTo(taskId, user)) {
            throw ApiException.notFound("task " + taskId);
        }
        // the live state is the stored result (every task has one once started); the history row, which anonymous
        // successes need not have (clipflow.results.history), only when there is none yet
        TaskState state = tracker.result(taskId)
                .map(r -> liveState(r.status()))
                .or(() -> record.map(TaskRecord::getState))
                .orElse(TaskState.PENDING);
        if (state == TaskState.SUCCESS || state == TaskState.FAILURE || state == TaskState.REVOKED) {
            throw new ApiException(
                    org.springframework.http.HttpStatus.CONFLICT,
                    "conflict",
                    "task " + taskId + " already ended " + state);
        }
        queue.revoke(taskId, clock.instant().plus(delivery.revokedTtl()));
        boolean running = state == TaskState.STARTED || state == TaskState.PROGRESS;
        if (terminate) {
            // also when it looks pending: a task shows STARTED only after clipflow.results.started-after
            control.terminate(taskId);
        }
        if (!running) {
            tracker.revoked(taskId, "revoked");
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("task_id", taskId);
        reply.put("revoked", true);
        reply.put("terminate", terminate);
        reply.put("was", state.name());
        return reply;
    }

    /** A Celery state name as a task state; a custom one (a task's own progress state) means it is running. */
    static TaskState liveState(String status) {
        try {
            return TaskState.valueOf(status);
        } catch (IllegalArgumentException e) {
            return TaskState.PROGRESS;
        }
    }
}
