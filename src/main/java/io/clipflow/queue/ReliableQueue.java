package io.clipflow.queue;

import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.celery.Kombu;
import io.clipflow.config.AsyncRedis;
import io.clipflow.config.LuaScripts;
import io.clipflow.config.RedisKeys;
import io.clipflow.config.WorkerConnections;
import io.clipflow.notify.EventPublisher;
import io.clipflow.task.ResultBackend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The delivery contract behind Celery queues, in one place because the delivery guarantees live here: publish (LPUSH +
 * kombu binding), reliable fetch (into this node's processing list), the STARTED notice, ack, finish, delay,
 * hand-back and revocations. Each multi-key step is one Lua script ({@code src/main/resources/lua/}), so a crash
 * between two commands can neither lose a message nor duplicate it. Dead letters are {@link DeadLetters}', the nodes'
 * heartbeats and orphaned processing lists {@link NodeRegistry}'s, the read side for operators
 * {@link QueueInspection}'s.
 */
@Component
public class ReliableQueue {

    /** Takes the first message of the priority lists (lua/take-first.lua). */
    private static final RedisScript<List> TAKE_FIRST = LuaScripts.script("take-first", List.class);

    /** Whether a task is revoked or already succeeded (lua/task-status.lua). */
    private static final RedisScript<Long> STATUS = LuaScripts.script("task-status", Long.class);

    /**
     * A worker's one round trip between two tasks (BullMQ's moveToFinished with fetch-next): result, ack, live event
     * (after a started event withheld by {@link StartNotices}) and the next message (lua/finish.lua).
     */
    private static final RedisScript<List> FINISH = LuaScripts.script("finish", List.class);

    /** The STARTED result, never over a SUCCESS, and its live event (lua/started.lua). */
    private static final RedisScript<Long> STARTED = LuaScripts.script("started", Long.class);

    /** LPUSH plus the kombu binding: one round trip on the shared connection (lua/publish-message.lua). */
    private static final RedisScript<Long> PUBLISH = LuaScripts.script("publish-message", Long.class);

    /** Moves one copy of a message out of a processing list, or not at all (lua/hand-back.lua). */
    private static final RedisScript<Long> HAND_BACK = LuaScripts.script("hand-back", Long.class);

    /** Parks a message in the delayed set and acks it, in one step (lua/delay.lua). */
    private static final RedisScript<Long> DELAY = LuaScripts.script("delay", Long.class);

    /** Moves every due delayed message to its list, each exactly once (lua/promote-due.lua). */
    private static final RedisScript<Long> PROMOTE = LuaScripts.script("promote-due", Long.class);

    private final StringRedisTemplate redis;
    private final AsyncRedis async;
    private final RedisKeys keys;
    private final WorkerConnections connections;

    ReliableQueue(StringRedisTemplate redis, AsyncRedis async, WorkerConnections connections, RedisKeys keys) {
        this.redis = redis;
        this.async = async;
        this.connections = connections;
        this.keys = keys;
    }

    /** The list a message of this priority lives in (kombu's sub-list naming), with the key prefix. */
    public String listKey(String queue, int priority) {
        return keys.queue(Kombu.priorityQueue(queue, priority));
    }

    /** LPUSH as kombu does, onto the priority sub-list the message's priority selects, plus the kombu binding. */
    public void publish(String queue, int priority, String encodedMessage) {
        redis.execute(
                PUBLISH,
                List.of(keys.binding(queue), listKey(queue, priority)),
                Kombu.bindingMember(queue),
                encodedMessage);
    }

    /**
     * Publishes many messages of one queue in one pipeline (one round trip), each LPUSHed onto its priority's list in
     * the given order, plus the kombu binding once.
     */
    public void publishAll(String queue, List<CeleryMessage> messages, CeleryMessageCodec codec) {
        if (messages.isEmpty()) {
            return;
        }
        var ser = redis.getStringSerializer();
        List<byte[][]> pushes = new ArrayList<>(messages.size());
        for (CeleryMessage m : messages) {
            pushes.add(new byte[][] {ser.serialize(listKey(queue, m.priority())), ser.serialize(codec.encode(m))});
        }
        redis.executePipelined((RedisCallback<Object>) connection -> {
            connection
                    .setCommands()
                    .sAdd(ser.serialize(keys.binding(queue)), ser.serialize(Kombu.bindingMember(queue)));
            for (byte[][] push : pushes) {
                connection.listCommands().lPush(push[0], push[1]);
            }
            return null;
        });
    }

    /** A message moved into a processing list, with what the take learned about its task (when it could). */
    public record Taken(String raw, String taskId, TaskStatus status) {}

    /** Whether a task may run: revoked, already succeeded (a redelivered copy), or neither. */
    public enum TaskStatus {
        RUNNABLE,
        REVOKED,
        SUCCEEDED;

        static TaskStatus of(long code) {
            return code == 1 ? REVOKED : code == 2 ? SUCCEEDED : RUNNABLE;
        }
    }

    /**
     * Moves the oldest message of {@code queue} (priority lists first, in kombu's order) into the node's processing
     * list and returns it, waiting up to {@code timeout} on {@code connection}; null when none came. It stays
     * there until acked or moved. When a message was waiting, one round trip also tells whether its task is revoked or
     * already succeeded; after a wait, {@link Taken#taskId()} is null and the caller asks {@link #status} itself.
     */
    Taken take(String queue, String node, Duration timeout, WorkerConnection connection) {
        List<String> lists = new ArrayList<>(Kombu.PRIORITY_STEPS.size() + 2);
        for (int step : Kombu.PRIORITY_STEPS) {
            lists.add(listKey(queue, step));
        }
        String processing = keys.processing(node);
        lists.add(processing);
        lists.add(keys.revoked());
        Taken ready = taken(connection.run(TAKE_FIRST, lists, now(), keys.result("")));
        if (ready != null) {
            return ready;
        }
        String raw = connection.move(keys.queue(queue), processing, timeout);
        return raw == null ? null : new Taken(raw, null, TaskStatus.RUNNABLE);
    }

    /** As {@link #take(String, String, Duration, WorkerConnection)}, for a caller that takes once. */
    public Taken take(String queue, String node, Duration timeout) {
        try (WorkerConnection connection = connection()) {
            return take(queue, node, timeout, connection);
        }
    }

    /** A worker thread's own connection for its takes, waits, status checks and finishes ({@link WorkerConnection}). */
    WorkerConnection connection() {
        return new WorkerConnection(connections);
    }

    /** Whether {@code taskId} is revoked, already succeeded, or may run; asked on a worker thread's own connection. */
    TaskStatus status(String taskId, WorkerConnection connection) {
        Object code =
                connection.run(STATUS, ReturnType.INTEGER, List.of(keys.revoked()), now(), keys.result(""), taskId);
        return TaskStatus.of(code instanceof Number n ? n.longValue() : 0);
    }

    /** Removes a message from the node's processing list once its result is stored. */
    public void ack(String node, String rawMessage) {
        redis.opsForList().remove(keys.processing(node), 1, rawMessage);
    }

    /**
     * A task is running: its STARTED result and live event ({@code event} may be null), stored before this returns (it
     * can never land over the task's SUCCESS, and it reaches Redis before anything the task's worker sends next on
     * its own connection).
     */
    public void started(ResultBackend.Write result, EventPublisher.Emit event) {
        List<String> scriptKeys = new ArrayList<>(5);
        scriptKeys.add(result.key());
        if (event != null) {
            scriptKeys.addAll(event.keys());
        }
        redis.execute(
                STARTED,
                scriptKeys,
                result.json(),
                result.ttlSeconds(),
                event == null ? "0" : event.maxLen(),
                event == null ? "0" : event.ttlMillis(),
                event == null ? "" : event.text());
    }

    /**
     * Stores a task's result (unless a SUCCESS is there), acks its message and sends its live event ({@code event}
     * may be null; {@code startedEvent}, the text of a withheld started event for the same topics, null for none, goes
     * first), and, when {@code takeNext}, takes the next message of {@code queue} as {@link #take} does without
     * waiting: one round trip between two tasks. Returns the next message, or null.
     */
    Taken finish(
            String queue,
            String node,
            String rawMessage,
            ResultBackend.Write result,
            EventPublisher.Emit event,
            String startedEvent,
            boolean takeNext,
            WorkerConnection connection) {
        List<String> scriptKeys = new ArrayList<>(11);
        scriptKeys.add(keys.processing(node));
        scriptKeys.add(result.key());
        scriptKeys.add(keys.revoked());
        for (int step : Kombu.PRIORITY_STEPS) {
            scriptKeys.add(listKey(queue, step));
        }
        if (event != null) {
            scriptKeys.addAll(event.keys());
        }
        // what this thread sent without waiting (live events) lands first, as if on the same connection
        async.awaitSent();
        return taken(connection.run(
                FINISH,
                scriptKeys,
                rawMessage,
                result.json(),
                result.ttlSeconds(),
                now(),
                keys.result(""),
                takeNext ? "1" : "0",
                event == null ? "0" : event.maxLen(),
                event == null ? "0" : event.ttlMillis(),
                event == null ? "" : event.text(),
                event == null || startedEvent == null ? "" : startedEvent));
    }

    private static Taken taken(List<?> reply) {
        if (reply == null || reply.size() != 3) {
            return null;
        }
        String id = text(reply.get(1));
        return new Taken(
                text(reply.get(0)), id.isEmpty() ? null : id, TaskStatus.of(((Number) reply.get(2)).longValue()));
    }

    private static String text(Object bulk) {
        return bulk instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(bulk);
    }

    private static String now() {
        return Long.toString(System.currentTimeMillis());
    }

    /** Acks {@code raw} and parks {@code delayed} (the same or a retried copy) until {@code due}, atomically. */
    public boolean delay(String node, String raw, String listKey, Instant due, String delayed) {
        Long moved = redis.execute(
                DELAY,
                List.of(keys.processing(node), keys.delayed()),
                raw,
                Long.toString(due.toEpochMilli()),
                listKey + "\n" + delayed);
        return moved != null && moved == 1;
    }

    /** Moves due delayed messages to their lists; returns how many were due. */
    public long promoteDue(Instant now, int limit) {
        Long n = redis.execute(
                PROMOTE, List.of(keys.delayed()), Long.toString(now.toEpochMilli()), Integer.toString(limit));
        return n == null ? 0 : n;
    }

    /**
     * Moves one copy of {@code raw} from {@code node}'s processing list to the consuming end of {@code listKey} as
     * {@code replacement} (e.g. marked redelivered); false when another node already moved it.
     */
    public boolean handBack(String node, String raw, String listKey, String replacement) {
        Long moved = redis.execute(HAND_BACK, List.of(keys.processing(node), listKey), raw, replacement);
        return moved != null && moved == 1;
    }

    /** Marks a task revoked until {@code until}: a take reports it REVOKED, so it never runs. */
    public void revoke(String taskId, Instant until) {
        redis.opsForZSet().add(keys.revoked(), taskId, until.toEpochMilli());
    }

    /** Forgets the revocations that expired before {@code now}. */
    public void expireRevocations(Instant now) {
        redis.opsForZSet().removeRangeByScore(keys.revoked(), Double.NEGATIVE_INFINITY, now.toEpochMilli());
    }
}
