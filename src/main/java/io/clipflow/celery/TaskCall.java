package io.clipflow.celery;

import java.util.List;
import java.util.Map;

/**
 * What a route hands to a {@code celery:<queue>} producer: one task invocation. {@code taskId} may be chosen by the
 * caller (so it can be recorded before the message exists) or left null for a fresh uuid. {@code ownerId}, when set,
 * is the user whose task it is (recorded with {@code TaskTracker.queued}): the message then names them in its
 * {@code clipflow_owner} header, so workers send its events to the owner and keep its history row up to date.
 */
public record TaskCall(
        String taskId, String name, List<?> args, Map<String, ?> kwargs, TaskOptions options, Long ownerId) {
    public TaskCall {
        args = args == null ? List.of() : args;
        kwargs = kwargs == null ? Map.of() : kwargs;
        options = options == null ? TaskOptions.none() : options;
    }

    /** A call nobody owns. */
    public TaskCall(String taskId, String name, List<?> args, Map<String, ?> kwargs, TaskOptions options) {
        this(taskId, name, args, kwargs, options, null);
    }
}
