package io.clipflow.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.celery.CeleryDecodeException;
import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.queue.DeadLetters;
import io.clipflow.queue.NodeRegistry;
import io.clipflow.queue.QueueInspection;
import io.clipflow.queue.TaskRegistry;
import io.clipflow.task.TaskRecord;
import io.clipflow.task.TaskTracker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Reads the queues and the nodes' heartbeats for the ops API, the queue gauges and {@code ./clipflow status}. */
@Component
class QueueInspector {

    private static final Logger log = LoggerFactory.getLogger(QueueInspector.class);

    private final QueueInspection inspection;
    private final DeadLetters deadLetters;
    private final NodeRegistry nodes;
    private final CeleryMessageCodec codec;
    private final TaskRegistry registry;
    private final TaskTracker tracker;
    private final ObjectMapper json;
    private final Clock clock;

    QueueInspector(
            QueueInspection inspection,
            DeadLetters deadLetters,
            NodeRegistry nodes,
            CeleryMessageCodec codec,
            TaskRegistry registry,
            TaskTracker tracker,
            ObjectMapper json,
            Clock clock) {
        this.inspection = inspection;
        this.deadLetters = deadLetters;
        this.nodes = nodes;
        this.codec = codec;
        this.registry = registry;
        this.tracker = tracker;
        this.json = json;
        this.clock = clock;
    }

    /** Queues known here: those registered tasks go to, those ever published to, those with dead letters. */
    Set<String> names() {
        Set<String> names = new TreeSet<>();
        registry.all().values().forEach(e -> names.add(e.queue()));
        names.addAll(inspection.boundQueues());
        names.addAll(deadLetters.deadQueues());
        return names;
    }

    List<Map<String, Object>> queues() {
        Map<String, Long> delayed = inspection.delayedByQueue();
        Map<String, Long> processing = processingByQueue();
        Set<String> names = names();
        names.addAll(delayed.keySet());
        List<Map<String, Object>> out = new ArrayList<>();
        for (String name : names) {
            Map<Integer, Long> byPriority = inspection.pendingByPriority(name);
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("queue", name);
            q.put(
                    "pending",
                    byPriority.values().stream().mapToLong(Long::longValue).sum());
            Map<String, Long> priorities = new LinkedHashMap<>();
            byPriority.forEach((p, n) -> priorities.put(Integer.toString(p), n));
            q.put("pending_by_priority", priorities);
            q.put("delayed", delayed.getOrDefault(name, 0L));
            q.put("processing", processing.getOrDefault(name, 0L));
            q.put("dead", deadLetters.count(name));
            q.put("oldest_pending_age_seconds", oldestPendingAge(name));
            out.add(q);
        }
        return out;
    }

    /** Pending messages of a queue, all priorities (for gauges). */
    long pending(String name) {
        return inspection.pendingByPriority(name).values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    List<Map<String, Object>> workers() {
        List<Map<String, Object>> out = new ArrayList<>();
        Instant now = clock.instant();
        for (String node : new TreeSet<>(nodes.knownNodes())) {
            String beat = nodes.heartbeatOf(node);
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("node", node);
            w.put("alive", beat != null);
            w.put("unacked", nodes.processingDepth(node));
            if (beat != null) {
                Map<String, Object> info = OpsController.parse(json, beat);
                Object time = info.get("time");
                if (time instanceof String t) {
                    try {
                        w.put(
                                "heartbeat_age_seconds",
                                Duration.between(Instant.parse(t), now).toMillis() / 1000.0);
                    } catch (RuntimeException e) {
                        w.put("heartbeat_age_seconds", null);
                    }
                }
                w.put("pid", info.get("pid"));
                w.put("roles", info.getOrDefault("roles", List.of()));
                w.put("concurrency", info.getOrDefault("concurrency", Map.of()));
                w.put("active", info.getOrDefault("active", List.of()));
                w.put("rss_bytes", info.get("rss_bytes"));
                w.put("tasks", info.getOrDefault("tasks", Map.of()));
            }
            out.add(w);
        }
        return out;
    }

    Map<String, Object> purge(String name, boolean dead) {
        long[] removed = inspection.purge(name);
        long deadRemoved = dead ? deadLetters.purge(name) : 0;
        log.warn(
                "purged queue {}: {} pending, {} delayed, {} dead letter(s) removed",
                name,
                removed[0],
                removed[1],
                deadRemoved);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("queue", name);
        out.put("pending", removed[0]);
        out.put("delayed", removed[1]);
        out.put("dead", deadRemoved);
        out.put("removed", removed[0] + removed[1] + deadRemoved);
        return out;
    }

    private Map<String, Long> processingByQueue() {
        Map<String, Long> counts = new HashMap<>();
        for (String node : nodes.knownNodes()) {
            for (String raw : nodes.processing(node)) {
                try {
                    counts.merge(codec.decode(raw).queue(), 1L, Long::sum);
                } catch (CeleryDecodeException e) {
                    counts.merge("unknown", 1L, Long::sum);
                }
            }
        }
        return counts;
    }

    /**
     * Age of the oldest pending message: Celery messages carry no send time, so it is the task's history row (tasks
     * this app sent); null when the oldest message came from another producer.
     */
    private Double oldestPendingAge(String name) {
        Instant oldest = null;
        for (String raw : inspection.oldestPending(name)) {
            try {
                CeleryMessage m = codec.decode(raw);
                Instant created =
                        tracker.find(m.taskId()).map(TaskRecord::getCreatedAt).orElse(null);
                if (created != null && (oldest == null || created.isBefore(oldest))) {
                    oldest = created;
                }
            } catch (CeleryDecodeException e) {
                // an undecodable message has no age; the consumer dead-letters it
            }
        }
        return oldest == null ? null : Duration.between(oldest, clock.instant()).toMillis() / 1000.0;
    }
}
