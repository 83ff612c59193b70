package io.clipflow.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clipflow.celery.CeleryEventCodec;
import io.clipflow.celery.CeleryMessage;
import io.clipflow.config.Roles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * This node's Celery monitoring events on {@code celeryev} (what {@code celery events}, {@code EventReceiver} and
 * Flower read), as Celery's worker sends them. {@code worker-online}, a {@code worker-heartbeat} every
 * {@code clipflow.celery.events.heartbeat-interval} and {@code worker-offline} on worker nodes; task events while they
 * are enabled ({@code clipflow.celery.events.task}, or {@code celery control enable_events}); {@code task-sent} for
 * the tasks this node sends ({@code clipflow.celery.events.sent}; producers in other features call {@link #sent}).
 *
 * <p>Disabled, a task event costs one volatile read. Enabled, the worker thread only queues a small record; one sender
 * thread builds the JSON and publishes, a lone event as itself and several waiting ones as one {@code task.multi} list
 * of at most {@value #BATCH} (Celery's own {@code buffer_limit}), so the worker never waits on Redis for an event and
 * a busy node sends far fewer messages than events. Task events go out after the ending that caused them, so a
 * monitor that reads the result on {@code task-succeeded} finds it.
 */
@Component
public class CeleryEventDispatcher implements WorkerEvents, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CeleryEventDispatcher.class);

    /** Task events per {@code task.multi} message at most (Celery's {@code EventDispatcher.buffer_limit}). */
    static final int BATCH = 24;

    /** Lines of a Java stack trace kept as an event's {@code traceback}. */
    private static final int TRACEBACK_LINES = 40;

    private static final int SIGTERM = 15;

    private record Pending(String type, long clock, double timestamp, Supplier<ObjectNode> fields) {}

    private final CeleryWorkerState state;
    private final CeleryWorkerProperties properties;
    private final StringRedisTemplate redis;
    private final TaskSupervisor supervisor;
    private final Roles roles;
    private final ObjectMapper json;
    private final CeleryEventCodec codec;
    private final String version;

    private volatile boolean taskEvents;
    private volatile boolean sentEvents;

    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    /** Signals that {@code revoke(terminate=True)} used, by task id, for the {@code signum} of its task-revoked. */
    private final Map<String, Integer> terminations = new ConcurrentHashMap<>();

    private Thread sender;
    private ScheduledExecutorService heart;
    private volatile boolean running;

    CeleryEventDispatcher(
            CeleryWorkerState state,
            CeleryWorkerProperties properties,
            StringRedisTemplate redis,
            TaskSupervisor supervisor,
            Roles roles,
            ObjectMapper json) {
        this.state = state;
        this.properties = properties;
        this.redis = redis;
        this.supervisor = supervisor;
        this.roles = roles;
        this.json = json;
        this.codec = new CeleryEventCodec(state.hostname(), state.pid());
        this.taskEvents = properties.events().task();
        this.sentEvents = properties.events().sent();
        String v = CeleryEventDispatcher.class.getPackage().getImplementationVersion();
        this.version = v == null ? "0.1.0" : v;
    }

    /** Whether task events are sent now. */
    boolean taskEventsEnabled() {
        return taskEvents;
    }

    /** {@code enable_events} / {@code disable_events}; returns whether that changed anything. */
    boolean taskEvents(boolean enabled) {
        boolean was = taskEvents;
        taskEvents = enabled;
        return was != enabled;
    }

    boolean sentEventsEnabled() {
        return sentEvents;
    }

    /** Remembers the signal a remote {@code revoke(terminate=True)} stops {@code taskId} with; null forgets it. */
    void terminating(String taskId, Integer signum) {
        if (signum == null) {
            terminations.remove(taskId);
        } else {
            terminations.put(taskId, signum);
        }
    }

    /** {@code task-sent} for a message this node just published (when {@code clipflow.celery.events.sent}). */
    public void sent(CeleryMessage message) {
        if (!sentEvents) {
            return;
        }
        queue("task-sent", () -> CeleryEventCodec.taskSent(message));
    }

    @Override
    public void received(CeleryMessage message) {
        if (!taskEvents) {
            return;
        }
        queue("task-received", () -> CeleryEventCodec.taskReceived(message));
    }

    @Override
    public void started(CeleryMessage message) {
        state.accepted(message.taskName());
        if (!taskEvents) {
            return;
        }
        queue("task-started", () -> CeleryEventCodec.taskStarted(message.taskId()));
    }

    @Override
    public void succeeded(CeleryMessage message, Object result, Duration runtime) {
        if (!taskEvents) {
            return;
        }
        double seconds = runtime.toNanos() / 1e9;
        queue("task-succeeded", () -> CeleryEventCodec.taskSucceeded(message.taskId(), tree(result), seconds));
    }

    @Override
    public void retried(CeleryMessage message, String excType, Throwable failure) {
        if (!taskEvents) {
            return;
        }
        queue(
                "task-retried",
                () -> CeleryEventCodec.taskRetried(
                        message.taskId(),
                        CeleryEventCodec.exceptionRepr(excType, failure.getMessage()),
                        traceback(failure)));
    }

    @Override
    public void failed(CeleryMessage message, String excType, Throwable failure) {
        if (!taskEvents) {
            return;
        }
        queue(
                "task-failed",
                () -> CeleryEventCodec.taskFailed(
                        message.taskId(),
                        CeleryEventCodec.exceptionRepr(excType, failure.getMessage()),
                        traceback(failure)));
    }

    @Override
    public void rejected(CeleryMessage message, boolean requeue) {
        if (!taskEvents) {
            return;
        }
        queue("task-rejected", () -> CeleryEventCodec.taskRejected(message.taskId(), requeue));
    }

    @Override
    public void revoked(CeleryMessage message, boolean terminated, boolean expired) {
        Integer signal = terminations.remove(message.taskId());
        if (!taskEvents) {
            return;
        }
        Integer signum = terminated ? (signal == null ? SIGTERM : signal) : null;
        queue("task-revoked", () -> CeleryEventCodec.taskRevoked(message.taskId(), terminated, signum, expired));
    }

    private void queue(String type, Supplier<ObjectNode> fields) {
        pending.add(new Pending(type, state.clock().forward(), now(), fields));
        if (waiting.getAndIncrement() == 0) {
            LockSupport.unpark(sender);
        }
    }

    /** The sender thread: publishes what is queued, a lone event as itself, more as {@code task.multi} lists. */
    private void send() {
        while (running || waiting.get() > 0) {
            if (waiting.get() == 0) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(200));
                continue;
            }
            ArrayNode batch = JsonNodeFactory.instance.arrayNode();
            String single = null;
            Pending p;
            while (batch.size() < BATCH && (p = pending.poll()) != null) {
                waiting.decrementAndGet();
                try {
                    batch.add(codec.event(
                            p.type(),
                            p.clock(),
                            p.timestamp(),
                            utcoffset(),
                            p.fields().get()));
                    single = p.type();
                } catch (RuntimeException e) {
                    log.warn("Celery event {} not built: {}", p.type(), e.toString());
                }
            }
            if (batch.isEmpty()) {
                continue;
            }
            String routingKey = batch.size() == 1 ? CeleryEventCodec.routingKey(single) : CeleryEventCodec.TASK_MULTI;
            publish(batch.size() == 1 ? batch.get(0) : batch, routingKey);
        }
    }

    /** A worker event now, on the calling thread. */
    void workerEvent(String type) {
        ObjectNode fields = CeleryEventCodec.worker(
                properties.events().heartbeatInterval().toMillis() / 1000.0,
                supervisor.runningCount(),
                state.processed(),
                loadAverage(),
                "clipflow",
                version,
                System.getProperty("os.name", "Linux"));
        publish(
                codec.event(type, state.clock().forward(), now(), utcoffset(), fields),
                CeleryEventCodec.routingKey(type));
    }

    /** {@code control heartbeat} (which {@code EventReceiver} sends when it starts): a heartbeat now. */
    void heartbeatNow() {
        if (heart != null) {
            heart.execute(() -> beat("worker-heartbeat"));
        }
    }

    private void beat(String type) {
        try {
            workerEvent(type);
        } catch (RuntimeException e) {
            log.warn("Celery {} not sent: {}", type, e.toString());
        }
    }

    private void publish(JsonNode body, String routingKey) {
        try {
            redis.convertAndSend(state.eventChannel(routingKey), codec.envelope(body, routingKey));
        } catch (RuntimeException e) {
            log.warn("Celery event(s) on {} not sent: {}", routingKey, e.toString());
        }
    }

    @Override
    public void start() {
        running = true;
        sender = new Thread(this::send, "celery-events");
        sender.setDaemon(true);
        sender.start();
        if (roles.isWorker() && properties.events().heartbeat()) {
            heart = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "celery-heartbeat");
                t.setDaemon(true);
                return t;
            });
            long every = properties.events().heartbeatInterval().toMillis();
            heart.execute(() -> beat("worker-online"));
            heart.scheduleAtFixedRate(() -> beat("worker-heartbeat"), every, every, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void stop() {
        running = false;
        LockSupport.unpark(sender);
        try {
            sender.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (heart != null) {
            heart.shutdownNow();
            heart = null;
            beat("worker-offline");
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // with NodeLiveness, below Camel: task events of the consumers' last tasks, then worker-offline
        return 0;
    }

    private JsonNode tree(Object result) {
        try {
            return json.valueToTree(result);
        } catch (IllegalArgumentException e) {
            return JsonNodeFactory.instance.textNode(String.valueOf(result));
        }
    }

    private static double now() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() + now.getNano() / 1e9;
    }

    private static int utcoffset() {
        return CeleryEventCodec.utcoffset(
                OffsetDateTime.now(ZoneId.systemDefault()).getOffset());
    }

    static String traceback(Throwable failure) {
        StringWriter text = new StringWriter();
        failure.printStackTrace(new PrintWriter(text));
        String[] lines = text.toString().split("\n", TRACEBACK_LINES + 1);
        return lines.length <= TRACEBACK_LINES
                ? text.toString()
                : String.join("\n", java.util.Arrays.copyOf(lines, TRACEBACK_LINES)) + "\n\t...\n";
    }

    /** The 1, 5 and 15 minute load averages ({@code /proc/loadavg}; the JVM's 1 minute one elsewhere). */
    static double[] loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new double[] {
                Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), Double.parseDouble(parts[2])
            };
        } catch (Exception e) {
            double one =
                    Math.max(0, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            return new double[] {one, one, one};
        }
    }
}
