package io.clipflow.celery;

import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * The {@code apply_async}/{@code send_task} options Clipflow supports when it produces a Celery task. Every component
 * is optional. As in Celery, a {@code countdown} wins over an {@code eta}, and {@code rootId} defaults to the new
 * task's own id.
 *
 * @param countdown delay from now, turned into an absolute {@code eta} when the message is built
 * @param eta earliest execution time
 * @param expires time after which a worker discards the task instead of running it
 * @param priority 0-9; kombu on Redis serves lower numbers first, 0 by default
 * @param timeLimitHard seconds before the worker kills the task ({@code time_limit})
 * @param timeLimitSoft seconds before the worker raises SoftTimeLimitExceeded ({@code soft_time_limit})
 * @param parentId id of the task that sends this one
 * @param rootId id of the first task of the workflow
 * @param group id of the group this task belongs to
 * @param taskId an explicit id instead of a fresh uuid4
 */
public record TaskOptions(
        Duration countdown,
        OffsetDateTime eta,
        OffsetDateTime expires,
        Integer priority,
        Double timeLimitHard,
        Double timeLimitSoft,
        String parentId,
        String rootId,
        String group,
        String taskId) {

    private static final TaskOptions NONE = new TaskOptions(null, null, null, null, null, null, null, null, null, null);

    public static TaskOptions none() {
        return NONE;
    }

    public TaskOptions withCountdown(Duration countdown) {
        return new TaskOptions(
                countdown, eta, expires, priority, timeLimitHard, timeLimitSoft, parentId, rootId, group, taskId);
    }

    public TaskOptions withEta(OffsetDateTime eta) {
        return new TaskOptions(
                countdown, eta, expires, priority, timeLimitHard, timeLimitSoft, parentId, rootId, group, taskId);
    }

    public TaskOptions withExpires(OffsetDateTime expires) {
        return new TaskOptions(
                countdown, eta, expires, priority, timeLimitHard, timeLimitSoft, parentId, rootId, group, taskId);
    }

    public TaskOptions withPriority(Integer priority) {
        return new TaskOptions(
                countdown, eta, expires, priority, timeLimitHard, timeLimitSoft, parentId, rootId, group, taskId);
    }

    public TaskOptions withTimeLimits(Double hard, Double soft) {
        return new TaskOptions(countdown, eta, expires, priority, hard, soft, parentId, rootId, group, taskId);
    }

    public TaskOptions withParent(String parentId, String rootId) {
        return new TaskOptions(
                countdown, eta, expires, priority, timeLimitHard, timeLimitSoft, parentId, rootId, group, taskId);
    }

    public TaskOptions withGroup(String group) {
        return new TaskOptions(
                countdown, eta, expires, priority, timeLimitHard, timeLimitSoft, parentId, rootId, group, taskId);
    }

    public TaskOptions withTaskId(String taskId) {
        return new TaskOptions(
                countdown, eta, expires, priority, timeLimitHard, timeLimitSoft, parentId, rootId, group, taskId);
    }
}
