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
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Dead letters: list, replay (the message goes back to its queue with its retries reset), delete. Users see the dead
 * letters of their own tasks; messages no task can be matched to (undecodable) are the admin's.
 */
@RestController
class DeadLetterController {

    private final ReliableQueue queue;
    private final DeadLetters deadLetters;
    private final CeleryMessageCodec codec;
    private final TaskTracker tracker;
    private final ObjectMapper json;

    DeadLetterController(
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

    @GetMapping("/api/dead-letters")
    Map<String, Object> list(@RequestParam(required = false) String queue, @AuthenticationPrincipal ClipflowUser user) {
        List<JsonNode> items = new ArrayList<>();
        for (Entry entry : entries(queue)) {
            if (visible(entry, user)) {
                items.add(entry.json());
            }
        }
        return Map.of("items", items, "total", items.size());
    }

    @PostMapping("/api/dead-letters/{id}/replay")
    ResponseEntity<Map<String, Object>> replay(@PathVariable String id, @AuthenticationPrincipal ClipflowUser user) {
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
        return ResponseEntity.accepted()
                .body(Map.of(
                        "id", id, "queue", entry.queue(), "task_id", taskId == null ? "" : taskId, "replayed", true));
    }

    @DeleteMapping("/api/dead-letters/{id}")
    ResponseEntity<Void> delete(@PathVariable String id, @AuthenticationPrincipal ClipflowUser user) {
        Entry entry = find(id, user);
        if (!deadLetters.remove(entry.queue(), entry.raw())) {
            throw ApiException.notFound("dead letter " + id);
        }
        return ResponseEntity.noContent().build();
    }

    private Entry find(String id, ClipflowUser user) {
        return entries(null).stream()
                .filter(e -> id.equals(e.json().path("id").asText()))
                .filter(e -> visible(e, user))
                .findFirst()
                .orElseThrow(() -> ApiException.notFound("dead letter " + id));
    }

    private boolean visible(Entry entry, ClipflowUser user) {
        if (user.isAdmin()) {
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
