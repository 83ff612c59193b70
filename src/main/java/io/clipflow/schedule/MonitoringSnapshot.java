package io.clipflow.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.config.RedisKeys;
import io.clipflow.queue.NodeRegistry;
import io.clipflow.queue.QueueInspection;
import io.clipflow.queue.TaskRegistry;
import io.clipflow.storage.MediaStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Route schedule-monitoring: once a minute, disk use of the media root, the host's disk and network bytes since the
 * previous snapshot (the seeds' system_disk_read_bytes_task and friends) and every queue's depth, kept as JSON in the
 * Redis cache namespace ({@code clipflow:cache:monitoring}) with a TTL. Every node exposes the latest snapshot as
 * {@code clipflow.monitoring.*} gauges, whichever node took it.
 */
@Component("monitoringSnapshot")
public class MonitoringSnapshot {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final ObjectMapper json;
    private final QueueInspection inspection;
    private final TaskRegistry registry;
    private final MediaStore store;
    private final ScheduleProperties properties;
    private final Clock clock;
    private final NodeRegistry nodes;
    private final Path proc;
    private final Path sysBlock;
    private volatile CachedSnapshot cached = new CachedSnapshot(Map.of(), System.nanoTime() - 10_000_000_000L);

    MonitoringSnapshot(
            StringRedisTemplate redis,
            RedisKeys keys,
            ObjectMapper json,
            QueueInspection inspection,
            TaskRegistry registry,
            MediaStore store,
            ScheduleProperties properties,
            Clock clock,
            MeterRegistry meters,
            NodeRegistry nodes) {
        this.nodes = nodes;
        this.redis = redis;
        this.keys = keys;
        this.json = json;
        this.inspection = inspection;
        this.registry = registry;
        this.store = store;
        this.properties = properties;
        this.clock = clock;
        this.proc = Path.of("/proc");
        this.sysBlock = Path.of("/sys/block");
        gauge(meters, "clipflow.monitoring.media.used", "bytes", "Bytes under the media root", s -> number(
                        s, "media_used_bytes")
                .doubleValue());
        gauge(
                meters,
                "clipflow.monitoring.disk.read",
                "bytes",
                "Host disk bytes read between the last two snapshots",
                s -> number(s, "disk_read_bytes").doubleValue());
        gauge(
                meters,
                "clipflow.monitoring.disk.written",
                "bytes",
                "Host disk bytes written between the last two snapshots",
                s -> number(s, "disk_written_bytes").doubleValue());
        gauge(
                meters,
                "clipflow.monitoring.network.received",
                "bytes",
                "Host network bytes received between the last two snapshots",
                s -> number(s, "net_received_bytes").doubleValue());
        gauge(
                meters,
                "clipflow.monitoring.network.sent",
                "bytes",
                "Host network bytes sent between the last two snapshots",
                s -> number(s, "net_sent_bytes").doubleValue());
    }

    /** Takes one snapshot and stores it; the reply is the snapshot. */
    public Map<String, Object> take() {
        SystemCounters now = SystemCounters.read(proc, sysBlock);
        String countersKey = keys.cache("monitoring:counters");
        SystemCounters since = now;
        Map<String, Object> previous = read(countersKey);
        if (!previous.isEmpty()) {
            since = now.since(new SystemCounters(
                    number(previous, "disk_read_bytes").longValue(),
                    number(previous, "disk_written_bytes").longValue(),
                    number(previous, "net_received_bytes").longValue(),
                    number(previous, "net_sent_bytes").longValue()));
        }
        write(countersKey, counters(now));
        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("time", clock.instant().toString());
        snapshot.put("since_previous", !previous.isEmpty());
        snapshot.put("media_used_bytes", MediaStore.sizeOf(store.root()));
        snapshot.put("media_free_bytes", store.root().toFile().getUsableSpace());
        snapshot.putAll(counters(since));
        Map<String, Long> depths = new TreeMap<>();
        for (String q : knownQueues()) {
            depths.put(
                    q,
                    inspection.pendingByPriority(q).values().stream()
                            .mapToLong(Long::longValue)
                            .sum());
        }
        snapshot.put("queue_depths", depths);
        snapshot.put("tasks", tasksSincePrevious());
        write(keys.cache("monitoring"), snapshot);
        append(snapshot);
        cached = new CachedSnapshot(snapshot, System.nanoTime());
        return snapshot;
    }

    /** A day of snapshots at one a minute: what the dashboard's throughput, failure and depth charts draw. */
    static final int SERIES_LENGTH = 24 * 60;

    /** The kept snapshots of the last {@code range} (at most a day), oldest first. */
    public List<Map<String, Object>> series(Duration range) {
        long since = clock.instant().minus(range).toEpochMilli();
        java.util.Set<String> raw =
                redis.opsForZSet().rangeByScore(keys.cache("monitoring:series"), since, Double.POSITIVE_INFINITY);
        List<Map<String, Object>> points = new ArrayList<>();
        for (String item : raw == null ? java.util.Set.<String>of() : raw) {
            Map<String, Object> point = parse(item);
            if (!point.isEmpty()) {
                points.add(point);
            }
        }
        return points;
    }

    /** Adds the snapshot to the series, a sorted set scored by its time, and keeps the newest day of them. */
    private void append(Map<String, Object> snapshot) {
        String key = keys.cache("monitoring:series");
        redis.opsForZSet().add(key, text(snapshot), clock.instant().toEpochMilli());
        redis.opsForZSet().removeRange(key, 0, -(SERIES_LENGTH + 1L));
        redis.expire(key, Duration.ofDays(2));
    }

    /**
     * Runs that ended on any node since the previous snapshot, by outcome: each live node's heartbeat carries its
     * totals since it started; the difference to the totals the previous snapshot saw is this minute's (a node that
     * restarted counts from zero again).
     */
    private Map<String, Long> tasksSincePrevious() {
        String key = keys.cache("monitoring:node-totals");
        Map<String, Object> previous = read(key);
        Map<String, Object> current = new LinkedHashMap<>();
        Map<String, Long> sum = new TreeMap<>();
        for (String node : nodes.knownNodes()) {
            Map<String, Object> beat = parse(nodes.heartbeatOf(node));
            if (!(beat.get("tasks") instanceof Map<?, ?> totals)) {
                continue;
            }
            current.put(node, totals);
            Map<?, ?> before = previous.get(node) instanceof Map<?, ?> m ? m : Map.of();
            totals.forEach((outcome, n) -> {
                long now = n instanceof Number x ? x.longValue() : 0;
                long then = before.get(outcome) instanceof Number x ? x.longValue() : 0;
                sum.merge(String.valueOf(outcome), now >= then ? now - then : now, Long::sum);
            });
        }
        redis.opsForValue().set(key, text(current), Duration.ofDays(1));
        return sum;
    }

    private Map<String, Object> parse(String raw) {
        if (raw == null) {
            return Map.of();
        }
        try {
            return json.readValue(raw, MAP);
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    private String text(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The latest snapshot from any node, or empty when none is younger than its TTL. */
    public Map<String, Object> latest() {
        CachedSnapshot c = cached;
        if (System.nanoTime() - c.readNanos() < 5_000_000_000L) {
            return c.snapshot();
        }
        Map<String, Object> snapshot;
        try {
            snapshot = read(keys.cache("monitoring"));
        } catch (RuntimeException e) {
            snapshot = c.snapshot(); // Redis down: the gauges keep their last value
        }
        cached = new CachedSnapshot(snapshot, System.nanoTime());
        return snapshot;
    }

    private java.util.Set<String> knownQueues() {
        java.util.Set<String> queues = new TreeSet<>();
        registry.all().values().forEach(e -> queues.add(e.queue()));
        queues.addAll(inspection.boundQueues());
        return queues;
    }

    private static Map<String, Object> counters(SystemCounters c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("disk_read_bytes", c.diskReadBytes());
        m.put("disk_written_bytes", c.diskWrittenBytes());
        m.put("net_received_bytes", c.netReceivedBytes());
        m.put("net_sent_bytes", c.netSentBytes());
        return m;
    }

    private Map<String, Object> read(String key) {
        return parse(redis.opsForValue().get(key));
    }

    private void write(String key, Map<String, Object> value) {
        try {
            redis.opsForValue().set(key, json.writeValueAsString(value), properties.monitoringTtl());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Number number(Map<String, Object> m, String name) {
        return m.get(name) instanceof Number n ? n : 0;
    }

    private void gauge(
            MeterRegistry meters,
            String name,
            String unit,
            String description,
            ToDoubleFunction<Map<String, Object>> f) {
        Gauge.builder(name, this, s -> f.applyAsDouble(s.latest()))
                .baseUnit(unit)
                .description(description)
                .register(meters);
    }

    private record CachedSnapshot(Map<String, Object> snapshot, long readNanos) {}
}
