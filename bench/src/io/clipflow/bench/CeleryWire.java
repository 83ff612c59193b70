package io.clipflow.bench;

import io.clipflow.celery.PythonJson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.celery.TaskOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Celery's wire format on the private Redis, the same for every Celery-speaking worker measured (Clipflow and Python
 * Celery): pre-loading {@code clipflow.noop} messages built by Clipflow's codec, waiting for their results and reading
 * first-to-last result time from the results' own {@code date_done}.
 */
final class CeleryWire {

    static final String QUEUE = "celery";
    static final String TASK = "clipflow.noop";

    private final PrivateRedis redis;
    private final CeleryMessageCodec codec = new CeleryMessageCodec();
    private final ObjectMapper json = new ObjectMapper();

    CeleryWire(PrivateRedis redis) {
        this.redis = redis;
    }

    static String id(String run, int i) {
        return run + "-" + i;
    }

    String message(String taskId, int arg) {
        return codec.encode(codec.newTask(TASK, List.of(arg), null, QUEUE, TaskOptions.none().withTaskId(taskId)));
    }

    /**
     * Pushes {@code n} messages to a staging list, pipelined, then RENAMEs it onto the queue in one step: the waiting
     * workers see all {@code n} at once, as if pre-loaded before they started (without restarting warm workers).
     */
    void preloadAndRelease(String run, int n) {
        String staging = "bench:staging:" + run;
        pushAll(staging, run, 0, n);
        redis.connection.sync().sadd("_kombu.binding." + QUEUE, QUEUE + "\u0006\u0016\u0006\u0016" + QUEUE);
        redis.connection.sync().rename(staging, QUEUE);
    }

    /** LPUSHes messages {@code from..to-1} of {@code run} onto {@code list}, 1,000 per pipeline flush. */
    void pushAll(String list, String run, int from, int to) {
        StatefulRedisConnection<String, String> c = redis.client.connect();
        try {
            c.setAutoFlushCommands(false);
            RedisAsyncCommands<String, String> async = c.async();
            List<RedisFuture<?>> pending = new ArrayList<>();
            for (int i = from; i < to; i++) {
                pending.add(async.lpush(list, message(id(run, i), i)));
                if (pending.size() == 1000 || i == to - 1) {
                    c.flushCommands();
                    LettuceFutures.awaitAll(Duration.ofSeconds(30), pending.toArray(new RedisFuture[0]));
                    pending.clear();
                }
            }
        } finally {
            c.close();
        }
    }

    /** Waits until every result of {@code run} 0..n-1 exists; checks in id order, 500 keys per MGET. */
    void awaitResults(String run, int from, int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int confirmed = from;
        while (confirmed < n) {
            int end = Math.min(n, confirmed + 500);
            String[] keys = new String[end - confirmed];
            for (int i = confirmed; i < end; i++) {
                keys[i - confirmed] = "celery-task-meta-" + id(run, i);
            }
            List<KeyValue<String, String>> values = redis.connection.sync().mget(keys);
            int advanced = 0;
            for (KeyValue<String, String> kv : values) {
                if (!kv.hasValue() || !kv.getValue().contains("\"SUCCESS\"")) {
                    break;
                }
                advanced++;
            }
            confirmed += advanced;
            if (advanced < keys.length) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + confirmed + " of " + n + " results of " + run
                            + " after " + timeout);
                }
                Bench.sleep(20);
            }
        }
    }

    /**
     * Seconds from the first to the last {@code date_done} of {@code run}'s results, after checking that each is a
     * SUCCESS whose result is the task's argument (the work was really done, and done right).
     */
    double span(String run, int n) {
        double first = Double.MAX_VALUE;
        double last = 0;
        for (int start = 0; start < n; start += 1000) {
            int end = Math.min(n, start + 1000);
            String[] keys = new String[end - start];
            for (int i = start; i < end; i++) {
                keys[i - start] = "celery-task-meta-" + id(run, i);
            }
            List<KeyValue<String, String>> values = redis.connection.sync().mget(keys);
            for (int i = 0; i < values.size(); i++) {
                try {
                    JsonNode meta = json.readTree(values.get(i).getValue());
                    if (!"SUCCESS".equals(meta.path("status").asText())
                            || meta.path("result").asInt(-1) != start + i) {
                        throw new IllegalStateException("wrong result for " + keys[i] + ": " + meta);
                    }
                    java.time.OffsetDateTime done =
                            io.clipflow.celery.PythonJson.parseIsoformat(meta.path("date_done").asText());
                    double t = done.toEpochSecond() + done.getNano() / 1e9;
                    first = Math.min(first, t);
                    last = Math.max(last, t);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return last - first;
    }

    /** Deletes {@code run}'s result keys, so every repetition starts from the same Redis size. */
    void forget(String run, int n) {
        for (int start = 0; start < n; start += 1000) {
            int end = Math.min(n, start + 1000);
            String[] keys = new String[end - start];
            for (int i = start; i < end; i++) {
                keys[i - start] = "celery-task-meta-" + id(run, i);
            }
            redis.connection.sync().unlink(keys);
        }
    }

    /**
     * {@code n} tasks one after another on an idle worker: from just before the LPUSH to the SUCCESS result arriving
     * on the result's pub/sub channel (what Celery's {@code AsyncResult.get()} waits on). Milliseconds, in order.
     */
    List<Double> latencies(String run, int n) {
        StatefulRedisPubSubConnection<String, String> sub = redis.client.connectPubSub();
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        sub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                if (message.contains("\"SUCCESS\"")) {
                    received.add(channel);
                }
            }
        });
        List<Double> millis = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                String taskId = id(run, i);
                String channel = "celery-task-meta-" + taskId;
                String message = message(taskId, i);
                sub.sync().subscribe(channel);
                long t0 = System.nanoTime();
                redis.connection.sync().lpush(QUEUE, message);
                String got = received.poll(30, TimeUnit.SECONDS);
                long t1 = System.nanoTime();
                if (!channel.equals(got)) {
                    throw new IllegalStateException("no result for " + taskId + " within 30 s");
                }
                sub.sync().unsubscribe(channel);
                millis.add((t1 - t0) / 1e6);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            sub.close();
        }
        return millis;
    }
}
