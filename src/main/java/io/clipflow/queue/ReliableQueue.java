package io.clipflow.queue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.config.RedisKeys;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.data.redis.connection.RedisListCommands.Direction;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The Redis list operations behind Celery queues: publish (LPUSH + kombu binding), reliable fetch (BLMOVE from the
 * consuming end into this node's processing list), ack (LREM) and dead letters. Nothing else touches queue lists.
 */
@Component
public class ReliableQueue {

    /** kombu's priority steps: lower number is served first, 0 being the plain list. */
    private static final int[] PRIORITY_STEPS = {0, 3, 6, 9};

    /** Non-blocking pass over the priority lists in kombu's order, in one round trip; last key is the processing list. */
    private static final RedisScript<String> TAKE_FIRST = RedisScript.of(
            """
            local dest = KEYS[#KEYS]
            for i = 1, #KEYS - 1 do
              local v = redis.call('LMOVE', KEYS[i], dest, 'RIGHT', 'LEFT')
              if v then return v end
            end
            return false
            """,
            String.class);

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final ObjectMapper json;

    ReliableQueue(StringRedisTemplate redis, RedisKeys keys, ObjectMapper json) {
        this.redis = redis;
        this.keys = keys;
        this.json = json;
    }

    /** LPUSH as kombu does, onto the priority sub-list the message's priority selects, plus the kombu binding. */
    public void publish(String queue, int priority, String encodedMessage) {
        String list = keys.queue(CeleryMessageCodec.priorityQueue(queue, priority));
        redis.executePipelined((org.springframework.data.redis.core.RedisCallback<Object>) connection -> {
            var ser = redis.getStringSerializer();
            connection
                    .setCommands()
                    .sAdd(ser.serialize(keys.binding(queue)), ser.serialize(CeleryMessageCodec.bindingMember(queue)));
            connection.listCommands().lPush(ser.serialize(list), ser.serialize(encodedMessage));
            return null;
        });
    }

    /**
     * Moves the oldest message of {@code queue} into the node's processing list and returns it, waiting up to
     * {@code timeout}; null when none came. The message stays in the processing list until {@link #ack}.
     */
    public String take(String queue, String node, Duration timeout) {
        List<String> lists = new ArrayList<>(PRIORITY_STEPS.length + 1);
        for (int step : PRIORITY_STEPS) {
            lists.add(keys.queue(CeleryMessageCodec.priorityQueue(queue, step)));
        }
        String processing = keys.processing(node);
        lists.add(processing);
        String ready = redis.execute(TAKE_FIRST, lists);
        if (ready != null) {
            return ready;
        }
        return redis.opsForList().move(keys.queue(queue), Direction.RIGHT, processing, Direction.LEFT, timeout);
    }

    /** Removes a message from the node's processing list once its result is stored. */
    public void ack(String node, String rawMessage) {
        redis.opsForList().remove(keys.processing(node), 1, rawMessage);
    }

    /** Parks a message that cannot run (undecodable, unknown task) with its reason; the worker goes on. */
    public void deadLetter(String queue, String rawMessage, String reason, int attempts) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", java.util.UUID.randomUUID().toString());
        entry.put("queue", queue);
        entry.put("reason", reason);
        entry.put("attempts", attempts);
        entry.put("time", OffsetDateTime.now(ZoneOffset.UTC).toString());
        entry.put("message", rawMessage);
        try {
            redis.opsForList().leftPush(keys.dead(queue), json.writeValueAsString(entry));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public long depth(String queue) {
        Long n = redis.opsForList().size(keys.queue(queue));
        return n == null ? 0 : n;
    }

    public long processingDepth(String node) {
        Long n = redis.opsForList().size(keys.processing(node));
        return n == null ? 0 : n;
    }
}
