package io.clipflow.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clipflow.celery.CeleryDecodeException;
import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.queue.DeadLetters;
import io.clipflow.queue.ReliableQueue;
import io.clipflow.security.ClipflowUser;
import io.clipflow.task.TaskTracker;
import io.clipflow.web.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Dead letters: list, replay (the message goes back to its queue with its retries reset), delete, replay all. Users see
 * the dead letters of their own tasks; messages no task can be matched to (undecodable) are the admin's. The API
 * (DeadLetterController) and the dashboard's queue page both go through here.
 */
@Component
class DeadLetterBox {

    private final ReliableQueue queue;
    private final DeadLetters deadLetters;
    private final CeleryMessageCodec codec;
    private final TaskTracker tracker;
    private final ObjectMapper json;

    DeadLetterBox(
            ReliableQueue queue,
            DeadLetters deadLetters,
            CeleryMessageCodec codec,
            TaskTracker tracker,
            ObjectMapper json) {
        this.queue = queue;
        this.deadLetters = deadLetters;
        this.codec = codec;
        this.tracker = tracker;
        this.json = json;
    }

    private record Entry(String queue, String raw, ObjectNode json) {}

    /** The dead letters the user may see, of one queue or of all (null); each is the stored JSON entry. */
    List<JsonNode> list(String queue, ClipflowUser user) {
        List<JsonNode> items = new ArrayList<>();
        for (Entry entry : entries(queue)) {
            if (visible(entry, user)) {
                items.add(entry.json());
            }
        }
        return items;
    }

    /** Replays every dead letter of the queue the user may see; the number replayed. */
    int replayAll(String queue, ClipflowUser user) {
        int replayed = 0;
        for (JsonNode item : list(queue, user)) {
            try {
                replay(item.path("id").asText(), user);
                replayed++;
            } catch (ApiException e) {
                // replayed or deleted meanwhile by someone else
            }
        }
        return replayed;
    }

    /** Puts the message back on its queue with its retries reset; 404 when it is gone or not the user's. */
    Map<String, Object> replay(String id, ClipflowUser user) {
        Entry entry = find(id, user);
        String raw = entry.json().path("message").asText();
        String list = queue.listKey(entry.queue(), 0);
        String message = raw;
        String taskId = null;
        try {
            CeleryMessage decoded = codec.decode(raw);
            CeleryMessage fresh =
                    decoded.withRetries(0).withEta(null).withRedelivered(false).withNewDeliveryTag();
            message = codec.encode(fresh);
            list = queue.listKey(entry.queue(), fresh.priority());
            taskId = fresh.taskId();
        } catch (CeleryDecodeException e) {
            // replayed as it was: an admin may have fixed the consumer that refused it
        }
        if (!deadLetters.replay(entry.queue(), entry.raw(), list, message)) {
            throw ApiException.notFound("dead letter " + id);
        }
        return Map.of("id", id, "queue", entry.queue(), "task_id", taskId == null ? "" : taskId, "replayed", true);
    }

    /** Drops the dead letter; 404 when it is gone or not the user's. */
    void delete(String id, ClipflowUser user) {
        Entry entry = find(id, user);
        if (!deadLetters.remove(entry.queue(), entry.raw())) {
            throw ApiException.notFound("dead letter " + id);
        }
    }

    private Entry find(String id, ClipflowUser user) {
        return entries(null).stream()
                .filter(e -> id.equals(e.json().path("id").asText()))
                .filter(e -> visible(e, user))
                .findFirst()
                .orElseThrow(() -> ApiException.notFound("dead letter " + id));
    }

    private boolean visible(Entry entry, ClipflowUser user) {
        if (user.seesEverything()) {
            return true;
        }
        String taskId = entry.json().path("task_id").asText(null);
        return taskId != null && tracker.visibleTo(taskId, user);
    }

    private List<Entry> entries(String onlyQueue) {
        List<Entry> entries = new ArrayList<>();
        for (String q : onlyQueue == null ? deadLetters.deadQueues() : java.util.Set.of(onlyQueue)) {
            for (String raw : deadLetters.list(q)) {
                parse(raw).ifPresent(node -> entries.add(new Entry(q, raw, node)));
            }
        }
        return entries;
    }

    private Optional<ObjectNode> parse(String raw) {
        try {
            return Optional.of((ObjectNode) json.readTree(raw));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
