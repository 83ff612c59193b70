package io.clipflow.queue;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How a worker node shows itself to Celery's own tools, {@code clipflow.celery.*}: its name, its remote control
 * ({@code celery inspect}, {@code celery control}, Flower) and its monitoring events ({@code celery events}, Flower).
 *
 * @param hostname the node's Celery name, in pidbox replies, events and results' {@code worker}; blank:
 *     {@code celery@<clipflow.node-name>}
 * @param remoteControl whether the node answers Celery's remote control on the {@code celery.pidbox} channel
 * @param control which commands that change the node may be sent
 * @param events which of Celery's monitoring events the node publishes on {@code celeryev}
 */
@Validated
@ConfigurationProperties("clipflow.celery")
public record CeleryWorkerProperties(
        @DefaultValue("") String hostname,
        @DefaultValue("true") boolean remoteControl,
        @DefaultValue @Valid Control control,
        @DefaultValue Events events) {

    /** The commands that change a node, which only an allow-list lets in: anyone who reaches Redis can send them. */
    public static final Set<String> GOVERNED = Set.of(
            "shutdown", "pool_grow", "pool_shrink", "add_consumer", "cancel_consumer", "rate_limit", "time_limit");

    /**
     * @param allow the governed commands this node obeys (others get an error reply): by default all but
     *     {@code shutdown}
     * @param maxRate commands per second this node takes off the pidbox channel, in bursts of as many; more are dropped
     *     unread (with a warning a minute), so a loop on the channel cannot keep the node's control thread busy
     * @param deadline the longest a command may run before the next one goes ahead; an answer that comes later is
     *     dropped (Celery's {@code inspect} and {@code control}, and Flower, wait 1 s for answers by default)
     */
    public record Control(
            @DefaultValue({"add_consumer", "cancel_consumer", "pool_grow", "pool_shrink", "rate_limit", "time_limit"})
                    Set<String> allow,
            @DefaultValue("100") @Min(1) @Max(100_000) int maxRate,
            @DefaultValue("1s") Duration deadline) {

        public Control {
            if (deadline == null || deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException("clipflow.celery.control.deadline must be above 0, not " + deadline);
            }
            allow = allow == null ? Set.of() : Set.copyOf(allow);
            Set<String> unknown = new TreeSet<>(allow);
            unknown.removeAll(GOVERNED);
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException(
                        "clipflow.celery.control.allow names commands that need no" + " allowing or do not exist: "
                                + unknown + "; the governed ones are " + new TreeSet<>(GOVERNED));
            }
        }
    }

    /**
     * @param task task events ({@code task-received} … {@code task-succeeded}); Celery's {@code -E} /
     *     {@code worker_send_task_events}, off by default as in Celery; {@code celery control enable_events} (which
     *     Flower sends) turns them on at run time
     * @param sent {@code task-sent} for tasks this node sends (Celery's {@code task_send_sent_event})
     * @param heartbeat {@code worker-online}, {@code worker-heartbeat} and {@code worker-offline}, on as in Celery
     *     (its {@code --without-heartbeat} turns them off); monitors count a node that stops them as offline
     * @param heartbeatInterval between two {@code worker-heartbeat}s (Celery's 2 s)
     */
    public record Events(
            @DefaultValue("false") boolean task,
            @DefaultValue("false") boolean sent,
            @DefaultValue("true") boolean heartbeat,
            @DefaultValue("2s") Duration heartbeatInterval) {}

    /** The Celery name of the node called {@code nodeName}. */
    public String hostnameFor(String nodeName) {
        return hostname == null || hostname.isBlank() ? "celery@" + nodeName : hostname;
    }
}
