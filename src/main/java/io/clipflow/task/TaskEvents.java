package io.clipflow.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryResult;
import io.clipflow.notify.Event;
import io.clipflow.notify.EventPublisher;
import io.clipflow.notify.Topic;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Live events for any task's lifecycle on {@code task.<id>} and its owner's {@code user.<id>}, in the seeds' format:
 * {@code stage_update} (STARTED, RETRY, REVOKED), {@code done} (result, latency), {@code error} (reason, retry count).
 * Published by the celery consumer for endpoints with {@code events=true}; routes that publish richer events of their
 * own (video-process, through VideoEvents) switch it off.
 */
@Component("taskEvents")
public class TaskEvents implements TaskLifecycleEvents {

    /** The id of a {@link #snapshot}: before any live event's, so none that follows is taken for a duplicate. */
    static final String SNAPSHOT_ID = "0-0";

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

    /**
     * What a subscriber who comes late to a task's topic gets first, in place of the history other topics keep: the
     * task's state from its result, as the event that announced it ({@code done}, {@code error} or {@code
     * stage_update}), with {@code "snapshot": true}; empty while the task is PENDING (no result yet).
     */
    static Optional<Event> snapshot(Optional<CeleryResult> stored, ObjectMapper json) {
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        CeleryResult r = stored.get();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", SNAPSHOT_ID);
        event.put(
                "type",
                switch (r.status()) {
                    case CeleryResult.SUCCESS -> "done";
                    case CeleryResult.FAILURE, CeleryResult.RETRY -> "error";
                    default -> "stage_update";
                });
        event.put("task_id", r.taskId());
        if (r.extended() != null && r.extended().name() != null) {
            event.put("task", r.extended().name());
        }
        if (r.dateDone() != null) {
            event.put("timestamp", r.dateDoneTime().toInstant().toString());
        }
        event.put("status", r.status());
        if (r.isException()) {
            event.put("error", r.excType() + ": " + r.excMessage());
        } else if (CeleryResult.SUCCESS.equals(r.status())) {
            event.put("result", r.result());
        } else if (!r.result().isNull()) {
            event.put("meta", r.result());
        }
        event.put("snapshot", true);
        try {
            return Optional.of(new Event(SNAPSHOT_ID, json.writeValueAsString(event)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored result that is not serializable: " + e.getMessage(), e);
        }
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

    private static List<Topic> topics(CeleryMessage message) {
        Long owner = message.ownerId();
        return owner == null
                ? List.of(Topic.task(message.taskId()))
                : List.of(Topic.task(message.taskId()), Topic.user(owner));
    }
}
