package io.clipflow.queue;

import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.task.TaskEvents;

import io.clipflow.config.ClipflowProperties;
import io.clipflow.task.TaskTracker;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;
import org.springframework.stereotype.Component;

/**
 * The {@code celery:<queue>} Camel component: consumes a Celery queue on Redis with reliable fetch, and produces Celery
 * protocol-v2 messages onto it. Options: {@code task} (comma-separated task names the consumer runs; others are
 * refused), {@code concurrency} (worker threads), {@code pollTimeoutMillis} (how long one BLMOVE blocks).
 */
@Component("celery")
public class CeleryComponent extends DefaultComponent {

    final ReliableQueue queue;
    final DeadLetters deadLetters;
    final CeleryMessageCodec codec;
    final TaskTracker tracker;
    final String nodeName;
    final TaskSupervisor supervisor;
    final RetryPolicy retry;
    final DeliveryProperties delivery;
    final java.time.Clock clock;
    final Canvas canvas;
    final io.clipflow.task.TaskEvents events;
    final TaskMetrics metrics;
    final StartNotices starts;
    /** clipflow.roles has {@code worker}: consumers take messages; otherwise this node only publishes. */
    final boolean worker;
    /** clipflow.worker.queues: when not empty, the only queues this node consumes ({@code ./clipflow worker --queues}). */
    final java.util.Set<String> workerQueues;

    CeleryComponent(
            ReliableQueue queue,
            DeadLetters deadLetters,
            CeleryMessageCodec codec,
            TaskTracker tracker,
            ClipflowProperties properties,
            TaskSupervisor supervisor,
            RetryPolicy retry,
            DeliveryProperties delivery,
            java.time.Clock clock,
            Canvas canvas,
            io.clipflow.task.TaskEvents events,
            TaskMetrics metrics,
            StartNotices starts,
            org.springframework.core.env.Environment env) {
        this.worker = env.getProperty("clipflow.role.worker", Boolean.class, true);
        this.workerQueues = java.util.Arrays.stream(
                        env.getProperty("clipflow.worker.queues", "").split(","))
                .map(String::trim)
                .filter(q -> !q.isEmpty())
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.canvas = canvas;
        this.events = events;
        this.metrics = metrics;
        this.starts = starts;
        this.queue = queue;
        this.deadLetters = deadLetters;
        this.codec = codec;
        this.tracker = tracker;
        this.nodeName = properties.nodeName();
        this.supervisor = supervisor;
        this.retry = retry;
        this.delivery = delivery;
        this.clock = clock;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank() || !remaining.matches("[A-Za-z0-9_.\\-]+")) {
            throw new IllegalArgumentException(
                    "celery endpoint needs a queue name of letters, digits, '.', '_', '-': " + uri);
        }
        CeleryEndpoint endpoint = new CeleryEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
