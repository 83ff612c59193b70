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
        publisher.publishLater(topics(message), stageEvent(message, status));
    }

    /** The STARTED {@code stage_update}, for the worker to send with the STARTED result. */
    public EventPublisher.Emit started(CeleryMessage message) {
        return publisher.prepare(topics(message), stageEvent(message, "STARTED"));
    }

    /** The {@code done} event, for the worker to send with the result and the ack. */
    public EventPublisher.Emit done(CeleryMessage message, Object result, Instant started) {
        Map<String, Object> event = base("done", message);
        event.put("status", "SUCCESS");
        event.put("result", result);
        event.put("metadata", Map.of("latency_ms", Math.max(0, Instant.now().toEpochMilli() - started.toEpochMilli())));
        return publisher.prepare(topics(message), event);
    }

    /** Publishes the {@code done} event now (for a worker that stored the result on its own). */
    public void publishDone(CeleryMessage message, Object result, Instant started) {
        publisher.publishLater(done(message, result, started));
    }

    public void error(CeleryMessage message, String error, int retryCount, boolean last) {
        Map<String, Object> event = base("error", message);
        event.put("status", last ? "FAILURE" : "RETRY");
        event.put("error", error);
        event.put("retry_count", retryCount);
        publisher.publishLater(topics(message), event);
    }

    private static Map<String, Object> base(String type, CeleryMessage message) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("task_id", message.taskId());
        event.put("task", message.taskName());
        event.put("timestamp", Instant.now().toString());
        return event;
    }

    private static Map<String, Object> stageEvent(CeleryMessage message, String status) {
        Map<String, Object> event = base("stage_update", message);
        event.put("status", status);
        return event;
    }

    private static List<String> topics(CeleryMessage message) {
        List<String> topics = new ArrayList<>(2);
        topics.add("task." + message.taskId());
        JsonNode owner = message.header(OWNER_HEADER);
        if (owner.canConvertToLong()) {
            topics.add("user." + owner.asLong());
        }
        return topics;
    }
}
