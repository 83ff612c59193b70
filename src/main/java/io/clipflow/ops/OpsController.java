package io.clipflow.ops;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.queue.TaskRegistry;
import io.clipflow.schedule.MonitoringSnapshot;
import io.clipflow.schedule.ScheduleRuns;
import io.clipflow.task.TaskStats;
import io.clipflow.task.TaskTracker;
import io.clipflow.web.ApiException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The operations API (ADMIN only, see SecurityConfig): what {@code celery inspect}, {@code celery purge} and Flower
 * show, answered from Redis and the task history so any node can answer for all of them.
 */
@RestController
class OpsController {

    private final QueueInspector queues;
    private final TaskRegistry registry;
    private final TaskTracker tracker;
    private final ScheduleRuns runs;
    private final MonitoringSnapshot monitoring;
    private final OpsMeters meters;

    OpsController(
            QueueInspector queues,
            TaskRegistry registry,
            TaskTracker tracker,
            ScheduleRuns runs,
            MonitoringSnapshot monitoring,
            OpsMeters meters) {
        this.meters = meters;
        this.queues = queues;
        this.registry = registry;
        this.tracker = tracker;
        this.runs = runs;
        this.monitoring = monitoring;
    }

    @GetMapping("/api/ops/queues")
    Map<String, Object> queues() {
        List<Map<String, Object>> all = queues.queues();
        all.forEach(q -> meters.gauge((String) q.get("queue")));
        return Map.of("queues", all);
    }

    @GetMapping("/api/ops/workers")
    Map<String, Object> workers() {
        return Map.of("workers", queues.workers());
    }

    @GetMapping("/api/ops/tasks/registered")
    Map<String, Map<String, String>> registered() {
        return registry.describe();
    }

    @GetMapping("/api/ops/stats")
    TaskStats stats() {
        return tracker.stats();
    }

    /** Recent runs of each scheduled job (which node ran which firing) and the latest monitoring snapshot. */
    @GetMapping("/api/ops/schedules")
    Map<String, Object> schedules() {
        return Map.of("runs", runs.all(), "monitoring", monitoring.latest());
    }

    /** A purge must say so: {@code {"confirm": true}}; {@code "dead": true} also drops the queue's dead letters. */
    record PurgeRequest(Boolean confirm, Boolean dead) {}

    @PostMapping("/api/ops/queues/{queue}/purge")
    Map<String, Object> purge(@PathVariable String queue, @RequestBody(required = false) PurgeRequest body) {
        if (!queue.matches("[A-Za-z0-9_.\\-]{1,255}")) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "bad request", "not a queue name");
        }
        if (body == null || !Boolean.TRUE.equals(body.confirm())) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST, "confirmation needed", "send {\"confirm\": true} to purge " + queue);
        }
        return queues.purge(queue, Boolean.TRUE.equals(body.dead()));
    }

    static final TypeReference<Map<String, Object>> JSON_MAP = new TypeReference<>() {};

    static Map<String, Object> parse(ObjectMapper json, String raw) {
        try {
            return json.readValue(raw, JSON_MAP);
        } catch (Exception e) {
            return Map.of("unreadable", List.of(raw));
        }
    }
}
