package io.clipflow.testsupport;

import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.celery.TaskOptions;
import io.clipflow.queue.ReliableQueue;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Celery task message for a test, built through {@link CeleryMessageCodec#newTask} as a Python client's
 * {@code send_task} would build it: {@code aTask("clipflow.noop").withArgs(1).on("celery").sentWith(queue)}. Unset
 * parts are what the codec does without them (fresh uuid4 id, no arguments, priority 0, queue {@code celery}).
 */
public final class TaskBuilder {

    /** Any codec writes the same bytes (only origin and reply_to are per instance), so one serves every test. */
    private static final CeleryMessageCodec CODEC = new CeleryMessageCodec();

    private final String name;
    private List<Object> args;
    private Map<String, Object> kwargs;
    private String queue = "celery";
    private TaskOptions options = TaskOptions.none();
    private Integer retries;
    private Long ownerId;

    private TaskBuilder(String name) {
        this.name = Objects.requireNonNull(name, "task name");
    }

    public static TaskBuilder aTask(String name) {
        return new TaskBuilder(name);
    }

    /** Positional arguments; {@code null} elements are Python's {@code None}. */
    public TaskBuilder withArgs(Object... args) {
        this.args = new ArrayList<>(Arrays.asList(args));
        return this;
    }

    /** Replaces the keyword arguments; their order is kept, as in a Python dict. */
    public TaskBuilder withKwargs(Map<String, ?> kwargs) {
        this.kwargs = new LinkedHashMap<>(kwargs);
        return this;
    }

    /** Adds one keyword argument after those set so far. */
    public TaskBuilder withKwarg(String key, Object value) {
        if (kwargs == null) {
            kwargs = new LinkedHashMap<>();
        }
        kwargs.put(key, value);
        return this;
    }

    public TaskBuilder withId(String taskId) {
        options = options.withTaskId(taskId);
        return this;
    }

    /** The queue the message is routed to ({@code delivery_info.routing_key}) and {@link #sentWith} pushes onto. */
    public TaskBuilder on(String queue) {
        this.queue = Objects.requireNonNull(queue, "queue");
        return this;
    }

    /** 0-9; kombu on Redis serves lower numbers first, and {@link #sentWith} picks the matching sub-list. */
    public TaskBuilder withPriority(int priority) {
        options = options.withPriority(priority);
        return this;
    }

    public TaskBuilder withEta(OffsetDateTime eta) {
        options = options.withEta(eta);
        return this;
    }

    /** As Celery, a countdown wins over an eta: it becomes an absolute eta when the message is built. */
    public TaskBuilder withCountdown(Duration countdown) {
        options = options.withCountdown(countdown);
        return this;
    }

    public TaskBuilder withExpires(OffsetDateTime expires) {
        options = options.withExpires(expires);
        return this;
    }

    /** Seconds, {@code null} for none: Celery's {@code time_limit} and {@code soft_time_limit}. */
    public TaskBuilder withTimeLimits(Double hard, Double soft) {
        options = options.withTimeLimits(hard, soft);
        return this;
    }

    public TaskBuilder withParent(String parentId, String rootId) {
        options = options.withParent(parentId, rootId);
        return this;
    }

    public TaskBuilder inGroup(String groupId) {
        options = options.withGroup(groupId);
        return this;
    }

    /** The {@code retries} header: how many times the task has already been retried. */
    public TaskBuilder withRetries(int retries) {
        this.retries = retries;
        return this;
    }

    /** The {@code clipflow_owner} header of a task a user sent. */
    public TaskBuilder ownedBy(long userId) {
        this.ownerId = userId;
        return this;
    }

    /** The message, built by the given codec (a codec test's own, e.g. one on a fixed clock). */
    public CeleryMessage build(CeleryMessageCodec codec) {
        CeleryMessage message = codec.newTask(name, args, kwargs, queue, options);
        if (retries != null) {
            message = message.withRetries(retries);
        }
        if (ownerId != null) {
            message = message.withHeader(CeleryMessage.OWNER_HEADER, ownerId);
        }
        return message;
    }

    public CeleryMessage message() {
        return build(CODEC);
    }

    /** The text a Python client LPUSHes for this message. */
    public String encoded() {
        return CODEC.encode(message());
    }

    /** Publishes the message as a Celery client does (LPUSH onto its queue's priority list) and returns it. */
    public CeleryMessage sentWith(ReliableQueue queue) {
        CeleryMessage message = message();
        queue.publish(message.queue(), message.priority(), CODEC.encode(message));
        return message;
    }
}
