package io.clipflow.queue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.config.LuaScripts;
import io.clipflow.config.RedisKeys;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Messages that cannot run or failed for good, per queue in {@code clipflow:dead:<queue>} (JSON with the reason and
 * the message as it was), and the set of queues that have any ({@code clipflow:dead-queues}). A worker dead-letters
 * and acks in one step; an operator lists, replays or removes them (the ops API).
 */
@Component
public class DeadLetters {

    /** Dead-letters a message and acks it in one step (lua/dead-letter.lua). */
    private static final RedisScript<Long> DEAD = LuaScripts.script("dead-letter", Long.class);

    /** Takes a dead letter out and republishes its message, or neither (lua/replay-dead-letter.lua). */
    private static final RedisScript<Long> REPLAY = LuaScripts.script("replay-dead-letter", Long.class);

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final ObjectMapper json;

    DeadLetters(StringRedisTemplate redis, RedisKeys keys, ObjectMapper json) {
        this.redis = redis;
        this.keys = keys;
        this.json = json;
    }

    /** Dead-letters a message with its reason and acks it; the worker goes on. Returns the dead letter's id. */
    public String deadLetter(
            String node, String queue, String raw, String reason, int attempts, String taskId, String taskName) {
        String id = UUID.randomUUID().toString();
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", id);
        entry.put("queue", queue);
        entry.put("task_id", taskId);
        entry.put("task", taskName);
        entry.put("reason", reason);
        entry.put("attempts", attempts);
        entry.put("time", Instant.now().atOffset(ZoneOffset.UTC).toString());
        entry.put("message", raw);
        try {
            redis.execute(
                    DEAD,
                    List.of(keys.processing(node), keys.dead(queue), keys.deadQueues()),
                    raw,
                    json.writeValueAsString(entry),
                    queue);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

    /** Queues that have dead letters. */
    public Set<String> deadQueues() {
        Set<String> queues = redis.opsForSet().members(keys.deadQueues());
        return queues == null ? Set.of() : queues;
    }

    /** Dead letters of a queue as stored (JSON), newest first. */
    public List<String> list(String queue) {
        List<String> entries = redis.opsForList().range(keys.dead(queue), 0, -1);
        return entries == null ? List.of() : entries;
    }

    /** Removes one dead letter, given as stored; false when it is gone already. */
    public boolean remove(String queue, String entry) {
        Long n = redis.opsForList().remove(keys.dead(queue), 1, entry);
        return n != null && n == 1;
    }

    /** Takes a dead letter out and publishes {@code message} to {@code listKey}, atomically. */
    public boolean replay(String queue, String entry, String listKey, String message) {
        Long n = redis.execute(REPLAY, List.of(keys.dead(queue), listKey), entry, message);
        return n != null && n == 1;
    }

    public long count(String queue) {
        Long n = redis.opsForList().size(keys.dead(queue));
        return n == null ? 0 : n;
    }

    /** Drops a queue's dead letters; returns how many. */
    public long purge(String queue) {
        long n = count(queue);
        redis.delete(keys.dead(queue));
        redis.opsForSet().remove(keys.deadQueues(), queue);
        return n;
    }
}
