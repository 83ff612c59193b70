package io.clipflow.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.celery.TaskOptions;
import io.clipflow.queue.CeleryEventDispatcher;
import io.clipflow.queue.ReliableQueue;
import io.clipflow.queue.TaskRegistry;
import io.clipflow.security.ClipflowUser;
import io.clipflow.task.TaskCallInfo;
import io.clipflow.task.TaskRecord;
import io.clipflow.task.TaskState;
import io.clipflow.task.TaskTracker;
import io.clipflow.web.ApiException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Sends tasks by name (Flower's send-task) for the API and the dashboard, and retries an ended task with the
 * arguments it was sent with: read from {@code task_call}, never rebuilt from a truncated {@code argsrepr}. A retry is
 * a new task that names the old one ({@link CeleryMessage#RETRY_OF_HEADER}); the old one keeps its history.
 */
@Component
class TaskSender {

    private final TaskRegistry registry;
    private final CeleryMessageCodec codec;
    private final ReliableQueue queue;
    private final TaskTracker tracker;
    private final CeleryEventDispatcher events;
    private final ObjectMapper json;

    TaskSender(
            TaskRegistry registry,
            CeleryMessageCodec codec,
            ReliableQueue queue,
            TaskTracker tracker,
            CeleryEventDispatcher events,
            ObjectMapper json) {
        this.registry = registry;
        this.codec = codec;
        this.queue = queue;
        this.tracker = tracker;
        this.events = events;
        this.json = json;
    }

    /** Sends a task by name to its registered queue (or the one given); 400 for an unknown task or queue name. */
    CeleryMessage send(TaskSendController.SendTask body, TaskOptions base, ClipflowUser user) {
        return send(body, base, user, null);
    }

    private CeleryMessage send(TaskSendController.SendTask body, TaskOptions base, ClipflowUser user, String retryOf) {
        String target = body.queue() != null
                ? body.queue()
                : registry.find(body.task())
                        .map(TaskRegistry.Entry::queue)
                        .orElseThrow(() -> new ApiException(
                                HttpStatus.BAD_REQUEST,
                                "unknown task",
                                "task " + body.task() + " is not registered; declare remote tasks with "
                                        + "clipflow.tasks.\"[name]\".queue"));
        if (body.queue() != null && registry.find(body.task()).isEmpty()) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST, "unknown task", "task " + body.task() + " is not registered");
        }
        if (!target.matches("[A-Za-z0-9_.\\-]{1,255}")) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "bad request", "invalid queue name");
        }
        TaskOptions options = base;
        if (body.countdown() != null) {
            options = options.withCountdown(Duration.ofMillis(Math.round(body.countdown() * 1000)));
        }
        if (body.eta() != null) {
            options = options.withEta(body.eta());
        }
        if (body.expires() != null) {
            options = options.withExpires(body.expires());
        }
        if (body.priority() != null) {
            options = options.withPriority(body.priority());
        }
        CeleryMessage message = codec.newTask(body.task(), body.args(), body.kwargs(), target, options)
                .withHeader(CeleryMessage.OWNER_HEADER, user.id());
        if (retryOf != null) {
            message = message.withHeader(CeleryMessage.RETRY_OF_HEADER, retryOf);
        }
        tracker.queued(message, target, user.id(), null);
        queue.publish(target, message.priority(), codec.encode(message));
        events.sent(message);
        return message;
    }

    /**
     * Sends the task again with the arguments and queue it was sent with, as the user. Only a task that ended in
     * FAILURE or REVOKED, that the user may see (404 otherwise), whose call was kept (409 otherwise).
     */
    CeleryMessage retry(String taskId, ClipflowUser user) {
        if (!tracker.visibleTo(taskId, user)) {
            throw ApiException.notFound("task " + taskId);
        }
        TaskRecord record = tracker.find(taskId).orElseThrow(() -> ApiException.notFound("task " + taskId));
        if (record.getState() != TaskState.FAILURE && record.getState() != TaskState.REVOKED) {
            throw new ApiException(
                    HttpStatus.CONFLICT,
                    "conflict",
                    "only a task that ended FAILURE or REVOKED can be retried; " + taskId + " is " + record.getState());
        }
        TaskCallInfo call = tracker.call(taskId)
                .orElseThrow(() -> new ApiException(
                        HttpStatus.CONFLICT, "conflict", "the arguments of task " + taskId + " were not kept"));
        if (call.tooLarge()) {
            throw new ApiException(
                    HttpStatus.CONFLICT,
                    "conflict",
                    "the arguments of task " + taskId + " were over " + TaskCallInfo.MAX_JSON
                            + " characters and were not kept");
        }
        try {
            List<Object> args = json.readValue(call.argsJson(), new TypeReference<>() {});
            Map<String, Object> kwargs = json.readValue(call.kwargsJson(), new TypeReference<>() {});
            var body = new TaskSendController.SendTask(
                    record.getName(), args, kwargs, record.getQueue(), null, null, null, call.priority());
            return send(body, TaskOptions.none(), user, taskId);
        } catch (JsonProcessingException e) {
            throw new ApiException(
                    HttpStatus.CONFLICT, "conflict", "the kept arguments of task " + taskId + " are not valid JSON");
        }
    }
}
