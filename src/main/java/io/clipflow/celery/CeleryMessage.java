package io.clipflow.celery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One Celery protocol-v2 task message as kombu stores it in a Redis list. The whole envelope is kept, so headers and
 * properties this class knows nothing about ({@code stamps}, {@code reply_to}, {@code expiration}, keys from future
 * Celery versions) survive a decode, a change through a {@code with*} method, and an encode. The body text is kept
 * verbatim for the same reason. Instances are immutable; build them with {@link CeleryMessageCodec}.
 */
public final class CeleryMessage {

    /**
     * Message header naming the user who sent the task ({@code POST /api/tasks}, uploads), so a worker can address the
     * owner's topic without a database lookup; Celery keeps unknown headers, so it survives retries and redelivery.
     */
    public static final String OWNER_HEADER = "clipflow_owner";

    /** On a task the dashboard's "retry" sent: the id of the failed task whose call it repeats. */
    public static final String RETRY_OF_HEADER = "clipflow_retry_of";

    private final ObjectNode envelope;
    private final JsonNode argsNode;
    private final JsonNode kwargsNode;
    private final JsonNode embedNode;
    private final List<Object> args;
    private final Map<String, Object> kwargs;
    private final Map<String, Object> embed;
    /** Read on every step of a task's way: taken out once rather than looked up in the envelope each time. */
    private final String taskId;

    private final String taskName;
    private final int retries;

    CeleryMessage(ObjectNode envelope, JsonNode argsNode, JsonNode kwargsNode, JsonNode embedNode) {
        this.envelope = envelope;
        this.argsNode = argsNode;
        this.kwargsNode = kwargsNode;
        this.embedNode = embedNode;
        this.args = asList(argsNode);
        this.kwargs = asMap(kwargsNode);
        this.embed = embedNode == null || embedNode.isNull() ? Map.of() : asMap(embedNode);
        this.taskId = text(peekHeader("id"));
        this.taskName = text(peekHeader("task"));
        this.retries = peekHeader("retries").asInt(0);
    }

    /** The user who sent the task ({@link #OWNER_HEADER}), or null for a task nobody owns. */
    public Long ownerId() {
        JsonNode owner = peekHeader(OWNER_HEADER);
        return owner.canConvertToLong() ? owner.asLong() : null;
    }

    /** {@link #RETRY_OF_HEADER}, or null. */
    public String retryOf() {
        JsonNode of = peekHeader(RETRY_OF_HEADER);
        return of.isTextual() ? of.asText() : null;
    }

    public String taskId() {
        return taskId;
    }

    public String taskName() {
        return taskName;
    }

    /** Positional arguments as plain Java values (List, Map, String, Number, Boolean, null); unmodifiable. */
    public List<Object> args() {
        return args;
    }

    public Map<String, Object> kwargs() {
        return kwargs;
    }

    /** The workflow part of the body: {@code callbacks}, {@code errbacks}, {@code chain}, {@code chord}. */
    public Map<String, Object> embed() {
        return embed;
    }

    public JsonNode argsJson() {
        return argsNode.deepCopy();
    }

    public JsonNode kwargsJson() {
        return kwargsNode.deepCopy();
    }

    public int retries() {
        return retries;
    }

    public OffsetDateTime eta() {
        return time(peekHeader("eta"));
    }

    public OffsetDateTime expires() {
        return time(peekHeader("expires"));
    }

    /** {@code time_limit} in seconds: the first element of {@code timelimit}, as Celery's code writes it. */
    public Double timeLimitHard() {
        return number(peekHeader("timelimit").path(0));
    }

    /** {@code soft_time_limit} in seconds: the second element of {@code timelimit}. */
    public Double timeLimitSoft() {
        return number(peekHeader("timelimit").path(1));
    }

    public String rootId() {
        return text(peekHeader("root_id"));
    }

    public String parentId() {
        return text(peekHeader("parent_id"));
    }

    public String group() {
        return text(peekHeader("group"));
    }

    public Integer groupIndex() {
        JsonNode index = peekHeader("group_index");
        return index.isIntegralNumber() ? index.intValue() : null;
    }

    /** The name shown instead of {@link #taskName()} in logs and monitors when a client set one. */
    public String shadow() {
        return text(peekHeader("shadow"));
    }

    public String argsrepr() {
        return text(peekHeader("argsrepr"));
    }

    public String kwargsrepr() {
        return text(peekHeader("kwargsrepr"));
    }

    public String origin() {
        return text(peekHeader("origin"));
    }

    public boolean ignoreResult() {
        return peekHeader("ignore_result").asBoolean(false);
    }

    public int priority() {
        return peekProperty("priority").asInt(0);
    }

    /** The queue the message was routed to: {@code properties.delivery_info.routing_key}. */
    public String queue() {
        return text(peekProperty("delivery_info").path("routing_key"));
    }

    public String deliveryTag() {
        return text(peekProperty("delivery_tag"));
    }

    public String correlationId() {
        return text(peekProperty("correlation_id"));
    }

    public String replyTo() {
        return text(peekProperty("reply_to"));
    }

    /** True when kombu restored the message from its unacked store after a visibility timeout. */
    public boolean redelivered() {
        return peekHeader("redelivered").asBoolean(false)
                || peekProperty("delivery_info").path("redelivered").asBoolean(false);
    }

    /** A header as it is in the envelope, for this class's own reads (never handed out: the envelope is ours). */
    private JsonNode peekHeader(String name) {
        return envelope.path("headers").path(name);
    }

    private JsonNode peekProperty(String name) {
        return envelope.path("properties").path(name);
    }

    /** A header by its wire name, or a missing node; a copy, so the message stays immutable. */
    public JsonNode header(String name) {
        return envelope.path("headers").path(name).deepCopy();
    }

    public JsonNode property(String name) {
        return envelope.path("properties").path(name).deepCopy();
    }

    /** The whole kombu envelope, body still encoded; a copy. */
    public ObjectNode envelope() {
        return envelope.deepCopy();
    }

    ObjectNode envelopeView() {
        return envelope;
    }

    /** Adds or replaces a header of Clipflow's own (Celery carries unknown headers along unchanged). */
    public CeleryMessage withHeader(String name, long value) {
        ObjectNode copy = envelope.deepCopy();
        headers(copy).put(name, value);
        return derive(copy);
    }

    public CeleryMessage withHeader(String name, String value) {
        ObjectNode copy = envelope.deepCopy();
        headers(copy).put(name, value);
        return derive(copy);
    }

    public CeleryMessage withRetries(int retries) {
        ObjectNode copy = envelope.deepCopy();
        headers(copy).put("retries", retries);
        return derive(copy);
    }

    /** Sets or clears ({@code null}) the eta, written as Python's isoformat in UTC. */
    public CeleryMessage withEta(OffsetDateTime eta) {
        ObjectNode copy = envelope.deepCopy();
        if (eta == null) {
            headers(copy).putNull("eta");
        } else {
            headers(copy).put("eta", PythonJson.isoformat(eta));
        }
        return derive(copy);
    }

    /**
     * Marks the message as kombu's {@code restore_visible} does (both {@code headers.redelivered} and
     * {@code delivery_info.redelivered}), or removes both marks.
     */
    public CeleryMessage withRedelivered(boolean redelivered) {
        ObjectNode copy = envelope.deepCopy();
        if (redelivered) {
            headers(copy).put("redelivered", true);
            deliveryInfo(copy).put("redelivered", true);
        } else {
            if (copy.path("headers") instanceof ObjectNode headers) {
                headers.remove("redelivered");
            }
            if (copy.path("properties").path("delivery_info") instanceof ObjectNode deliveryInfo) {
                deliveryInfo.remove("redelivered");
            }
        }
        return derive(copy);
    }

    public CeleryMessage withQueue(String queue) {
        Objects.requireNonNull(queue, "queue");
        ObjectNode copy = envelope.deepCopy();
        deliveryInfo(copy).put("routing_key", queue);
        return derive(copy);
    }

    /** A fresh uuid4 delivery tag, as kombu assigns on every publish, so a re-published copy is acked on its own. */
    public CeleryMessage withNewDeliveryTag() {
        ObjectNode copy = envelope.deepCopy();
        properties(copy).put("delivery_tag", UUID.randomUUID().toString());
        return derive(copy);
    }

    private CeleryMessage derive(ObjectNode newEnvelope) {
        return new CeleryMessage(newEnvelope, argsNode, kwargsNode, embedNode);
    }

    private static ObjectNode headers(ObjectNode envelope) {
        return objectAt(envelope, "headers");
    }

    private static ObjectNode properties(ObjectNode envelope) {
        return objectAt(envelope, "properties");
    }

    private static ObjectNode deliveryInfo(ObjectNode envelope) {
        return objectAt(properties(envelope), "delivery_info");
    }

    private static ObjectNode objectAt(ObjectNode parent, String name) {
        JsonNode child = parent.get(name);
        if (child instanceof ObjectNode object) {
            return object;
        }
        return parent.putObject(name);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CeleryMessage message && envelope.equals(message.envelope);
    }

    @Override
    public int hashCode() {
        return envelope.hashCode();
    }

    @Override
    public String toString() {
        return "CeleryMessage[" + taskName() + " " + taskId() + " queue=" + queue() + " retries=" + retries() + "]";
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.textValue() : null;
    }

    private static Double number(JsonNode node) {
        return node.isNumber() ? node.doubleValue() : null;
    }

    private static OffsetDateTime time(JsonNode node) {
        return node.isTextual() ? PythonJson.parseIsoformat(node.textValue()) : null;
    }

    static List<Object> asList(JsonNode array) {
        List<Object> values = new ArrayList<>(array.size());
        for (JsonNode item : array) {
            values.add(toJava(item));
        }
        return Collections.unmodifiableList(values);
    }

    static Map<String, Object> asMap(JsonNode object) {
        Map<String, Object> values = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            values.put(field.getKey(), toJava(field.getValue()));
        }
        return Collections.unmodifiableMap(values);
    }

    private static Object toJava(JsonNode node) {
        if (node == null || node.isNull() || node instanceof MissingNode) {
            return null;
        }
        if (node.isObject()) {
            return asMap(node);
        }
        if (node.isArray()) {
            return asList(node);
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        return node.asText();
    }
}
