package io.clipflow.task;

import io.clipflow.celery.CeleryMessage;
import java.time.Instant;

/**
 * A task's call as it was sent: its arguments as JSON (Celery's own {@code argsrepr} may be truncated, these are not),
 * its place in a workflow, and when it was due. Kept in {@code task_call} beside the task's history row.
 *
 * @param argsJson the positional arguments as a JSON array; null when {@code tooLarge}
 * @param kwargsJson the keyword arguments as a JSON object; null when {@code tooLarge}
 * @param tooLarge the arguments were over {@link #MAX_JSON} characters of JSON and were not kept
 * @param retryOf the failed task this one repeats, when the dashboard's "retry" sent it
 */
public record TaskCallInfo(
        String argsJson,
        String kwargsJson,
        boolean tooLarge,
        String parentId,
        String rootId,
        String groupId,
        Instant eta,
        Integer priority,
        String retryOf) {

    /** The most JSON kept for each of args and kwargs (the column's size). */
    public static final int MAX_JSON = 1 << 20;

    public static TaskCallInfo of(CeleryMessage message) {
        String args = message.argsJson() == null ? "[]" : message.argsJson().toString();
        String kwargs =
                message.kwargsJson() == null ? "{}" : message.kwargsJson().toString();
        boolean tooLarge = args.length() > MAX_JSON || kwargs.length() > MAX_JSON;
        return new TaskCallInfo(
                tooLarge ? null : args,
                tooLarge ? null : kwargs,
                tooLarge,
                message.parentId(),
                message.rootId(),
                message.group(),
                message.eta() == null ? null : message.eta().toInstant(),
                message.priority(),
                message.retryOf());
    }
}
