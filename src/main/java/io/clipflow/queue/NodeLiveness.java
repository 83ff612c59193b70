package io.clipflow.queue;

import io.clipflow.config.ClipflowProperties;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * This node's heartbeat and the recovery of unacked work. At start-up, before any consumer runs, the node hands back
 * what its own processing list still holds (it crashed or was killed last time). While running it heartbeats
 * {@code clipflow:node:<node>}, and every few seconds hands back the processing lists of nodes whose heartbeat is gone.
 * There is no visibility timeout: a long task on a live node is never re-run. It also promotes due ETA/retry messages.
 * Starts before Camel's consumers (low phase) and stops after them. The Redis side of all this is
 * {@link NodeRegistry}'s.
 */
@Component
class NodeLiveness implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(NodeLiveness.class);
    private static final int PROMOTE_BATCH = 500;

    private final ReliableQueue queue;
    private final NodeRegistry nodes;
    private final DeliveryProperties properties;
    private final String node;
    private final Clock clock;
    private final TaskSupervisor supervisor;
    private final com.fasterxml.jackson.databind.ObjectMapper json;
    private final java.util.Set<String> roles;
    private ScheduledExecutorService timers;
    private volatile boolean running;

    private final TaskMetrics metrics;

    NodeLiveness(
            ReliableQueue queue,
            NodeRegistry nodes,
            DeliveryProperties properties,
            ClipflowProperties clipflow,
            Clock clock,
            TaskSupervisor supervisor,
            com.fasterxml.jackson.databind.ObjectMapper json,
            io.clipflow.config.Roles roles,
            TaskMetrics metrics) {
        this.metrics = metrics;
        this.supervisor = supervisor;
        this.json = json;
        this.roles = roles.names();
        this.queue = queue;
        this.nodes = nodes;
        this.properties = properties;
        this.node = clipflow.nodeName();
        this.clock = clock;
    }

    @Override
    public void start() {
        int recovered = nodes.handBackAll(node);
        if (recovered > 0) {
            log.warn("node {} handed back {} message(s) it had taken before its last stop", node, recovered);
        }
        beat();
        timers = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "node-liveness");
            t.setDaemon(true);
            return t;
        });
        every(properties.heartbeatInterval().toMillis(), this::beat);
        every(properties.orphanCheckInterval().toMillis(), this::recoverOrphans);
        every(properties.promoteInterval().toMillis(), this::promote);
        every(60_000, () -> queue.expireRevocations(clock.instant()));
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        if (timers != null) {
            timers.shutdownNow();
        }
        try {
            nodes.stopHeartbeat(node);
        } catch (RuntimeException e) {
            log.warn("could not remove the heartbeat of {}: {}", node, e.getMessage());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // below the web server and Camel: recover before consuming, heartbeat until consumers have stopped
        return 0;
    }

    /** Hands back dead nodes' unacked work; returns how many messages moved (also run by route schedule-orphans). */
    int recoverOrphans() {
        int total = 0;
        try {
            for (String other : nodes.knownNodes()) {
                if (other.equals(node) || nodes.alive(other)) {
                    continue;
                }
                int moved = nodes.handBackAll(other);
                total += moved;
                if (moved > 0) {
                    log.warn(
                            "node {} is gone (no heartbeat); handed back {} message(s) from its processing list",
                            other,
                            moved);
                }
                nodes.forgetIfDeadAndEmpty(other);
            }
        } catch (RuntimeException e) {
            log.warn("orphan check failed: {}", e.getMessage());
        }
        return total;
    }

    /**
     * The heartbeat's value says what the node is and does, so any node can answer GET /api/ops/workers (Celery's
     * inspect stats/active) from Redis alone: roles, consumer threads per queue, the tasks running now.
     */
    private void beat() {
        try {
            java.util.Map<String, Object> info = new java.util.LinkedHashMap<>();
            info.put("node", node);
            info.put("pid", ProcessHandle.current().pid());
            info.put("time", clock.instant().toString());
            info.put("roles", roles);
            info.put("concurrency", new java.util.TreeMap<>(supervisor.concurrency()));
            info.put("active", supervisor.active());
            // runs ended since the node started, by outcome, and its resident memory: the dashboard's charts and nodes
            info.put("tasks", metrics.totals());
            info.put("rss_bytes", ProcessUsage.rssBytes());
            nodes.heartbeat(node, properties.heartbeatTtl(), json.writeValueAsString(info));
        } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
            log.warn("heartbeat of {} failed: {}", node, e.getMessage());
        }
    }

    private void promote() {
        try {
            queue.promoteDue(clock.instant(), PROMOTE_BATCH);
        } catch (RuntimeException e) {
            log.warn("promoting delayed messages failed: {}", e.getMessage());
        }
    }

    private void every(long millis, Runnable action) {
        timers.scheduleWithFixedDelay(action, millis, millis, TimeUnit.MILLISECONDS);
    }
}
