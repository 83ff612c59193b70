package io.clipflow.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.celery.TaskOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What a Celery worker does after a task, so workflows cross languages: on success the next signature of
 * {@code embed.chain} (the last element; the rest travels with it) and every {@code embed.callbacks} signature are sent
 * with the result prepended to their args (unless immutable); on final failure every {@code embed.errbacks} signature
 * is sent with the failed task's id as first arg (Celery's old-style errback call, the one any worker can run). New
 * messages carry {@code parent_id} = this task and the chain's {@code root_id}.
 */
@Component
class Canvas implements FollowUps {

    private static final Logger log = LoggerFactory.getLogger(Canvas.class);

    private final CeleryMessageCodec codec;
    private final ReliableQueue queue;
    private final TaskRegistry registry;
    private final ObjectMapper json;
    private final CeleryEventDispatcher events;

    Canvas(
            CeleryMessageCodec codec,
            ReliableQueue queue,
            TaskRegistry registry,
            ObjectMapper json,
            CeleryEventDispatcher events) {
        this.events = events;
        this.codec = codec;
        this.queue = queue;
        this.registry = registry;
        this.json = json;
    }

    /** Whether a success sends more work: a chain's next task or link callbacks. */
    public boolean continues(CeleryMessage message) {
        Map<String, Object> embed = message.embed();
        return present(embed.get("chain")) || present(embed.get("callbacks"));
    }

    private static boolean present(Object value) {
        return value instanceof java.util.Collection<?> c ? !c.isEmpty() : value != null;
    }

    public void succeeded(CeleryMessage message, Object result) {
        JsonNode embed = json.valueToTree(message.embed());
        JsonNode chain = embed.path("chain");
        if (chain.isArray() && !chain.isEmpty()) {
            ArrayNode rest = ((ArrayNode) chain).deepCopy();
            JsonNode next = rest.remove(rest.size() - 1);
            send(message, next, result, rest);
        }
        JsonNode callbacks = embed.path("callbacks");
        if (callbacks.isArray()) {
            callbacks.forEach(sig -> send(message, sig, result, null));
        }
    }

    public void failed(CeleryMessage message) {
        JsonNode errbacks = json.valueToTree(message.embed()).path("errbacks");
        if (errbacks.isArray()) {
            errbacks.forEach(sig -> send(message, sig, message.taskId(), null));
        }
    }

    private void send(CeleryMessage parent, JsonNode signature, Object first, JsonNode chainRest) {
        String task = signature.path("task").asText(null);
        if (task == null) {
            log.warn("task {} carries a signature without a task name; not sent: {}", parent.taskId(), signature);
            return;
        }
        JsonNode options = signature.path("options");
        List<Object> args = new ArrayList<>();
        if (!signature.path("immutable").asBoolean(false)) {
            args.add(first);
        }
        signature.path("args").forEach(a -> args.add(json.convertValue(a, Object.class)));
        @SuppressWarnings("unchecked")
        Map<String, Object> kwargs = signature.path("kwargs").isObject()
                ? json.convertValue(signature.path("kwargs"), LinkedHashMap.class)
                : Map.of();
        String target = options.path("queue").asText(null);
        if (target == null) {
            target = registry.find(task).map(TaskRegistry.Entry::queue).orElse("celery");
        }
        TaskOptions opts = TaskOptions.none()
                .withParent(parent.taskId(), parent.rootId() == null ? parent.taskId() : parent.rootId());
        if (options.hasNonNull("task_id")) {
            opts = opts.withTaskId(options.path("task_id").asText());
        }
        if (options.hasNonNull("priority")) {
            opts = opts.withPriority(options.path("priority").asInt());
        }
        if (options.hasNonNull("countdown")) {
            opts = opts.withCountdown(java.time.Duration.ofMillis(
                    Math.round(options.path("countdown").asDouble() * 1000)));
        }
        CeleryMessage next = codec.newTask(task, args, kwargs, target, opts, chainRest);
        queue.publish(target, next.priority(), codec.encode(next));
        events.sent(next);
    }
}
