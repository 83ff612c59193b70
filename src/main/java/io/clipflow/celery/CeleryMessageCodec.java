package io.clipflow.celery;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Reads and writes Celery protocol-v2 task messages in kombu's Redis JSON envelope, byte-compatible with a Python
 * Celery 5 client. Used by the queue consumer and producer beans; stateless and thread-safe.
 */
public class CeleryMessageCodec {

    private static final List<String> ENVELOPE_ORDER =
            List.of("body", "content-encoding", "content-type", "headers", "properties");
    private static final List<String> HEADER_ORDER = List.of(
            "lang",
            "task",
            "id",
            "shadow",
            "eta",
            "expires",
            "group",
            "group_index",
            "retries",
            "timelimit",
            "root_id",
            "parent_id",
            "argsrepr",
            "kwargsrepr",
            "origin",
            "ignore_result");
    private static final List<String> DELIVERY_INFO_ORDER = List.of("exchange", "routing_key");

    private final ObjectMapper mapper;
    private final Clock clock;
    private final String origin;
    private final String replyTo;

    public CeleryMessageCodec() {
        this(Clock.systemUTC());
    }

    CeleryMessageCodec(Clock clock) {
        this.clock = clock;
        this.mapper = JsonMapper.builder()
                .findAndAddModules()
                // Python's json module writes and reads NaN and Infinity; refusing them would dead-letter valid tasks.
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
        this.origin = "gen" + ProcessHandle.current().pid() + "@" + hostname();
        // Celery's reply_to is a per-client identity (app.thread_oid), only used by the rpc:// result backend.
        this.replyTo = UUID.randomUUID().toString();
    }

    /** The exact text a Python Celery 5 client LPUSHes for this message. */
    public String encode(CeleryMessage message) {
        ObjectNode envelope = message.envelopeView();
        ObjectNode out = PythonJson.ordered(envelope, ENVELOPE_ORDER);
        if (envelope.get("headers") instanceof ObjectNode headers) {
            out.set("headers", PythonJson.ordered(headers, HEADER_ORDER));
        }
        if (envelope.get("properties") instanceof ObjectNode properties) {
            ObjectNode props = PythonJson.ordered(properties, List.of());
            if (properties.get("delivery_info") instanceof ObjectNode deliveryInfo) {
                props.set("delivery_info", PythonJson.ordered(deliveryInfo, DELIVERY_INFO_ORDER));
            }
            out.set("properties", props);
        }
        return PythonJson.dumps(out);
    }

    /**
     * Parses one envelope taken from a queue list.
     *
     * @throws CeleryDecodeException with an operator-readable reason when the value is not a JSON protocol-v2 task
     *     message this worker will execute (pickle and other serializers are refused, never deserialized)
     */
    public CeleryMessage decode(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new CeleryDecodeException("empty message");
        }
        JsonNode root = readJson(raw, "not JSON");
        if (!(root instanceof ObjectNode envelope)) {
            throw new CeleryDecodeException("not a kombu envelope: expected a JSON object, got " + kind(root));
        }
        JsonNode body = envelope.get("body");
        if (body == null || body.isNull()) {
            throw new CeleryDecodeException("not a kombu envelope: no body");
        }
        checkContentType(envelope.path("content-type"));
        JsonNode headers = envelope.path("headers");
        if (!headers.isMissingNode() && !headers.isNull() && !headers.isObject()) {
            throw new CeleryDecodeException("not a kombu envelope: headers is " + kind(headers) + ", not an object");
        }
        JsonNode compression = headers.path("compression");
        if (!compression.isMissingNode() && !compression.isNull()) {
            throw new CeleryDecodeException("refused compressed message (" + compression.asText()
                    + "): compression is not supported, send plain JSON");
        }
        JsonNode properties = envelope.path("properties");
        if (!properties.isMissingNode() && !properties.isNull() && !properties.isObject()) {
            throw new CeleryDecodeException("not a kombu envelope: properties is " + kind(properties));
        }
        JsonNode payload = readJson(
                bodyText(body, properties.path("body_encoding"), envelope.path("content-encoding")),
                "body is not JSON");

        if (!headers.has("task") && payload.isObject() && payload.has("task")) {
            throw new CeleryDecodeException(
                    "refused protocol v1 message (task " + payload.path("task").asText()
                            + "): only Celery protocol v2 is supported (task_protocol=2, the default since Celery 4)");
        }
        requireText(headers, "task");
        requireText(headers, "id");
        if (!payload.isArray() || payload.size() != 3) {
            throw new CeleryDecodeException("body is not [args, kwargs, embed]: got " + describeBody(payload));
        }
        JsonNode args = payload.get(0);
        JsonNode kwargs = payload.get(1);
        JsonNode embed = payload.get(2);
        if (!args.isArray()) {
            throw new CeleryDecodeException("body args must be a list, got " + kind(args));
        }
        if (!kwargs.isObject()) {
            throw new CeleryDecodeException("body kwargs must be an object, got " + kind(kwargs));
        }
        if (!embed.isObject() && !embed.isNull()) {
            throw new CeleryDecodeException("body embed must be an object or null, got " + kind(embed));
        }
        checkHeaderTypes(headers);
        return new CeleryMessage(envelope, args, kwargs, embed);
    }

    /**
     * Builds a message the way Celery's {@code send_task} does: fresh uuid4 id, root id defaulting to it, Python-repr
     * {@code argsrepr}/{@code kwargsrepr}, countdown turned into an absolute eta, an {@code expiration} property
     * when {@code expires} is set, base64 body and a new delivery tag.
     *
     * @param args JSON-serializable positional arguments; null means none
     * @param kwargs JSON-serializable keyword arguments; null means none
     * @param queue target queue (the anonymous exchange's routing key)
     */
    public CeleryMessage newTask(
            String taskName, List<?> args, Map<String, ?> kwargs, String queue, TaskOptions options) {
        return newTask(taskName, args, kwargs, queue, options, null);
    }

    /** The message for a {@link TaskCall} on {@code queue}: its id when it chose one, its owner's header when set. */
    public CeleryMessage newTask(TaskCall call, String queue) {
        TaskOptions options =
                call.taskId() == null ? call.options() : call.options().withTaskId(call.taskId());
        CeleryMessage message = newTask(call.name(), call.args(), call.kwargs(), queue, options);
        return call.ownerId() == null ? message : message.withHeader(CeleryMessage.OWNER_HEADER, call.ownerId());
    }

    /**
     * As {@link #newTask(String, List, Map, String, TaskOptions)}, carrying the rest of a Celery chain in
     * {@code embed.chain} (signatures in Celery's order: the next one last), as a worker forwards it.
     */
    public CeleryMessage newTask(
            String taskName, List<?> args, Map<String, ?> kwargs, String queue, TaskOptions options, JsonNode chain) {
        Objects.requireNonNull(taskName, "taskName");
        Objects.requireNonNull(queue, "queue");
        TaskOptions opts = options == null ? TaskOptions.none() : options;
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        OffsetDateTime now = OffsetDateTime.now(clock);

        String id = opts.taskId() != null ? opts.taskId() : UUID.randomUUID().toString();
        String rootId = opts.rootId() != null && !opts.rootId().isEmpty() ? opts.rootId() : id;
        OffsetDateTime eta =
                opts.countdown() != null && !opts.countdown().isZero() ? now.plus(opts.countdown()) : opts.eta();
        OffsetDateTime expires = opts.expires();

        JsonNode argsNode = toJson(args == null ? List.of() : args);
        JsonNode kwargsNode = toJson(kwargs == null ? Map.of() : kwargs);
        if (!argsNode.isArray() || !kwargsNode.isObject()) {
            throw new IllegalArgumentException("task args must serialize to a list and kwargs to an object");
        }
        ObjectNode embed = nodes.objectNode();
        embed.putNull("callbacks");
        embed.putNull("errbacks");
        if (chain != null && chain.isArray() && !chain.isEmpty()) {
            embed.set("chain", chain.deepCopy());
        } else {
            embed.putNull("chain");
        }
        embed.putNull("chord");
        ArrayNode body = nodes.arrayNode().add(argsNode).add(kwargsNode).add(embed);

        ObjectNode headers = nodes.objectNode();
        headers.put("lang", "py");
        headers.put("task", taskName);
        headers.put("id", id);
        headers.putNull("shadow");
        headers.set("eta", eta == null ? nodes.nullNode() : nodes.textNode(PythonJson.isoformat(eta)));
        headers.set("expires", expires == null ? nodes.nullNode() : nodes.textNode(PythonJson.isoformat(expires)));
        headers.set("group", opts.group() == null ? nodes.nullNode() : nodes.textNode(opts.group()));
        headers.putNull("group_index");
        headers.put("retries", 0);
        headers.set(
                "timelimit",
                nodes.arrayNode().add(seconds(opts.timeLimitHard())).add(seconds(opts.timeLimitSoft())));
        headers.put("root_id", rootId);
        headers.set("parent_id", opts.parentId() == null ? nodes.nullNode() : nodes.textNode(opts.parentId()));
        headers.put("argsrepr", PythonRepr.args(argsNode));
        headers.put("kwargsrepr", PythonRepr.kwargs(kwargsNode));
        headers.put("origin", origin);
        headers.put("ignore_result", false);

        ObjectNode properties = nodes.objectNode();
        properties.put("correlation_id", id);
        properties.put("reply_to", replyTo);
        properties.put("delivery_mode", 2);
        if (expires != null) {
            // kombu's per-message TTL in ms; Celery clamps an already-past expiry to 0.
            long millis = Math.max(0, Duration.between(now, expires).toMillis());
            properties.put("expiration", Long.toString(millis));
        }
        ObjectNode deliveryInfo = properties.putObject("delivery_info");
        deliveryInfo.put("exchange", "");
        deliveryInfo.put("routing_key", queue);
        properties.put("priority", opts.priority() == null ? 0 : opts.priority());
        properties.put("body_encoding", "base64");
        properties.put("delivery_tag", UUID.randomUUID().toString());

        ObjectNode envelope = nodes.objectNode();
        envelope.put(
                "body",
                Base64.getEncoder().encodeToString(PythonJson.dumps(body).getBytes(StandardCharsets.UTF_8)));
        envelope.put("content-encoding", "utf-8");
        envelope.put("content-type", "application/json");
        envelope.set("headers", headers);
        envelope.set("properties", properties);
        return new CeleryMessage(envelope, argsNode, kwargsNode, embed);
    }

    private JsonNode toJson(Object value) {
        try {
            return mapper.valueToTree(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("task arguments are not JSON-serializable: " + e.getMessage(), e);
        }
    }

    /** Whole seconds stay integers on the wire ({@code [900, 600]}), as a Python client passing ints writes them. */
    private static JsonNode seconds(Double value) {
        if (value == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (value == Math.rint(value) && !Double.isInfinite(value) && Math.abs(value) < 1e15) {
            return JsonNodeFactory.instance.numberNode(value.longValue());
        }
        return JsonNodeFactory.instance.numberNode(value);
    }

    private JsonNode readJson(String text, String reason) {
        try {
            return mapper.readTree(text);
        } catch (JacksonException e) {
            throw new CeleryDecodeException(reason + ": " + e.getOriginalMessage(), e);
        }
    }

    private static void checkContentType(JsonNode contentType) {
        if (!contentType.isTextual()) {
            throw new CeleryDecodeException("refused message without content-type: only JSON messages are executed");
        }
        String type = contentType.textValue().trim();
        if (type.equalsIgnoreCase("application/json")) {
            return;
        }
        // Never deserialized: pickle (application/x-python-serialize) would let any producer run code here.
        throw new CeleryDecodeException("refused content type " + type + ": only JSON messages are executed");
    }

    private static String bodyText(JsonNode body, JsonNode bodyEncoding, JsonNode contentEncoding) {
        if (!body.isTextual()) {
            throw new CeleryDecodeException("body must be a string (base64 or JSON text), got " + kind(body));
        }
        if (bodyEncoding.isMissingNode() || bodyEncoding.isNull()) {
            return body.textValue();
        }
        if (!bodyEncoding.isTextual() || !bodyEncoding.textValue().equals("base64")) {
            throw new CeleryDecodeException("unsupported body_encoding " + bodyEncoding
                    + ": only base64 or a plain JSON string body is supported");
        }
        byte[] bytes;
        try {
            // Python's b64decode skips characters outside the alphabet; the MIME decoder is the closest match.
            bytes = Base64.getMimeDecoder().decode(body.textValue());
        } catch (IllegalArgumentException e) {
            throw new CeleryDecodeException("body is not valid base64: " + e.getMessage(), e);
        }
        return new String(bytes, charset(contentEncoding));
    }

    private static Charset charset(JsonNode contentEncoding) {
        if (!contentEncoding.isTextual()) {
            return StandardCharsets.UTF_8;
        }
        String name = contentEncoding.textValue();
        if (name.equalsIgnoreCase("binary") || name.equalsIgnoreCase("ascii-8bit")) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalArgumentException e) {
            throw new CeleryDecodeException("unsupported content-encoding " + name, e);
        }
    }

    private static void requireText(JsonNode headers, String name) {
        JsonNode value = headers.path(name);
        if (!value.isTextual() || value.textValue().isEmpty()) {
            throw new CeleryDecodeException("not a Celery task message: headers." + name + " is "
                    + (value.isMissingNode() ? "missing" : kind(value)));
        }
    }

    private static void checkHeaderTypes(JsonNode headers) {
        for (String name : List.of("eta", "expires")) {
            JsonNode value = headers.path(name);
            if (value.isMissingNode() || value.isNull()) {
                continue;
            }
            if (!value.isTextual()) {
                throw new CeleryDecodeException("headers." + name + " must be an ISO-8601 string, got " + kind(value));
            }
            try {
                PythonJson.parseIsoformat(value.textValue());
            } catch (DateTimeParseException e) {
                throw new CeleryDecodeException("headers." + name + " is not ISO-8601: " + value.textValue(), e);
            }
        }
        JsonNode retries = headers.path("retries");
        if (!retries.isMissingNode()
                && !retries.isNull()
                && !(retries.isIntegralNumber() && retries.canConvertToInt())) {
            throw new CeleryDecodeException("headers.retries must be an integer, got " + retries);
        }
        JsonNode timelimit = headers.path("timelimit");
        if (!timelimit.isMissingNode() && !timelimit.isNull()) {
            boolean valid = timelimit.isArray() && timelimit.size() == 2;
            for (JsonNode limit : timelimit) {
                valid &= limit.isNull() || limit.isNumber();
            }
            if (!valid) {
                throw new CeleryDecodeException(
                        "headers.timelimit must be [hard, soft] seconds or nulls, got " + timelimit);
            }
        }
    }

    private static String describeBody(JsonNode payload) {
        return payload.isArray() ? "a list of " + payload.size() : kind(payload);
    }

    private static String kind(JsonNode node) {
        return node == null || node.isMissingNode()
                ? "missing"
                : node.getNodeType().name().toLowerCase();
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            String fromEnv = System.getenv("HOSTNAME");
            return fromEnv == null || fromEnv.isBlank() ? "localhost" : fromEnv;
        }
    }
}
