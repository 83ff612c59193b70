package io.clipflow.celery;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Celery's remote control on kombu's Redis transport ({@code kombu.pidbox.Mailbox('celery')}): reads the commands
 * {@code celery inspect}, {@code celery control} and Flower broadcast on the {@code celery.pidbox} fanout exchange, and
 * writes the answers a Celery worker sends to the caller's queue on {@code reply.celery.pidbox}, plus the pieces of a
 * worker's answers whose shape Celery defines (a request's {@code info()}, a queue's {@code as_dict()}). Stateless and
 * thread-safe.
 */
public class PidboxCodec {

    /** Celery's mailbox namespace: {@code app.control.mailbox} is {@code Mailbox('celery', type='fanout')}. */
    public static final String NAMESPACE = "celery";

    /** The broadcast exchange ({@code Mailbox.exchange_fmt % namespace}), fanout: Redis pub/sub. */
    public static final String EXCHANGE = NAMESPACE + ".pidbox";

    /** The direct exchange answers go to ({@code Mailbox.reply_exchange_fmt % namespace}). */
    public static final String REPLY_EXCHANGE = "reply." + NAMESPACE + ".pidbox";

    private final JsonMapper mapper = JsonMapper.builder().build();

    /** A node's own mailbox queue, bound to {@link #EXCHANGE}: {@code <hostname>.celery.pidbox}. */
    public static String queueName(String hostname) {
        return hostname + "." + EXCHANGE;
    }

    /**
     * Reads one message published on the pidbox channel.
     *
     * @throws CeleryDecodeException when it is not a JSON kombu envelope whose body is a mailbox command (kombu's
     *     mailbox accepts only JSON, so neither do we)
     */
    public PidboxRequest decode(String raw) {
        JsonNode envelope = read(raw, "not JSON");
        if (!envelope.isObject()) {
            throw new CeleryDecodeException("not a kombu envelope");
        }
        String contentType = envelope.path("content-type").asText("");
        if (!contentType.equals("application/json")) {
            throw new CeleryDecodeException("refused content type " + contentType + ": the mailbox accepts only JSON");
        }
        JsonNode bodyField = envelope.path("body");
        if (!bodyField.isTextual()) {
            throw new CeleryDecodeException("not a kombu envelope: no body");
        }
        String encoding = envelope.path("properties").path("body_encoding").asText("");
        String text = bodyField.textValue();
        if (encoding.equals("base64")) {
            try {
                text = new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new CeleryDecodeException("body is not base64");
            }
        } else if (!encoding.isEmpty()) {
            throw new CeleryDecodeException("unsupported body encoding " + encoding);
        }
        JsonNode body = read(text, "body is not JSON");
        JsonNode method = body.path("method");
        if (!method.isTextual()) {
            throw new CeleryDecodeException("not a mailbox command: no method");
        }
        JsonNode arguments = body.path("arguments");
        ObjectNode args = arguments.isObject() ? (ObjectNode) arguments : JsonNodeFactory.instance.objectNode();
        List<String> destination = null;
        JsonNode dest = body.path("destination");
        if (dest.isArray()) {
            destination = new ArrayList<>();
            for (JsonNode d : dest) {
                destination.add(d.asText());
            }
        } else if (dest.isTextual()) {
            destination = List.of(dest.textValue());
        }
        JsonNode replyTo = body.path("reply_to");
        return new PidboxRequest(
                method.textValue(),
                args,
                destination == null ? null : List.copyOf(destination),
                textOrNull(body.path("pattern")),
                textOrNull(body.path("matcher")),
                textOrNull(body.path("ticket")),
                textOrNull(replyTo.path("exchange")),
                textOrNull(replyTo.path("routing_key")),
                envelope.path("headers").path("clock").asLong(0));
    }

    /**
     * The kombu envelope of {@code hostname}'s answer to {@code request}, as {@code Mailbox._publish_reply} sends it:
     * body {@code {hostname: reply}}, headers {@code ticket} and {@code clock}, transient delivery.
     */
    public String encodeReply(String hostname, JsonNode reply, PidboxRequest request, long clock) {
        return encodeReply(hostname, reply, request, clock, UUID.randomUUID().toString());
    }

    String encodeReply(String hostname, JsonNode reply, PidboxRequest request, long clock, String deliveryTag) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode body = nodes.objectNode();
        body.set(hostname, reply == null ? nodes.nullNode() : reply);
        ObjectNode headers = nodes.objectNode();
        headers.put("ticket", request.ticket());
        headers.put("clock", clock);
        return envelope(
                PythonJson.dumps(body), headers, request.replyExchange(), request.replyRoutingKey(), deliveryTag);
    }

    /** kombu's envelope as the virtual transport writes a transient (delivery_mode 1) message. */
    static String envelope(
            String bodyJson, ObjectNode headers, String exchange, String routingKey, String deliveryTag) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode out = nodes.objectNode();
        out.put("body", Base64.getEncoder().encodeToString(bodyJson.getBytes(StandardCharsets.UTF_8)));
        out.put("content-encoding", "utf-8");
        out.put("content-type", "application/json");
        out.set("headers", headers);
        ObjectNode properties = out.putObject("properties");
        properties.put("delivery_mode", 1);
        ObjectNode deliveryInfo = properties.putObject("delivery_info");
        deliveryInfo.put("exchange", exchange);
        deliveryInfo.put("routing_key", routingKey);
        properties.put("priority", 0);
        properties.put("body_encoding", "base64");
        properties.put("delivery_tag", deliveryTag);
        return PythonJson.dumps(out);
    }

    /** Celery's {@code ok(value)}: {@code {"ok": value}}. */
    public static ObjectNode ok(String value) {
        return JsonNodeFactory.instance.objectNode().put("ok", value);
    }

    /** Celery's {@code nok(value)}: {@code {"error": value}}. */
    public static ObjectNode error(String value) {
        return JsonNodeFactory.instance.objectNode().put("error", value);
    }

    /**
     * What kombu's {@code Node.dispatch} answers when a handler raises: {@code {"error": repr(exc)}}, e.g. {@code
     * KeyError('no_such_command')} for a command the node does not have.
     */
    public static ObjectNode raised(String exceptionType, String message) {
        return error(exceptionType + "(" + (message == null ? "" : pythonStr(message)) + ")");
    }

    /** Python's {@code repr()} of a str: single quotes unless the text has one and no double quote. */
    public static String pythonStr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder().append(quote);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == quote || c == '\\') {
                out.append('\\').append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append(quote).toString();
    }

    /**
     * A worker's view of one task, as Celery's {@code Request.info(safe)} returns it for {@code inspect active},
     * {@code reserved}, {@code scheduled} and {@code query_task}.
     *
     * @param hostname the node holding it
     * @param timeStart when it started, in seconds since the epoch, or null when it has not
     * @param acknowledged whether its message is acked (Clipflow acks when a task ends, like {@code acks_late})
     * @param workerPid the process running it, or null
     * @param safe {@code safe=True}: the args' and kwargs' reprs instead of the values
     */
    public static ObjectNode requestInfo(
            CeleryMessage message,
            String hostname,
            Double timeStart,
            boolean acknowledged,
            Long workerPid,
            boolean safe) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode info = nodes.objectNode();
        info.put("id", message.taskId());
        info.put("name", message.taskName());
        if (safe) {
            info.put("args", message.argsrepr() != null ? message.argsrepr() : PythonRepr.args(message.argsJson()));
            info.put(
                    "kwargs",
                    message.kwargsrepr() != null ? message.kwargsrepr() : PythonRepr.kwargs(message.kwargsJson()));
        } else {
            info.set("args", message.argsJson());
            info.set("kwargs", message.kwargsJson());
        }
        info.put("type", message.taskName());
        info.put("hostname", hostname);
        if (timeStart == null) {
            info.putNull("time_start");
        } else {
            info.put("time_start", timeStart.doubleValue());
        }
        info.put("acknowledged", acknowledged);
        ObjectNode deliveryInfo = info.putObject("delivery_info");
        JsonNode exchange = message.property("delivery_info").path("exchange");
        deliveryInfo.put("exchange", exchange.isTextual() ? exchange.textValue() : "");
        deliveryInfo.put("routing_key", message.queue());
        deliveryInfo.put("priority", message.priority());
        deliveryInfo.put("redelivered", message.redelivered());
        if (workerPid == null) {
            info.putNull("worker_pid");
        } else {
            info.put("worker_pid", workerPid.longValue());
        }
        return info;
    }

    /** One entry of {@code inspect scheduled}: {@code {eta, priority, request}}. */
    public static ObjectNode scheduled(String eta, int priority, ObjectNode request) {
        ObjectNode entry = JsonNodeFactory.instance.objectNode();
        entry.put("eta", eta);
        entry.put("priority", priority);
        entry.set("request", request);
        return entry;
    }

    /**
     * One entry of {@code inspect active_queues}: kombu's {@code Queue.as_dict(recurse=True)} for a plain direct queue
     * (exchange and routing key named after it, durable), which is what Celery declares for a task queue.
     */
    public static ObjectNode queueInfo(String queue) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode q = nodes.objectNode();
        q.put("name", queue);
        ObjectNode exchange = q.putObject("exchange");
        exchange.put("name", queue);
        exchange.put("type", "direct");
        exchange.putNull("arguments");
        exchange.put("durable", true);
        exchange.put("passive", false);
        exchange.put("auto_delete", false);
        exchange.putNull("delivery_mode");
        exchange.put("no_declare", false);
        q.put("routing_key", queue);
        q.putNull("queue_arguments");
        q.putNull("binding_arguments");
        q.putNull("consumer_arguments");
        q.put("durable", true);
        q.put("exclusive", false);
        q.put("auto_delete", false);
        q.put("no_ack", false);
        q.putNull("alias");
        q.set("bindings", nodes.arrayNode());
        q.putNull("no_declare");
        q.putNull("expires");
        q.putNull("message_ttl");
        q.putNull("max_length");
        q.putNull("max_length_bytes");
        q.putNull("max_priority");
        return q;
    }

    /** A JSON array of strings. */
    public static ArrayNode strings(Iterable<String> values) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        values.forEach(out::add);
        return out;
    }

    private JsonNode read(String text, String what) {
        try {
            JsonNode node = mapper.readTree(text == null ? "" : text);
            if (node == null || node.isMissingNode()) {
                throw new CeleryDecodeException(what);
            }
            return node;
        } catch (JacksonException e) {
            throw new CeleryDecodeException(what + ": " + e.getOriginalMessage());
        }
    }

    private static String textOrNull(JsonNode node) {
        return node.isTextual() ? node.textValue() : null;
    }
}
