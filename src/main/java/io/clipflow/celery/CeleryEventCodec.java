package io.clipflow.celery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;

/**
 * Celery's monitoring events ({@code celery.events.EventDispatcher}) as one node writes them on the {@code celeryev}
 * exchange, which kombu's Redis transport makes fanout: Redis pub/sub on {@code /<db>.celeryev/<routing key>}, the
 * routing key being the type with dots ({@code task.succeeded}), or {@code task.multi} for a list of task events.
 * {@code celery events}, {@code EventReceiver} and Flower read them. Thread-safe.
 */
public class CeleryEventCodec {

    /** Celery's {@code event_exchange} name. */
    public static final String EXCHANGE = "celeryev";

    /** The routing key of a batch of task events ({@code EventDispatcher.flush}: {@code '%s.multi' % group}). */
    public static final String TASK_MULTI = "task.multi";

    /** Celery's {@code resultrepr_maxsize}: a result's repr in {@code task-succeeded} is cut near this length. */
    static final int RESULT_REPR_MAXSIZE = 1024;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String hostname;
    private final long pid;

    /**
     * @param hostname the node's name in every event ({@code celery@<node>})
     * @param pid the node's process id
     */
    public CeleryEventCodec(String hostname, long pid) {
        this.hostname = hostname;
        this.pid = pid;
    }

    public String hostname() {
        return hostname;
    }

    /** The routing key of an event type: {@code type.replace('-', '.')}. */
    public static String routingKey(String type) {
        return type.replace('-', '.');
    }

    /**
     * One event's body in the key order of Celery's {@code Event()}: {@code hostname, utcoffset, pid, clock}, the
     * type's own fields, then {@code timestamp} and {@code type}.
     *
     * @param timestamp seconds since the epoch
     * @param utcoffset Celery's {@code utcoffset()}, see {@link #utcoffset(ZoneOffset)}
     */
    public ObjectNode event(String type, long clock, double timestamp, int utcoffset, ObjectNode fields) {
        ObjectNode event = NODES.objectNode();
        event.put("hostname", hostname);
        event.put("utcoffset", utcoffset);
        event.put("pid", pid);
        event.put("clock", clock);
        Iterator<Map.Entry<String, JsonNode>> it = fields.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> field = it.next();
            event.set(field.getKey(), field.getValue());
        }
        event.put("timestamp", timestamp);
        event.put("type", type);
        return event;
    }

    /** The kombu envelope of an event (or, for {@link #TASK_MULTI}, a list of them), header {@code hostname}. */
    public String envelope(JsonNode body, String routingKey) {
        return envelope(body, routingKey, UUID.randomUUID().toString());
    }

    String envelope(JsonNode body, String routingKey, String deliveryTag) {
        ObjectNode headers = NODES.objectNode().put("hostname", hostname);
        return PidboxCodec.envelope(PythonJson.dumps(body), headers, EXCHANGE, routingKey, deliveryTag);
    }

    /**
     * Celery's {@code celery.utils.time.utcoffset()}: Python's {@code time.timezone // 3600}, i.e. hours west of UTC
     * (negative east of it), floored. Receivers only compare it with their own.
     */
    public static int utcoffset(ZoneOffset offset) {
        return Math.floorDiv(-offset.getTotalSeconds(), 3600);
    }

    /** {@code task-sent}, as a Celery client sends it after publishing (with {@code task_send_sent_event}). */
    public static ObjectNode taskSent(CeleryMessage m) {
        ObjectNode f = NODES.objectNode();
        f.put("uuid", m.taskId());
        f.put("root_id", m.rootId());
        f.put("parent_id", m.parentId());
        f.put("name", m.taskName());
        f.put("args", argsrepr(m));
        f.put("kwargs", kwargsrepr(m));
        f.put("retries", m.retries());
        f.set("eta", m.header("eta").isTextual() ? m.header("eta") : NODES.nullNode());
        f.set("expires", m.header("expires").isTextual() ? m.header("expires") : NODES.nullNode());
        f.put("queue", m.queue());
        JsonNode exchange = m.property("delivery_info").path("exchange");
        f.put("exchange", exchange.isTextual() ? exchange.textValue() : "");
        f.put("routing_key", m.queue());
        return f;
    }

    /** {@code task-received}, as a worker's strategy sends it when the message arrives. */
    public static ObjectNode taskReceived(CeleryMessage m) {
        ObjectNode f = NODES.objectNode();
        f.put("uuid", m.taskId());
        f.put("name", m.taskName());
        f.put("args", argsrepr(m));
        f.put("kwargs", kwargsrepr(m));
        f.put("root_id", m.rootId());
        f.put("parent_id", m.parentId());
        f.put("retries", m.retries());
        f.set("eta", m.header("eta").isTextual() ? m.header("eta") : NODES.nullNode());
        f.set("expires", m.header("expires").isTextual() ? m.header("expires") : NODES.nullNode());
        return f;
    }

    public static ObjectNode taskStarted(String taskId) {
        return NODES.objectNode().put("uuid", taskId);
    }

    /**
     * @param result the task's return value, sent as its {@code saferepr}
     * @param runtime seconds
     */
    public static ObjectNode taskSucceeded(String taskId, JsonNode result, double runtime) {
        ObjectNode f = NODES.objectNode();
        f.put("uuid", taskId);
        f.put("result", resultRepr(result));
        f.put("runtime", runtime);
        return f;
    }

    /** @param exception the exception's repr ({@link #exceptionRepr}) */
    public static ObjectNode taskFailed(String taskId, String exception, String traceback) {
        ObjectNode f = NODES.objectNode();
        f.put("uuid", taskId);
        f.put("exception", exception);
        f.put("traceback", traceback);
        return f;
    }

    public static ObjectNode taskRetried(String taskId, String exception, String traceback) {
        return taskFailed(taskId, exception, traceback);
    }

    /** @param requeue whether the message went back to its queue */
    public static ObjectNode taskRejected(String taskId, boolean requeue) {
        return NODES.objectNode().put("uuid", taskId).put("requeue", requeue);
    }

    /**
     * @param terminated whether it was stopped while running
     * @param signum the signal that stopped it, or null
     * @param expired whether it was dropped for being past its {@code expires}
     */
    public static ObjectNode taskRevoked(String taskId, boolean terminated, Integer signum, boolean expired) {
        ObjectNode f = NODES.objectNode();
        f.put("uuid", taskId);
        f.put("terminated", terminated);
        if (signum == null) {
            f.putNull("signum");
        } else {
            f.put("signum", signum.intValue());
        }
        f.put("expired", expired);
        return f;
    }

    /**
     * {@code worker-online}, {@code worker-heartbeat} and {@code worker-offline}'s fields, as Celery's {@code Heart}
     * sends them.
     *
     * @param freq seconds between heartbeats
     * @param active tasks running now
     * @param processed tasks started since the node started
     * @param loadavg the system's 1, 5 and 15 minute load averages
     */
    public static ObjectNode worker(
            double freq, int active, long processed, double[] loadavg, String swIdent, String swVer, String swSys) {
        ObjectNode f = NODES.objectNode();
        f.put("freq", freq);
        f.put("active", active);
        f.put("processed", processed);
        ArrayNode load = f.putArray("loadavg");
        for (double l : loadavg) {
            // Celery: ceil(l * 1e2) / 1e2
            load.add(Math.ceil(l * 100) / 100);
        }
        f.put("sw_ident", swIdent);
        f.put("sw_ver", swVer);
        f.put("sw_sys", swSys);
        return f;
    }

    /** Python's {@code repr()} of an exception of type {@code type} raised with {@code message}: {@code ValueError('boom')}. */
    public static String exceptionRepr(String type, String message) {
        return type + "(" + (message == null ? "" : PidboxCodec.pythonStr(message)) + ")";
    }

    /** {@code saferepr(result, resultrepr_maxsize)}. */
    public static String resultRepr(JsonNode result) {
        return PythonRepr.saferepr(result == null ? NODES.nullNode() : result, RESULT_REPR_MAXSIZE);
    }

    private static String argsrepr(CeleryMessage m) {
        return m.argsrepr() != null ? m.argsrepr() : PythonRepr.args(m.argsJson());
    }

    private static String kwargsrepr(CeleryMessage m) {
        return m.kwargsrepr() != null ? m.kwargsrepr() : PythonRepr.kwargs(m.kwargsJson());
    }
}
