package io.clipflow.celery;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Reads and writes {@code celery-task-meta-<id>} values in the text Celery's Redis result backend uses, so Python
 * {@code AsyncResult} and Flower read our results and we read theirs. Used by the task worker and the status API.
 */
public class CeleryResultCodec {

    public static final String KEY_PREFIX = "celery-task-meta-";

    private static final List<String> EXTENDED_KEYS = List.of("name", "args", "kwargs", "worker", "retries", "queue");

    private final JsonMapper mapper = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public static String key(String taskId) {
        return KEY_PREFIX + taskId;
    }

    /**
     * Python {@code json.dumps} text in the order {@code _store_result} builds the dict: status, result, traceback,
     * children, date_done, then group_id, parent_id and the extended fields when present, and task_id last (it is
     * added after the rest).
     */
    public String encode(CeleryResult r) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode meta = nodes.objectNode();
        meta.put("status", r.status());
        meta.set("result", r.result());
        meta.put("traceback", r.traceback());
        meta.set("children", r.children());
        meta.put("date_done", r.dateDone());
        if (r.groupId() != null) {
            meta.put("group_id", r.groupId());
        }
        if (r.parentId() != null) {
            meta.put("parent_id", r.parentId());
        }
        CeleryResult.Extended extended = r.extended();
        if (extended != null) {
            meta.put("name", extended.name());
            meta.set("args", extended.args());
            meta.set("kwargs", extended.kwargs());
            meta.put("worker", extended.worker());
            meta.set("retries", extended.retries() == null ? nodes.nullNode() : nodes.numberNode(extended.retries()));
            meta.put("queue", extended.queue());
        }
        meta.put("task_id", r.taskId());
        return PythonJson.dumps(meta);
    }

    /**
     * @throws CeleryDecodeException when the value is not a result-backend meta object
     */
    public CeleryResult decode(String raw) {
        JsonNode root;
        try {
            root = mapper.readTree(raw == null ? "" : raw);
        } catch (JacksonException e) {
            throw new CeleryDecodeException("result is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CeleryDecodeException("result is not a JSON object");
        }
        JsonNode status = root.path("status");
        if (!status.isTextual()) {
            throw new CeleryDecodeException("result has no status");
        }
        CeleryResult.Extended extended = null;
        if (EXTENDED_KEYS.stream().anyMatch(root::has)) {
            JsonNode retries = root.path("retries");
            extended = new CeleryResult.Extended(
                    text(root, "name"),
                    root.get("args"),
                    root.get("kwargs"),
                    text(root, "worker"),
                    retries.isIntegralNumber() ? retries.intValue() : null,
                    text(root, "queue"));
        }
        return new CeleryResult(
                status.textValue(),
                root.get("result"),
                text(root, "traceback"),
                root.get("children"),
                text(root, "date_done"),
                text(root, "task_id"),
                text(root, "group_id"),
                text(root, "parent_id"),
                extended);
    }

    private static String text(JsonNode root, String name) {
        JsonNode value = root.path(name);
        return value.isTextual() ? value.textValue() : null;
    }
}
