package io.clipflow.queue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.celery.Kombu;
import io.clipflow.config.AsyncRedis;
import io.clipflow.config.RedisKeys;
import io.clipflow.config.WorkerConnections;
import io.clipflow.notify.EventPublisher;
import io.clipflow.task.ResultBackend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisListCommands.Direction;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Every Redis list and sorted-set operation behind Celery queues, in one place because the delivery guarantees live
 * here: publish (LPUSH + kombu binding), reliable fetch (into this node's processing list), ack, delay, hand-back,
 * orphan recovery and dead letters. Each multi-key step is one Lua script, so a crash between two commands can
 * neither lose a message nor duplicate it.
 */
@Component
public class ReliableQueue {

    /** kombu's priority steps: lower number is served first, 0 being the plain list. */
    private static final int[] PRIORITY_STEPS = {0, 3, 6, 9};

    /**
     * Lua: {@code task_id(v)}, a message's task id: the envelope's first {@code "id"} key with a string value
     * (headers.id: the body before it is base64, and other keys ending in id, like root_id, do not match the quote
     * before it). The same answer as {@code string.match(v, '"id":%s*"([^"]+)"')}, found with plain searches, which
     * take a fifth of the time on a Celery message.
     */
    private static final String TASK_ID_FUNCTION =
            """
            local function task_id(v)
              local from = 1
              while true do
                local _, e = string.find(v, '"id":', from, true)
                if not e then return nil end
                local id = string.match(v, '^%s*"([^"]+)"', e + 1)
                if id then return id end
                from = e + 1
              end
            end
            """;

    /**
     * Lua shared by the take scripts. {@code status_of(revoked, now, prefix, id)}: what a worker must know about a task
     * before running it: 1 when it is revoked (in the {@code revoked} zset until after {@code now} ms), 2 when its
     * result (key {@code prefix .. id}) is already SUCCESS, else 0. {@code take_first(first, last, dest, revoked, now,
     * prefix)}: a non-blocking pass over the lists KEYS[first..last] (kombu's priority order) that moves the first
     * message found into {@code dest} (the processing list) and returns it with its task id ({@link
     * #TASK_ID_FUNCTION}) and that task's status; an empty list when every list is empty (never nil: a script reply
     * read as a list must be a list).
     */
    private static final String TAKE_FUNCTIONS = ResultBackend.RESULT_FUNCTIONS
            + TASK_ID_FUNCTION
            + """
            local function status_of(revoked, now, prefix, id)
              local until_ms = redis.call('ZSCORE', revoked, id)
              if until_ms and tonumber(until_ms) > tonumber(now) then return 1 end
              if succeeded(prefix .. id) then return 2 end
              return 0
            end
            local function take_first(first, last, dest, revoked, now, prefix)
              for i = first, last do
                local v = redis.call('LMOVE', KEYS[i], dest, 'RIGHT', 'LEFT')
                if v then
                  local id = task_id(v)
                  if id then return {v, id, status_of(revoked, now, prefix, id)} end
                  return {v, '', 0}
                end
              end
              return {}
            end
            """;

    /** KEYS: the priority lists, the processing list, the revoked set; ARGV: now (ms), result key prefix. */
    private static final RedisScript<List> TAKE_FIRST = RedisScript.of(
            TAKE_FUNCTIONS + "return take_first(1, #KEYS - 2, KEYS[#KEYS - 1], KEYS[#KEYS], ARGV[1], ARGV[2])\n",
            List.class);

    /** KEYS[1] the revoked set; ARGV: now (ms), result key prefix, task id. */
    private static final RedisScript<Long> STATUS =
            RedisScript.of(TAKE_FUNCTIONS + "return status_of(KEYS[1], ARGV[1], ARGV[2], ARGV[3])\n", Long.class);

    /**
     * A worker's one round trip between two tasks (BullMQ's moveToFinished with fetch-next): stores the finished
     * task's result (never over a SUCCESS), acks its message, sends its live event (after its started event when that
     * was withheld: {@link StartNotices}), and takes the next message as {@code take_first} does. KEYS: processing
     * list, result, revoked set, the 4 priority lists, then the events' key pairs; ARGV: raw message, result, ttl, now
     * (ms), result key prefix, take next (1/0), event cap, event ttl, event, started event ('' for none).
     */
    private static final RedisScript<List> FINISH = RedisScript.of(
            TAKE_FUNCTIONS
                    + EventPublisher.EMIT_FUNCTION
                    + """
            store(KEYS[2], ARGV[2], ARGV[3])
            redis.call('LREM', KEYS[1], 1, ARGV[1])
            if #KEYS > 7 then
              if ARGV[10] ~= '' then emit(8, #KEYS, ARGV[7], ARGV[8], ARGV[10], 1) end
              emit(8, #KEYS, ARGV[7], ARGV[8], ARGV[9])
            end
            if ARGV[6] == '1' then return take_first(4, 7, KEYS[1], KEYS[3], ARGV[4], ARGV[5]) end
            return {}
            """,
            List.class);

    /**
     * The STARTED result (never over a SUCCESS) and its live event: KEYS result, then the event's key pairs; ARGV
     * result, ttl, event cap, event ttl, event.
     */
    private static final RedisScript<Long> STARTED = RedisScript.of(
            ResultBackend.RESULT_FUNCTIONS
                    + EventPublisher.EMIT_FUNCTION
                    + """
            store(KEYS[1], ARGV[1], ARGV[2])
            if #KEYS > 1 then emit(2, #KEYS, ARGV[3], ARGV[4], ARGV[5]) end
            return 1
            """,
            Long.class);

    /** KEYS binding set, list; ARGV binding member, message: one round trip on the shared connection. */
    private static final RedisScript<Long> PUBLISH = RedisScript.of(
            """
            redis.call('SADD', KEYS[1], ARGV[1])
            return redis.call('LPUSH', KEYS[2], ARGV[2])
            """,
            Long.class);

    /** Moves one copy of a message out of a processing list into another list's consuming end, or not at all. */
    private static final RedisScript<Long> MOVE_ONE = RedisScript.of(
            """
            if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
              redis.call('RPUSH', KEYS[2], ARGV[2])
              return 1
            end
            return 0
            """,
            Long.class);

    /** Parks a message in the delayed set and acks it, in one step. */
    private static final RedisScript<Long> DELAY = RedisScript.of(
            """
            if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
              redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
              return 1
            end
            return 0
            """,
            Long.class);

    /** Moves every due delayed message to the consuming end of its list; each member goes exactly once. */
    private static final RedisScript<Long> PROMOTE = RedisScript.of(
            """
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
            for _, member in ipairs(due) do
              if redis.call('ZREM', KEYS[1], member) == 1 then
                local cut = string.find(member, '\\n', 1, true)
                redis.call('RPUSH', string.sub(member, 1, cut - 1), string.sub(member, cut + 1))
              end
            end
            return #due
            """,
            Long.class);

    /** Dead-letters a message and acks it in one step. */
    private static final RedisScript<Long> DEAD = RedisScript.of(
            """
            redis.call('LPUSH', KEYS[2], ARGV[2])
            redis.call('SADD', KEYS[3], ARGV[3])
            redis.call('LREM', KEYS[1], 1, ARGV[1])
            return 1
            """,
            Long.class);

    /** Takes a dead letter out and republishes its message, or neither. */
    private static final RedisScript<Long> REPLAY = RedisScript.of(
            """
            if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
              redis.call('LPUSH', KEYS[2], ARGV[2])
              return 1
            end
            return 0
            """,
            Long.class);

    /** Forgets a node only when it is dead and owes nothing. */
    private static final RedisScript<Long> FORGET = RedisScript.of(
            """
            if redis.call('EXISTS', KEYS[1]) == 0 and redis.call('LLEN', KEYS[2]) == 0 then
              return redis.call('SREM', KEYS[3], ARGV[1])
            end
            return 0
            """,
            Long.class);

    /** Removes a queue's pending lists and its delayed members in one step; returns {pending, delayed}. */
    private static final RedisScript<List> PURGE = RedisScript.of(
            """
            local pending = 0
            for i = 1, #KEYS - 1 do
              pending = pending + redis.call('LLEN', KEYS[i])
              redis.call('DEL', KEYS[i])
            end
            local delayed = 0
            for _, member in ipairs(redis.call('ZRANGE', KEYS[#KEYS], 0, -1)) do
              local cut = string.find(member, '\\n', 1, true)
              local list = cut and string.sub(member, 1, cut - 1) or ''
              for i = 1, #KEYS - 1 do
                if list == KEYS[i] then
                  delayed = delayed + redis.call('ZREM', KEYS[#KEYS], member)
                  break
                end
              end
            end
            return {pending, delayed}
            """,
            List.class);

    /**
     * Which of the task ids (ARGV) have a message in the lists (KEYS but the last) or the delayed set (last KEY); one
     * pass over everything, for the outbox scan ({@link #TASK_ID_FUNCTION}).
     */
    private static final RedisScript<List> HOLDING = RedisScript.of(
            TASK_ID_FUNCTION
                    + """
            local wanted = {}
            for _, id in ipairs(ARGV) do wanted[id] = true end
            local found = {}
            local function check(v)
              local id = task_id(v)
              if id and wanted[id] then
                wanted[id] = nil
                found[#found + 1] = id
              end
            end
            for i = 1, #KEYS - 1 do
              for _, v in ipairs(redis.call('LRANGE', KEYS[i], 0, -1)) do check(v) end
            end
            for _, v in ipairs(redis.call('ZRANGE', KEYS[#KEYS], 0, -1)) do check(v) end
            return found
            """,
            List.class);

    private final StringRedisTemplate redis;
    private final AsyncRedis async;
    private final RedisKeys keys;
    private final ObjectMapper json;
    private final WorkerConnections connections;

    ReliableQueue(
            StringRedisTemplate redis,
            AsyncRedis async,
            WorkerConnections connections,
            RedisKeys keys,
            ObjectMapper json) {
        this.redis = redis;
        this.async = async;
        this.connections = connections;
        this.keys = keys;
        this.json = json;
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
        redis.executePipelined((org.springframework.data.redis.core.RedisCallback<Object>) connection -> {
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
     * list and returns it, waiting up to {@code timeout} on {@code waiter}'s connection; null when none came. It stays
     * there until acked or moved. When a message was waiting, one round trip also tells whether its task is revoked or
     * already succeeded; after a wait, {@link Taken#taskId()} is null and the caller asks {@link #status} itself.
     */
    public Taken take(String queue, String node, Duration timeout, Waiter waiter) {
        List<String> lists = new ArrayList<>(PRIORITY_STEPS.length + 2);
        for (int step : PRIORITY_STEPS) {
            lists.add(listKey(queue, step));
        }
        String processing = keys.processing(node);
        lists.add(processing);
        lists.add(keys.revoked());
        Taken ready = taken(waiter.run(TAKE_FIRST, lists, now(), keys.result("")));
        if (ready != null) {
            return ready;
        }
        String raw = waiter.move(keys.queue(queue), processing, timeout);
        return raw == null ? null : new Taken(raw, null, TaskStatus.RUNNABLE);
    }

    /** As {@link #take(String, String, Duration, Waiter)}, for a caller that takes once. */
    public Taken take(String queue, String node, Duration timeout) {
        try (Waiter waiter = waiter()) {
            return take(queue, node, timeout, waiter);
        }
    }

    /**
     * A worker thread's own connection ({@link WorkerConnections}), kept for the thread's life: its take, blocking wait
     * and finish are written and read by the thread itself, one round trip each, with no other thread in between.
     */
    public Waiter waiter() {
        return new Waiter();
    }

    /** See {@link #waiter()}; one per thread, closed when the thread ends. */
    public final class Waiter implements AutoCloseable {

        private RedisConnection connection;

        private RedisConnection connection() {
            if (connection == null) {
                connection = connections.open();
            }
            return connection;
        }

        String move(String from, String to, Duration timeout) {
            var ser = redis.getStringSerializer();
            try {
                byte[] raw = connection()
                        .listCommands()
                        .bLMove(
                                ser.serialize(from),
                                ser.serialize(to),
                                Direction.RIGHT,
                                Direction.LEFT,
                                timeout.toMillis() / 1000.0);
                return raw == null ? null : ser.deserialize(raw);
            } catch (RuntimeException e) {
                close(); // the next call starts on a new connection
                throw e;
            }
        }

        /** Runs a script that replies with a list by its SHA1 (sending its text once when Redis does not know it). */
        List<?> run(RedisScript<List> script, List<String> scriptKeys, String... args) {
            return (List<?>) run(script, ReturnType.MULTI, scriptKeys, args);
        }

        /** Runs a script by its SHA1, sending its text once when Redis does not know it (after a restart). */
        Object run(RedisScript<?> script, ReturnType type, List<String> scriptKeys, String... args) {
            byte[][] keysAndArgs = new byte[scriptKeys.size() + args.length][];
            for (int i = 0; i < scriptKeys.size(); i++) {
                keysAndArgs[i] = scriptKeys.get(i).getBytes(StandardCharsets.UTF_8);
            }
            for (int i = 0; i < args.length; i++) {
                keysAndArgs[scriptKeys.size() + i] = args[i].getBytes(StandardCharsets.UTF_8);
            }
            try {
                Object reply;
                try {
                    reply = connection()
                            .scriptingCommands()
                            .evalSha(script.getSha1(), type, scriptKeys.size(), keysAndArgs);
                } catch (RuntimeException e) {
                    if (!String.valueOf(e.getMessage()).contains("NOSCRIPT")) {
                        throw e;
                    }
                    reply = connection()
                            .scriptingCommands()
                            .eval(bytes(script.getScriptAsString()), type, scriptKeys.size(), keysAndArgs);
                }
                return reply;
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public void close() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (RuntimeException e) {
                    // already broken; nothing to hand back
                }
                connection = null;
            }
        }
    }

    /** Whether {@code taskId} is revoked, already succeeded, or may run; asked on a worker thread's own connection. */
    public TaskStatus status(String taskId, Waiter waiter) {
        Object code = waiter.run(STATUS, ReturnType.INTEGER, List.of(keys.revoked()), now(), keys.result(""), taskId);
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
    public Taken finish(
            String queue,
            String node,
            String rawMessage,
            ResultBackend.Write result,
            EventPublisher.Emit event,
            String startedEvent,
            boolean takeNext,
            Waiter waiter) {
        List<String> scriptKeys = new ArrayList<>(11);
        scriptKeys.add(keys.processing(node));
        scriptKeys.add(result.key());
        scriptKeys.add(keys.revoked());
        for (int step : PRIORITY_STEPS) {
            scriptKeys.add(listKey(queue, step));
        }
        if (event != null) {
            scriptKeys.addAll(event.keys());
        }
        // what this thread sent without waiting (live events) lands first, as if on the same connection
        async.awaitSent();
        return taken(waiter.run(
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

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
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
        Long moved = redis.execute(MOVE_ONE, List.of(keys.processing(node), listKey), raw, replacement);
        return moved != null && moved == 1;
    }

    /** The messages in a node's processing list, oldest first. */
    public List<String> processing(String node) {
        List<String> items = redis.opsForList().range(keys.processing(node), 0, -1);
        if (items == null) {
            return List.of();
        }
        List<String> oldestFirst = new ArrayList<>(items);
        java.util.Collections.reverse(oldestFirst);
        return oldestFirst;
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

    public Set<String> deadQueues() {
        Set<String> queues = redis.opsForSet().members(keys.deadQueues());
        return queues == null ? Set.of() : queues;
    }

    /** Dead letters of a queue as stored (JSON), newest first. */
    public List<String> deadLetters(String queue) {
        List<String> entries = redis.opsForList().range(keys.dead(queue), 0, -1);
        return entries == null ? List.of() : entries;
    }

    public boolean removeDeadLetter(String queue, String entry) {
        Long n = redis.opsForList().remove(keys.dead(queue), 1, entry);
        return n != null && n == 1;
    }

    /** Takes a dead letter out and publishes {@code message} to {@code listKey}, atomically. */
    public boolean replayDeadLetter(String queue, String entry, String listKey, String message) {
        Long n = redis.execute(REPLAY, List.of(keys.dead(queue), listKey), entry, message);
        return n != null && n == 1;
    }

    public void heartbeat(String node, Duration ttl, String info) {
        redis.opsForValue().set(keys.node(node), info, ttl);
        redis.opsForSet().add(keys.nodes(), node);
    }

    public void stopHeartbeat(String node) {
        redis.delete(keys.node(node));
    }

    public boolean alive(String node) {
        return Boolean.TRUE.equals(redis.hasKey(keys.node(node)));
    }

    public Set<String> knownNodes() {
        Set<String> nodes = redis.opsForSet().members(keys.nodes());
        return nodes == null ? Set.of() : nodes;
    }

    /** Drops a dead node with an empty processing list from the node set. */
    public void forgetIfDeadAndEmpty(String node) {
        redis.execute(FORGET, List.of(keys.node(node), keys.processing(node), keys.nodes()), node);
    }

    public void revoke(String taskId, Instant until) {
        redis.opsForZSet().add(keys.revoked(), taskId, until.toEpochMilli());
    }

    public void expireRevocations(Instant now) {
        redis.opsForZSet().removeRangeByScore(keys.revoked(), Double.NEGATIVE_INFINITY, now.toEpochMilli());
    }

    public long depth(String queue) {
        Long n = redis.opsForList().size(keys.queue(queue));
        return n == null ? 0 : n;
    }

    public long processingDepth(String node) {
        Long n = redis.opsForList().size(keys.processing(node));
        return n == null ? 0 : n;
    }

    /** One queue's list keys, plain list first then kombu's priority sub-lists. */
    private List<String> listKeys(String queue) {
        List<String> lists = new ArrayList<>(PRIORITY_STEPS.length);
        for (int step : PRIORITY_STEPS) {
            lists.add(listKey(queue, step));
        }
        return lists;
    }

    /** Pending messages per kombu priority step (0, 3, 6, 9). */
    public Map<Integer, Long> pendingByPriority(String queue) {
        Map<Integer, Long> counts = new LinkedHashMap<>();
        for (int step : PRIORITY_STEPS) {
            Long n = redis.opsForList().size(listKey(queue, step));
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

    public long deadCount(String queue) {
        Long n = redis.opsForList().size(keys.dead(queue));
        return n == null ? 0 : n;
    }

    /** Queues that ever had a message published here (kombu bindings), without the key prefix. */
    public Set<String> boundQueues() {
        Set<String> found = new java.util.TreeSet<>();
        String head = keys.binding("");
        try (var cursor = redis.scan(org.springframework.data.redis.core.ScanOptions.scanOptions()
                .match(head + "*")
                .count(500)
                .build())) {
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

    /** Drops a queue's dead letters; returns how many. */
    public long purgeDead(String queue) {
        long n = deadCount(queue);
        redis.delete(keys.dead(queue));
        redis.opsForSet().remove(keys.deadQueues(), queue);
        return n;
    }

    /**
     * Which of {@code taskIds} still have a message anywhere they could run from: the queue's lists, any known node's
     * processing list, or the delayed set. One script, one pass, however many ids.
     */
    public Set<String> holdingTasks(String queue, java.util.Collection<String> taskIds) {
        if (taskIds.isEmpty()) {
            return Set.of();
        }
        List<String> scriptKeys = new ArrayList<>(listKeys(queue));
        for (String node : knownNodes()) {
            scriptKeys.add(keys.processing(node));
        }
        scriptKeys.add(keys.delayed());
        List<?> found = redis.execute(HOLDING, scriptKeys, taskIds.toArray());
        Set<String> held = new java.util.HashSet<>();
        if (found != null) {
            found.forEach(id -> held.add(String.valueOf(id)));
        }
        return held;
    }

    /** Raw heartbeat value of a node, or null when it is dead. */
    public String heartbeatOf(String node) {
        return redis.opsForValue().get(keys.node(node));
    }
}
