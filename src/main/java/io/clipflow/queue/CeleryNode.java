package io.clipflow.queue;

import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.celery.TaskCall;
import io.clipflow.config.ClipflowProperties;
import io.clipflow.config.Roles;
import io.clipflow.config.WorkerConnections;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * This node's side of the Celery queues, the {@code celery:} component's one collaborator. It sends task messages
 * (the producer), and for a consumer works each message it took: admit it ({@link TaskAdmission}), run it under the
 * {@link TaskSupervisor}'s limits, and end it ({@link TaskCompletion}). The consumer owns only its threads, its poll
 * loop and the Camel exchange.
 */
@Component
class CeleryNode {

    /** The route's part of a run: the message in, the route's body, failure and result choice out. */
    @FunctionalInterface
    interface Route {
        Outcome run(CeleryMessage message);
    }

    /**
     * @param body the route's answer, stored as the task's result
     * @param failure what the route threw or caught, or null
     * @param storeResult false when the route asked for no result
     */
    record Outcome(Object body, Throwable failure, boolean storeResult) {}

    /** A consumer's worker threads, which remote control may resize ({@code pool_grow}, {@code pool_shrink}). */
    interface Pool {
        int size();

        /** Adds (positive) or retires (negative) threads; a retiring thread finishes its task first. */
        void resize(int delta);
    }

    private final ReliableQueue queue;
    private final CeleryMessageCodec codec;
    private final TaskAdmission admission;
    private final TaskCompletion completion;
    private final TaskSupervisor supervisor;
    private final Roles roles;
    private final QueueProperties queues;
    private final DeliveryProperties delivery;
    private final CeleryEventDispatcher events;
    private final TaskRateLimits rateLimits;
    private final String node;
    private final Map<String, Pool> pools = new ConcurrentHashMap<>();
    /** Queues remote control asked this node to consume beyond what its roles say ({@code add_consumer}). */
    private final Set<String> added = ConcurrentHashMap.newKeySet();

    CeleryNode(
            ReliableQueue queue,
            CeleryMessageCodec codec,
            TaskAdmission admission,
            TaskCompletion completion,
            TaskSupervisor supervisor,
            Roles roles,
            QueueProperties queues,
            DeliveryProperties delivery,
            CeleryEventDispatcher events,
            TaskRateLimits rateLimits,
            ClipflowProperties properties) {
        this.queue = queue;
        this.codec = codec;
        this.admission = admission;
        this.completion = completion;
        this.supervisor = supervisor;
        this.roles = roles;
        this.queues = queues;
        this.delivery = delivery;
        this.events = events;
        this.rateLimits = rateLimits;
        this.node = properties.nodeName();
    }

    /** Sends one task invocation onto {@code queueName}; returns its task id. */
    String send(TaskCall call, String queueName) {
        CeleryMessage message = codec.newTask(call, queueName);
        queue.publish(queueName, message.priority(), codec.encode(message));
        events.sent(message);
        return message.taskId();
    }

    Roles roles() {
        return roles;
    }

    /** {@code clipflow.queues.<queue>}: what an endpoint that sets no option of its own uses. */
    QueueProperties.Queue settings(String queueName) {
        return queues.of(queueName);
    }

    Duration shutdownGrace() {
        return delivery.shutdownGrace();
    }

    String nodeName() {
        return node;
    }

    /** A Redis connection of the calling worker thread's own, for its takes and finishes. */
    WorkerConnection connection() {
        return queue.connection();
    }

    ReliableQueue.Taken take(String queueName, Duration poll, WorkerConnection connection) {
        return queue.take(queueName, node, poll, connection);
    }

    /** Whether this node consumes {@code queueName}: its roles say so, or remote control added it. */
    boolean consumes(String queueName) {
        return roles.consumes(queueName) || (roles.isWorker() && added.contains(queueName));
    }

    /** {@code add_consumer}: consume the queue even if {@code clipflow.worker.queues} leaves it out. */
    void addedRemotely(String queueName) {
        added.add(queueName);
    }

    /** {@code cancel_consumer}: back to what the roles say. */
    void cancelledRemotely(String queueName) {
        added.remove(queueName);
    }

    void consuming(String queueName, Pool pool) {
        pools.put(queueName, pool);
        supervisor.consuming(queueName, pool.size());
    }

    void stoppedConsuming(String queueName) {
        pools.remove(queueName);
        supervisor.stoppedConsuming(queueName);
    }

    /** Whether a consumer of {@code queueName} runs here now. */
    boolean isConsuming(String queueName) {
        return pools.containsKey(queueName);
    }

    /**
     * What a resize did to a queue's worker threads.
     *
     * @param ceiling the most the queue may have here ({@code clipflow.queues.<queue>.max-concurrency}, or fewer when
     *     the node's worker connections are the tighter limit)
     */
    record Resize(String queue, int before, int after, int ceiling) {
        /** Whether the threads asked for were more than the ceiling allowed. */
        boolean capped(int delta) {
            return delta > 0 && after < before + delta;
        }
    }

    /**
     * Resizes the worker threads of {@code queueName}'s consumer, never below one and never above its ceiling nor
     * past the node's worker connections ({@link WorkerConnections#MAX_CONNECTIONS} over all
     * queues); null when no consumer of it runs here.
     */
    synchronized Resize resize(String queueName, int delta) {
        Pool pool = pools.get(queueName);
        if (pool == null) {
            return null;
        }
        int before = pool.size();
        int othersThreads = pools.entrySet().stream()
                .filter(e -> !e.getKey().equals(queueName))
                .mapToInt(e -> e.getValue().size())
                .sum();
        int ceiling = Math.max(before, Math.min(ceiling(queueName), WorkerConnections.MAX_CONNECTIONS - othersThreads));
        long wanted = (long) before + delta;
        int target = (int) Math.max(1, Math.min(ceiling, wanted));
        pool.resize(target - before);
        supervisor.consuming(queueName, pool.size());
        return new Resize(queueName, before, pool.size(), ceiling);
    }

    /** The most worker threads {@code queueName} may have on this node ({@code clipflow.queues.<queue>.max-concurrency}). */
    int ceiling(String queueName) {
        return queues.of(queueName).maxConcurrency();
    }

    /** The ceilings of the queues consumed here, for {@code inspect stats}. */
    Map<String, Integer> ceilings() {
        Map<String, Integer> out = new TreeMap<>();
        pools.keySet().forEach(q -> out.put(q, ceiling(q)));
        return out;
    }

    /** Stops every running task's processes for a shutdown: their messages go back to their queues. */
    void stopAllForShutdown() {
        supervisor.stopAll(TaskSupervisor.StopReason.SHUTDOWN);
    }

    /**
     * Handles one message taken from {@code queueName}; returns the next one when the task's finish took it along.
     *
     * @param taskNames the task names the route runs; empty: any
     * @param events whether to send the task's lifecycle events
     * @param takesMore asked when the task succeeds: may its finish take the next message along
     */
    ReliableQueue.Taken handle(
            String queueName,
            Set<String> taskNames,
            boolean events,
            ReliableQueue.Taken taken,
            WorkerConnection connection,
            Route route,
            BooleanSupplier takesMore) {
        Admission admitted = admission.admit(queueName, taskNames, taken, id -> queue.status(id, connection));
        if (!(admitted instanceof Admission.Run run)) {
            completion.refused(queueName, admitted);
            return null;
        }
        CeleryMessage message = run.message();
        // every log line of the task's work names it; the video routes add video_id
        MDC.put("task_id", message.taskId());
        try {
            completion.received(run);
            rateLimits.await(message.taskName(), takesMore);
            Attempt attempt = completion.begin(queueName, run, events, connection);
            try {
                TaskSupervisor.Running running = supervisor.begin(message);
                long startedNanos = System.nanoTime();
                Outcome outcome;
                Throwable failure;
                try {
                    outcome = route.run(message);
                    failure = outcome.failure() == null
                            ? null
                            : supervisor.effectiveFailure(message.taskId(), innermost(outcome.failure()));
                } finally {
                    supervisor.end(running);
                }
                Duration runtime = Duration.ofNanos(System.nanoTime() - startedNanos);
                return completion.end(
                        attempt,
                        outcome.body(),
                        outcome.storeResult(),
                        failure,
                        running.stopReason(),
                        runtime,
                        takesMore.getAsBoolean());
            } finally {
                completion.ended(attempt);
            }
        } finally {
            MDC.remove("task_id");
            MDC.remove("video_id");
        }
    }

    static Throwable innermost(Throwable failure) {
        Throwable t = failure;
        // Camel wraps bean and exec failures; the innermost message is the one a person can act on
        while (t.getCause() != null
                && t.getCause() != t
                && (t instanceof org.apache.camel.CamelExecutionException
                        || t instanceof org.apache.camel.RuntimeCamelException
                        || t instanceof java.lang.reflect.InvocationTargetException)) {
            t = t.getCause();
        }
        return t;
    }
}
