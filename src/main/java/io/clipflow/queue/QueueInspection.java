package io.clipflow.queue;

import io.clipflow.celery.Kombu;
import io.clipflow.config.LuaScripts;
import io.clipflow.config.RedisKeys;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The read side of the queues, for operators, monitoring and the outbox scan: depths per priority, the oldest pending
 * messages, delayed messages per queue, the queues ever published to, which tasks still have a message somewhere, and
 * {@code celery purge}. Nothing here takes part in delivery.
 */
@Component
public class QueueInspection {

    /** Removes a queue's pending lists and its delayed members in one step (lua/purge-queue.lua). */
    private static final RedisScript<List> PURGE = LuaScripts.script("purge-queue", List.class);

    /** Which task ids have a message in the given lists or the delayed set, one pass (lua/holding-tasks.lua). */
    private static final RedisScript<List> HOLDING = LuaScripts.script("holding-tasks", List.class);

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final NodeRegistry nodes;

    QueueInspection(StringRedisTemplate redis, RedisKeys keys, NodeRegistry nodes) {
        this.redis = redis;
        this.keys = keys;
        this.nodes = nodes;
    }

    /** Messages in a queue's plain list (priority 0-2). */
    public long depth(String queue) {
        Long n = redis.opsForList().size(keys.queue(queue));
        return n == null ? 0 : n;
    }

    /** One queue's list keys, plain list first then kombu's priority sub-lists. */
    private List<String> listKeys(String queue) {
        return Kombu.priorityLists(queue).stream().map(keys::queue).toList();
    }

    /** Pending messages per kombu priority step (0, 3, 6, 9). */
    public Map<Integer, Long> pendingByPriority(String queue) {
        Map<Integer, Long> counts = new LinkedHashMap<>();
        for (int step : Kombu.PRIORITY_STEPS) {
            Long n = redis.opsForList().size(keys.queue(Kombu.priorityQueue(queue, step)));
            counts.put(step, n == null ? 0 : n);
        }
        return counts;
    }

    /** The oldest pending message of each priority list (the consuming end), raw, when there is one. */
    public List<String> oldestPending(String queue) {
        List<String> oldest = new ArrayList<>();
        for (String list : listKeys(queue)) {
            String raw = redis.opsForList().index(list, -1);
            if (raw != null) {
                oldest.add(raw);
            }
        }
        return oldest;
    }

    /** Delayed (ETA, countdown, retry) messages counted by queue, over every queue. */
    public Map<String, Long> delayedByQueue() {
        Set<String> members = redis.opsForZSet().range(keys.delayed(), 0, -1);
        Map<String, Long> counts = new LinkedHashMap<>();
        if (members == null) {
            return counts;
        }
        String head = keys.queue("");
        for (String member : members) {
            int cut = member.indexOf('\n');
            if (cut < 0) {
                continue;
            }
            String name = member.substring(0, cut);
            name = name.startsWith(head) ? name.substring(head.length()) : name;
            int sep = name.indexOf(Kombu.SEPARATOR);
            counts.merge(sep < 0 ? name : name.substring(0, sep), 1L, Long::sum);
        }
        return counts;
    }

    /** Queues that ever had a message published here (kombu bindings), without the key prefix. */
    public Set<String> boundQueues() {
        Set<String> found = new TreeSet<>();
        String head = keys.binding("");
        try (var cursor = redis.scan(
                ScanOptions.scanOptions().match(head + "*").count(500).build())) {
            cursor.forEachRemaining(k -> found.add(k.substring(head.length())));
        }
        return found;
    }

    /** Like {@code celery purge}: drops a queue's pending and delayed messages atomically; returns {pending, delayed}. */
    public long[] purge(String queue) {
        List<String> scriptKeys = new ArrayList<>(listKeys(queue));
        scriptKeys.add(keys.delayed());
        List<?> counts = redis.execute(PURGE, scriptKeys);
        if (counts == null || counts.size() < 2) {
            return new long[] {0, 0};
        }
        return new long[] {((Number) counts.get(0)).longValue(), ((Number) counts.get(1)).longValue()};
    }

    /**
     * Which of {@code taskIds} still have a message anywhere they could run from: the queue's lists, any known node's
     * processing list, or the delayed set. One script, one pass, however many ids.
     */
    public Set<String> holdingTasks(String queue, Collection<String> taskIds) {
        if (taskIds.isEmpty()) {
            return Set.of();
        }
        List<String> scriptKeys = new ArrayList<>(listKeys(queue));
        for (String node : nodes.knownNodes()) {
            scriptKeys.add(keys.processing(node));
        }
        scriptKeys.add(keys.delayed());
        List<?> found = redis.execute(HOLDING, scriptKeys, taskIds.toArray());
        Set<String> held = new HashSet<>();
        if (found != null) {
            found.forEach(id -> held.add(String.valueOf(id)));
        }
        return held;
    }
}
