package io.clipflow.queue;

import java.util.List;
import java.util.Map;

/**
 * What a route hands to a {@code celery:<queue>} producer: one task invocation. {@code taskId} may be chosen by the
 * caller (so it can be recorded before the message exists) or left null for a fresh uuid.
 */
public record TaskCall(String taskId, String name, List<?> args, Map<String, ?> kwargs, TaskOptions options) {
    public TaskCall {
        args = args == null ? List.of() : args;
        kwargs = kwargs == null ? Map.of() : kwargs;
        options = options == null ? TaskOptions.none() : options;
    }
}
