package io.clipflow.queue;

import io.clipflow.config.WorkerConnections;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Per-queue worker settings on this node, {@code clipflow.queues.<queue>.*}, validated at start-up. A {@code celery:}
 * endpoint that sets no {@code concurrency} or {@code events} of its own takes them from here; routes may also name
 * the keys as placeholders ({@code {{clipflow.queues.video.concurrency}}}). A queue not listed gets {@link #DEFAULT}.
 *
 * @param queues settings by queue name
 */
@Validated
@ConfigurationProperties("clipflow")
public record QueueProperties(@DefaultValue Map<String, @Valid Queue> queues) {

    /** A queue nobody configured: one worker thread, consumed, task events on (as the endpoint's defaults). */
    public static final Queue DEFAULT = new Queue(1, true, true, null);

    /** Worker threads per queue a node may run by default, per core: a ceiling for remote control, not a target. */
    static final int THREADS_PER_CORE = 8;

    /**
     * @param concurrency worker threads for the queue on this node; each runs one task at a time
     * @param enabled false when another worker owns the queue (e.g. Python workers on {@code celery}): its routes do
     *     not start (their {@code autoStartup} reads this key)
     * @param events live task events ({@code stage_update}, {@code done}, {@code error}) for the queue's tasks; false
     *     is Celery's default (a worker without {@code -E})
     * @param maxConcurrency the most worker threads the queue may have on this node: {@code celery control pool_grow}
     *     grows to it and no further, and an endpoint's {@code concurrency} above it fails start-up; unset:
     *     {@value #THREADS_PER_CORE} per core, at least {@code concurrency}, at most what the node's worker connections
     *     allow ({@value WorkerConnections#MAX_CONNECTIONS})
     */
    public record Queue(
            @DefaultValue("1") @Min(1) @Max(WorkerConnections.MAX_CONNECTIONS) int concurrency,
            @DefaultValue("true") boolean enabled,
            @DefaultValue("true") boolean events,
            @Min(1) @Max(WorkerConnections.MAX_CONNECTIONS) Integer maxConcurrency) {

        public Queue {
            if (maxConcurrency == null) {
                int perMachine = Math.min(
                        THREADS_PER_CORE * Runtime.getRuntime().availableProcessors(),
                        WorkerConnections.MAX_CONNECTIONS);
                maxConcurrency = Math.max(concurrency, perMachine);
            } else if (maxConcurrency < concurrency) {
                throw new IllegalArgumentException("max-concurrency (" + maxConcurrency + ") is below concurrency ("
                        + concurrency + "): a queue may not start above its ceiling");
            }
        }
    }

    public QueueProperties {
        queues = queues == null ? Map.of() : Map.copyOf(queues);
    }

    public Queue of(String queue) {
        return queues.getOrDefault(queue, DEFAULT);
    }
}
