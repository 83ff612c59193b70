package io.clipflow.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipflow.queue.CeleryMessage;
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

    /**
     * Message header naming the user who sent the task ({@code POST /api/tasks}, uploads), so a worker can address the
     * owner's topic without a database lookup; Celery keeps unknown headers, so it survives retries and redelivery.
     */
    public static final String OWNER_HEADER = "clipflow_owner";

    private final EventPublisher publisher;

    TaskEvents(EventPublisher publisher) {
        this.publisher = publisher;
    }

    public void stage(CeleryMessage message, String status) {
        Map<String, Object> event = base("stage_update", message);
        event.put("status", status);
        publish(message, event);
    }

    public void done(CeleryMessage message, Object result, Instant started) {
        Map<String, Object> event = base("done", message);
        event.put("status", "SUCCESS");
        event.put("result", result);
        event.put("metadata", Map.of("latency_ms", Math.max(0, Instant.now().toEpochMilli() - started.toEpochMilli())));
        publish(message, event);
    }

    public void error(CeleryMessage message, String error, int retryCount, boolean last) {
        Map<String, Object> event = base("error", message);
        event.put("status", last ? "FAILURE" : "RETRY");
        event.put("error", error);
        event.put("retry_count", retryCount);
        publish(message, event);
    }

    private static Map<String, Object> base(String type, CeleryMessage message) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("task_id", message.taskId());
        event.put("task", message.taskName());
        event.put("timestamp", Instant.now().toString());
        return event;
    }

    private void publish(CeleryMessage message, Map<String, Object> event) {
        List<String> topics = new ArrayList<>(2);
        topics.add("task." + message.taskId());
        JsonNode owner = message.header(OWNER_HEADER);
        if (owner.canConvertToLong()) {
            topics.add("user." + owner.asLong());
        }
        publisher.publishLater(topics, event);
    }
}
