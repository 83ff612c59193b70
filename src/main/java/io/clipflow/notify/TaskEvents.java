package io.clipflow.notify;

import io.clipflow.task.TaskRecord;
import io.clipflow.task.TaskTracker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Live events for any task's lifecycle on {@code task.<id>} and its owner's {@code user.<id>}, in the seeds' format:
 * {@code stage_update} (STARTED, RETRY, REVOKED), {@code done} (result, latency), {@code error} (reason, retry count).
 * Published by the celery consumer for endpoints with {@code events=true}; routes that publish richer events of their
 * own (video-process, through VideoEvents) switch it off.
 */
@Component("taskEvents")
public class TaskEvents {

    private final EventPublisher publisher;
    private final TaskTracker tracker;

    TaskEvents(EventPublisher publisher, TaskTracker tracker) {
        this.publisher = publisher;
        this.tracker = tracker;
    }

    public void stage(String taskId, String taskName, String status) {
        Map<String, Object> event = base("stage_update", taskId, taskName);
        event.put("status", status);
        publish(taskId, event);
    }

    public void done(String taskId, String taskName, Object result, Instant started) {
        Map<String, Object> event = base("done", taskId, taskName);
        event.put("status", "SUCCESS");
        event.put("result", result);
        event.put("metadata", Map.of("latency_ms", Math.max(0, Instant.now().toEpochMilli() - started.toEpochMilli())));
        publish(taskId, event);
    }

    public void error(String taskId, String taskName, String error, int retryCount, boolean last) {
        Map<String, Object> event = base("error", taskId, taskName);
        event.put("status", last ? "FAILURE" : "RETRY");
        event.put("error", error);
        event.put("retry_count", retryCount);
        publish(taskId, event);
    }

    private static Map<String, Object> base(String type, String taskId, String taskName) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("task_id", taskId);
        event.put("task", taskName);
        event.put("timestamp", Instant.now().toString());
        return event;
    }

    private void publish(String taskId, Map<String, Object> event) {
        List<String> topics = new ArrayList<>(List.of("task." + taskId));
        tracker.find(taskId).map(TaskRecord::getOwnerId).ifPresent(owner -> topics.add("user." + owner));
        publisher.publish(topics, event);
    }
}
