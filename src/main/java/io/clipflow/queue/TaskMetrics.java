package io.clipflow.queue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Task meters (Micrometer conventions; Prometheus renders {@code clipflow.tasks.runtime} as
 * {@code clipflow_tasks_runtime_seconds_*}): runtime histograms per task, endings by outcome, retries, dead letters.
 */
@Component
public class TaskMetrics {

    private final MeterRegistry registry;

    TaskMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    private record Ending(Timer runtime, Counter count) {}

    /** Meters per task, queue and outcome, built once: building a meter is a registry lookup with tag sorting. */
    private final Map<List<String>, Ending> endings = new ConcurrentHashMap<>();

    /** A task ran to an end on this node: success, failure, retry, revoked or handed_back. */
    void ended(String task, String queue, String outcome, Duration runtime) {
        Ending ending = endings.computeIfAbsent(List.of(task, queue, outcome), k -> build(task, queue, outcome));
        ending.runtime().record(runtime);
        ending.count().increment();
    }

    /**
     * Runs ended on this node since it started, by outcome ({@code success}, {@code failure}, ...), summed from the
     * per-task counters when asked (the heartbeat carries them to the monitoring series), not counted twice per task.
     */
    public Map<String, Long> totals() {
        Map<String, Long> out = new java.util.TreeMap<>();
        endings.forEach(
                (key, ending) -> out.merge(key.get(2), (long) ending.count().count(), Long::sum));
        return out;
    }

    private Ending build(String task, String queue, String outcome) {
        Timer timer = Timer.builder("clipflow.tasks.runtime")
                .description("Wall time of one task run on a worker")
                .tag("task", task)
                .tag("queue", queue)
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry);
        Counter counter = Counter.builder("clipflow.tasks")
                .description("Task runs by outcome")
                .tag("task", task)
                .tag("queue", queue)
                .tag("outcome", outcome)
                .register(registry);
        return new Ending(timer, counter);
    }

    void retried(String task, String queue) {
        Counter.builder("clipflow.tasks.retries")
                .description("Failed runs that will run again")
                .tag("task", task)
                .tag("queue", queue)
                .register(registry)
                .increment();
    }

    void deadLettered(String task, String queue) {
        Counter.builder("clipflow.dead.letters")
                .description("Messages moved to a dead-letter list")
                .tag("task", task == null ? "unknown" : task)
                .tag("queue", queue)
                .register(registry)
                .increment();
    }
}
