package io.clipflow.queue;

import io.clipflow.celery.CeleryEventCodec;
import io.clipflow.celery.Kombu;
import io.clipflow.celery.LamportClock;
import io.clipflow.config.ClipflowProperties;
import io.clipflow.config.RedisKeys;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * What this node is to Celery's tools, as Celery's {@code celery.worker.state} holds it: its name, process, logical
 * clock, start time and the tasks it started by name ({@code inspect stats} {@code total}, {@code processed} in
 * heartbeats), plus the kombu fanout channels it speaks on, which carry the Redis database number.
 */
@Component
class CeleryWorkerState {

    private final String hostname;
    private final long pid = ProcessHandle.current().pid();
    private final long startedNanos = System.nanoTime();
    private final LamportClock clock = new LamportClock();
    private final Map<String, LongAdder> totals = new ConcurrentHashMap<>();
    private final LongAdder processed = new LongAdder();
    private final RedisKeys keys;
    private final int database;

    CeleryWorkerState(
            CeleryWorkerProperties properties,
            ClipflowProperties clipflow,
            RedisKeys keys,
            RedisConnectionFactory connections) {
        this.hostname = properties.hostnameFor(clipflow.nodeName());
        this.keys = keys;
        this.database = connections instanceof LettuceConnectionFactory lettuce ? lettuce.getDatabase() : 0;
    }

    String hostname() {
        return hostname;
    }

    long pid() {
        return pid;
    }

    LamportClock clock() {
        return clock;
    }

    int database() {
        return database;
    }

    Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** A task started here (Celery counts at {@code task_accepted}). */
    void accepted(String taskName) {
        totals.computeIfAbsent(taskName, k -> new LongAdder()).increment();
        processed.increment();
    }

    Map<String, Long> totals() {
        Map<String, Long> out = new TreeMap<>();
        totals.forEach((name, n) -> out.put(name, n.sum()));
        return out;
    }

    long processed() {
        return processed.sum();
    }

    /** The pub/sub channel of a kombu fanout exchange on this node's database, with the key prefix. */
    String fanout(String exchange, String routingKey) {
        return keys.prefix() + Kombu.fanoutChannel(database, exchange, routingKey);
    }

    /** The channel of one event routing key on {@code celeryev}. */
    String eventChannel(String routingKey) {
        return fanout(CeleryEventCodec.EXCHANGE, routingKey);
    }
}
