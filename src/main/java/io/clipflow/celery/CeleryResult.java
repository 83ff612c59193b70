package io.clipflow.celery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The value Celery's Redis result backend keeps under {@code celery-task-meta-<taskId>}, readable by
 * {@code AsyncResult} in Python. Exceptions use Celery's JSON shape {@code {exc_type, exc_message: [args], exc_module}}
 * so Python rebuilds them as exception instances.
 *
 * @param status Celery state name, or a custom one such as {@code PROGRESS}
 * @param result the return value, the exception object, or the state's meta; {@link NullNode} when none
 * @param traceback Python-style traceback text for FAILURE and RETRY
 * @param children child results; {@code []} when we write, possibly null as Python wrote it
 * @param dateDone ISO-8601 text exactly as stored: ready states only; Celery 5.2 writes it without an offset (UTC)
 * @param taskId the task id, also the key suffix
 * @param groupId written only when the task belongs to a group
 * @param parentId written only when the task was sent by another task
 * @param extended the {@code result_extended} fields, or null when not written
 */
public record CeleryResult(
        String status,
        JsonNode result,
        String traceback,
        JsonNode children,
        String dateDone,
        String taskId,
        String groupId,
        String parentId,
        Extended extended) {

    public static final String PENDING = "PENDING";
    public static final String STARTED = "STARTED";
    public static final String SUCCESS = "SUCCESS";
    public static final String FAILURE = "FAILURE";
    public static final String RETRY = "RETRY";
    public static final String REVOKED = "REVOKED";
    public static final String PROGRESS = "PROGRESS";

    /** Celery's {@code READY_STATES}: the only states that carry a {@code date_done}. */
    public static final Set<String> READY_STATES = Set.of(SUCCESS, FAILURE, REVOKED);

    // Built once and never reconfigured; it only turns caller values (records, maps, times) into JSON trees.
    private static final JsonMapper VALUES = JsonMapper.builder()
            .findAndAddModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    /**
     * What {@code result_extended=True} adds, in Celery's order.
     *
     * @param queue the routing key the task was delivered on
     */
    public record Extended(String name, JsonNode args, JsonNode kwargs, String worker, Integer retries, String queue) {}

    public CeleryResult {
        Objects.requireNonNull(status, "status");
        result = result == null ? NullNode.getInstance() : result;
        children = children == null ? NullNode.getInstance() : children;
    }

    /** A copy, so the record stays immutable. */
    @Override
    public JsonNode result() {
        return result.deepCopy();
    }

    @Override
    public JsonNode children() {
        return children.deepCopy();
    }

    public static CeleryResult success(String taskId, Object result) {
        return of(taskId, SUCCESS, toJson(result), null);
    }

    /**
     * A FAILURE as a Python exception: {@code excType} is the class name, {@code excModule} its module
     * ({@code builtins} for ValueError and friends), {@code excMessage} its single argument.
     */
    public static CeleryResult failure(
            String taskId, String excType, String excMessage, String excModule, String traceback) {
        return of(taskId, FAILURE, exception(excType, excMessage, excModule), traceback);
    }

    /** STARTED with Celery's meta, normally {@code {"pid": ..., "hostname": ...}}. */
    public static CeleryResult started(String taskId, Map<String, ?> meta) {
        return of(taskId, STARTED, toJson(meta), null);
    }

    public static CeleryResult started(String taskId, long pid, String hostname) {
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        meta.put("pid", pid);
        meta.put("hostname", hostname);
        return of(taskId, STARTED, meta, null);
    }

    /** RETRY carries the exception that caused the retry, as Celery's {@code mark_as_retry} stores it. */
    public static CeleryResult retry(
            String taskId, String excType, String excMessage, String excModule, String traceback) {
        return of(taskId, RETRY, exception(excType, excMessage, excModule), traceback);
    }

    /** REVOKED the way {@code mark_as_revoked} stores it: a {@code celery.exceptions.TaskRevokedError(reason)}. */
    public static CeleryResult revoked(String taskId, String reason) {
        return of(
                taskId,
                REVOKED,
                exception("TaskRevokedError", reason == null ? "revoked" : reason, "celery.exceptions"),
                null);
    }

    /** The custom PROGRESS state that {@code update_state(state='PROGRESS', meta=...)} writes. */
    public static CeleryResult progress(String taskId, Map<String, ?> meta) {
        return of(taskId, PROGRESS, toJson(meta), null);
    }

    private static CeleryResult of(String taskId, String status, JsonNode result, String traceback) {
        Objects.requireNonNull(taskId, "taskId");
        String dateDone =
                READY_STATES.contains(status) ? PythonJson.isoformat(OffsetDateTime.now(ZoneOffset.UTC)) : null;
        return new CeleryResult(
                status, result, traceback, JsonNodeFactory.instance.arrayNode(), dateDone, taskId, null, null, null);
    }

    private static ObjectNode exception(String excType, String excMessage, String excModule) {
        Objects.requireNonNull(excType, "excType");
        ObjectNode exc = JsonNodeFactory.instance.objectNode();
        exc.put("exc_type", excType);
        ArrayNode args = exc.putArray("exc_message");
        if (excMessage != null) {
            args.add(excMessage);
        }
        exc.put("exc_module", excModule);
        return exc;
    }

    private static JsonNode toJson(Object value) {
        return value instanceof JsonNode node ? node.deepCopy() : VALUES.valueToTree(value);
    }

    public boolean ready() {
        return READY_STATES.contains(status);
    }

    /** True when {@link #result()} is a serialized Python exception (FAILURE, RETRY, REVOKED). */
    public boolean isException() {
        return result.isObject() && result.path("exc_type").isTextual();
    }

    public String excType() {
        return isException() ? result.path("exc_type").textValue() : null;
    }

    public String excModule() {
        return isException() ? result.path("exc_module").asText(null) : null;
    }

    /** The exception's arguments as text: the single argument itself, or several joined with ", ". */
    public String excMessage() {
        if (!isException()) {
            return null;
        }
        JsonNode message = result.path("exc_message");
        if (!message.isArray()) {
            return message.isMissingNode() || message.isNull() ? "" : message.asText();
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode part : message) {
            parts.add(part.isTextual() ? part.textValue() : part.toString());
        }
        return String.join(", ", parts);
    }

    /** {@link #dateDone()} as a time; naive values are UTC. */
    public OffsetDateTime dateDoneTime() {
        return dateDone == null ? null : PythonJson.parseIsoformat(dateDone);
    }

    public CeleryResult withDateDone(OffsetDateTime time) {
        return new CeleryResult(
                status,
                result,
                traceback,
                children,
                time == null ? null : PythonJson.isoformat(time),
                taskId,
                groupId,
                parentId,
                extended);
    }

    public CeleryResult withGroupId(String groupId) {
        return new CeleryResult(status, result, traceback, children, dateDone, taskId, groupId, parentId, extended);
    }

    public CeleryResult withParentId(String parentId) {
        return new CeleryResult(status, result, traceback, children, dateDone, taskId, groupId, parentId, extended);
    }

    public CeleryResult withExtended(
            String name, List<?> args, Map<String, ?> kwargs, String worker, Integer retries, String queue) {
        Extended fields = new Extended(
                name,
                args == null ? null : toJson(args),
                kwargs == null ? null : toJson(kwargs),
                worker,
                retries,
                queue);
        return new CeleryResult(status, result, traceback, children, dateDone, taskId, groupId, parentId, fields);
    }

    /**
     * Group, parent and the {@code result_extended} fields taken from the message that ran, as a Celery worker with
     * {@code result_extended=True} writes them.
     *
     * @param worker the worker's node name, e.g. {@code celery@host}
     */
    public CeleryResult forRequest(CeleryMessage message, String worker) {
        Extended fields = new Extended(
                message.taskName(),
                message.argsJson(),
                message.kwargsJson(),
                worker,
                message.retries(),
                message.queue());
        return new CeleryResult(
                status, result, traceback, children, dateDone, taskId, message.group(), message.parentId(), fields);
    }
}
