package io.clipflow.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.TaskOptions;
import io.clipflow.config.RedisKeys;
import io.clipflow.security.ClipflowUser;
import io.clipflow.task.TaskTracker;
import io.clipflow.web.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Send any registered task by name (Flower's send-task), including tasks only a Python worker runs, and send or read
 * groups the way Celery's {@code group(...).apply_async()} + {@code GroupResult.save()} do.
 */
@RestController
class TaskSendController {

    private final TaskSender sender;
    private final TaskTracker tracker;
    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final ObjectMapper json;

    TaskSendController(
            TaskSender sender, TaskTracker tracker, StringRedisTemplate redis, RedisKeys keys, ObjectMapper json) {
        this.sender = sender;
        this.tracker = tracker;
        this.redis = redis;
        this.keys = keys;
        this.json = json;
    }

    /** One task to send; times are ISO-8601, countdown in seconds, priority 0 (first) to 9 as kombu orders them. */
    record SendTask(
            @NotBlank @Size(max = 255) String task,
            List<Object> args,
            Map<String, Object> kwargs,
            @Size(max = 255) String queue,
            @DecimalMin("0") Double countdown,
            OffsetDateTime eta,
            OffsetDateTime expires,
            @Min(0) @Max(9) Integer priority) {}

    record SendGroup(@NotEmpty @Size(max = 1000) List<@Valid SendTask> tasks) {}

    @PostMapping("/api/tasks")
    ResponseEntity<Map<String, Object>> send(
            @Valid @RequestBody SendTask body, @AuthenticationPrincipal ClipflowUser user) {
        CeleryMessage message = sender.send(body, TaskOptions.none(), user);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("task_id", message.taskId());
        reply.put("task", message.taskName());
        reply.put("queue", message.queue());
        reply.put("state", "PENDING");
        return ResponseEntity.accepted().body(reply);
    }

    /** Sends an ended (FAILURE or REVOKED) task again with its kept arguments: see {@link TaskSender#retry}. */
    @PostMapping("/api/tasks/{taskId}/retry")
    ResponseEntity<Map<String, Object>> retry(@PathVariable String taskId, @AuthenticationPrincipal ClipflowUser user) {
        CeleryMessage message = sender.retry(taskId, user);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("task_id", message.taskId());
        reply.put("task", message.taskName());
        reply.put("queue", message.queue());
        reply.put("state", "PENDING");
        reply.put("retry_of", taskId);
        return ResponseEntity.accepted().body(reply);
    }

    @PostMapping("/api/groups")
    ResponseEntity<Map<String, Object>> sendGroup(
            @Valid @RequestBody SendGroup body, @AuthenticationPrincipal ClipflowUser user) {
        String groupId = UUID.randomUUID().toString();
        List<String> ids = new ArrayList<>();
        for (SendTask task : body.tasks()) {
            ids.add(sender.send(task, TaskOptions.none().withGroup(groupId), user)
                    .taskId());
        }
        saveGroup(groupId, ids);
        return ResponseEntity.accepted().body(Map.of("group_id", groupId, "task_ids", ids));
    }

    /** A saved group (from Python's GroupResult.save() or POST /api/groups) with its members' states. */
    @GetMapping("/api/groups/{groupId}")
    Map<String, Object> group(@PathVariable String groupId, @AuthenticationPrincipal ClipflowUser user) {
        String raw =
                groupId.matches("[A-Za-z0-9_.:\\-]{1,64}") ? redis.opsForValue().get(keys.group(groupId)) : null;
        if (raw == null) {
            throw ApiException.notFound("group " + groupId);
        }
        List<String> ids = new ArrayList<>();
        try {
            // Celery's GroupResult.as_tuple(): {"result": [[group_id, parent], [[[task_id, parent], null], ...]]}
            for (JsonNode member : json.readTree(raw).path("result").path(1)) {
                ids.add(member.path(0).path(0).asText());
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.notFound("group " + groupId);
        }
        if (!ids.stream().allMatch(id -> tracker.visibleTo(id, user))) {
            throw ApiException.notFound("group " + groupId);
        }
        List<Map<String, Object>> members = new ArrayList<>();
        int done = 0;
        for (String id : ids) {
            var result = tracker.result(id);
            String state = result.map(r -> r.status()).orElse("PENDING");
            if (result.map(r -> r.ready()).orElse(false)) {
                done++;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task_id", id);
            m.put("state", state);
            m.put("result", result.map(r -> (Object) r.result()).orElse(null));
            members.add(m);
        }
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("group_id", groupId);
        reply.put("completed", done);
        reply.put("total", ids.size());
        reply.put("ready", done == ids.size());
        reply.put("results", members);
        return reply;
    }

    private void saveGroup(String groupId, List<String> ids) {
        List<Object> members = new ArrayList<>();
        for (String id : ids) {
            members.add(java.util.Arrays.asList(java.util.Arrays.asList(id, null), null));
        }
        Map<String, Object> value = Map.of("result", List.of(java.util.Arrays.asList(groupId, null), members));
        redis.opsForValue()
                .set(
                        keys.group(groupId),
                        io.clipflow.celery.PythonJson.dumps(json.valueToTree(value)),
                        Duration.ofDays(1));
    }
}
