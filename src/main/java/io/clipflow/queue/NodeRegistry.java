package io.clipflow.queue;

import io.clipflow.celery.CeleryDecodeException;
import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.config.LuaScripts;
import io.clipflow.config.RedisKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The Redis side of nodes: each node's heartbeat ({@code clipflow:node:<node>}, with a TTL), the set of nodes seen
 * ({@code clipflow:nodes}), their processing lists, and handing a processing list back to its queues when its node
 * is gone. {@link NodeLiveness} decides when; the ops API reads the heartbeats.
 */
@Component
public class NodeRegistry {

    /** Forgets a node only when it is dead and owes nothing (lua/forget-node.lua). */
    private static final RedisScript<Long> FORGET = LuaScripts.script("forget-node", Long.class);

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final ReliableQueue queue;
    private final DeadLetters deadLetters;
    private final CeleryMessageCodec codec;

    NodeRegistry(
            StringRedisTemplate redis,
            RedisKeys keys,
            ReliableQueue queue,
            DeadLetters deadLetters,
            CeleryMessageCodec codec) {
        this.redis = redis;
        this.keys = keys;
        this.queue = queue;
        this.deadLetters = deadLetters;
        this.codec = codec;
    }

    /** Writes the node's heartbeat ({@code info}, JSON) with its time to live, and records the node as seen. */
    public void heartbeat(String node, Duration ttl, String info) {
        redis.opsForValue().set(keys.node(node), info, ttl);
        redis.opsForSet().add(keys.nodes(), node);
    }

    public void stopHeartbeat(String node) {
        redis.delete(keys.node(node));
    }

    boolean alive(String node) {
        return Boolean.TRUE.equals(redis.hasKey(keys.node(node)));
    }

    /** Every node seen here and not yet forgotten, alive or not. */
    public Set<String> knownNodes() {
        Set<String> nodes = redis.opsForSet().members(keys.nodes());
        return nodes == null ? Set.of() : nodes;
    }

    /** Drops a dead node with an empty processing list from the node set. */
    void forgetIfDeadAndEmpty(String node) {
        redis.execute(FORGET, List.of(keys.node(node), keys.processing(node), keys.nodes()), node);
    }

    /** Raw heartbeat value of a node, or null when it is dead. */
    public String heartbeatOf(String node) {
        return redis.opsForValue().get(keys.node(node));
    }

    /** The messages in a node's processing list, oldest first. */
    public List<String> processing(String node) {
        List<String> items = redis.opsForList().range(keys.processing(node), 0, -1);
        if (items == null) {
            return List.of();
        }
        List<String> oldestFirst = new ArrayList<>(items);
        Collections.reverse(oldestFirst);
        return oldestFirst;
    }

    public long processingDepth(String node) {
        Long n = redis.opsForList().size(keys.processing(node));
        return n == null ? 0 : n;
    }

    /**
     * Hands back every message in {@code owner}'s processing list to its queue, marked redelivered (an undecodable one
     * is dead-lettered instead); returns how many this call moved. Each message moves once however many nodes do this
     * at the same time ({@link ReliableQueue#handBack}).
     */
    int handBackAll(String owner) {
        int moved = 0;
        for (String raw : processing(owner)) {
            try {
                CeleryMessage message = codec.decode(raw);
                String list = queue.listKey(message.queue(), message.priority());
                if (queue.handBack(owner, raw, list, codec.encode(message.withRedelivered(true)))) {
                    moved++;
                }
            } catch (CeleryDecodeException e) {
                deadLetters.deadLetter(
                        owner,
                        "unknown",
                        raw,
                        "undecodable message in the processing list of " + owner + ": " + e.getMessage(),
                        0,
                        null,
                        null);
            }
        }
        return moved;
    }
}
