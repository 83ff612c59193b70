package io.clipflow.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clipflow.celery.CeleryDecodeException;
import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.celery.Kombu;
import io.clipflow.celery.PidboxCodec;
import io.clipflow.celery.PidboxRequest;
import io.clipflow.celery.PythonJson;
import io.clipflow.config.ClipflowProperties;
import io.clipflow.config.RedisKeys;
import io.clipflow.task.ResultProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * The remote-control commands this node answers, by Celery's names ({@code celery.worker.control.Panel}), with the
 * arguments and the answers Celery's worker has, so {@code celery inspect}, {@code celery control} and Flower read
 * them as a Python worker's. A command it does not have is answered as Celery's node does:
 * {@code {"error": "KeyError('<command>')"}}. The commands that change the node ({@link CeleryWorkerProperties#GOVERNED})
 * run only when {@code clipflow.celery.control.allow} names them.
 */
@Component
class ControlPanel {

    private static final Logger log = LoggerFactory.getLogger(ControlPanel.class);

    /** Celery's {@code REVOKES_MAX}: at most this many revoked ids in one answer. */
    private static final int REVOKED_MAX = 50_000;

    /** Delayed messages read for one {@code inspect scheduled}, and listed at most. */
    private static final int DELAYED_READ = 5_000;

    private static final int SCHEDULED_MAX = 1_000;

    @FunctionalInterface
    private interface Command {
        JsonNode run(ObjectNode args) throws Exception;
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final CeleryWorkerState state;
    private final CeleryWorkerProperties properties;
    private final CeleryEventDispatcher events;
    private final TaskSupervisor supervisor;
    private final TaskRegistry registry;
    private final CeleryNode node;
    private final ConsumerControl consumers;
    private final PidboxReads reads;
    private final ReliableQueue queue;
    private final DeliveryProperties delivery;
    private final TaskRateLimits rateLimits;
    private final CeleryMessageCodec codec;
    private final ResultProperties results;
    private final RedisConnectionFactory connections;
    private final RedisKeys keys;
    private final ClipflowProperties clipflow;
    private final ConfigurableApplicationContext context;
    private final Clock clock;
    private final ObjectMapper json;
    private final Map<String, Command> commands = new LinkedHashMap<>();

    ControlPanel(
            CeleryWorkerState state,
            CeleryWorkerProperties properties,
            CeleryEventDispatcher events,
            TaskSupervisor supervisor,
            TaskRegistry registry,
            CeleryNode node,
            ConsumerControl consumers,
            PidboxReads reads,
            ReliableQueue queue,
            DeliveryProperties delivery,
            TaskRateLimits rateLimits,
            CeleryMessageCodec codec,
            ResultProperties results,
            RedisConnectionFactory connections,
            RedisKeys keys,
            ClipflowProperties clipflow,
            ConfigurableApplicationContext context,
            Clock clock,
            ObjectMapper json) {
        this.state = state;
        this.properties = properties;
        this.events = events;
        this.supervisor = supervisor;
        this.registry = registry;
        this.node = node;
        this.consumers = consumers;
        this.reads = reads;
        this.queue = queue;
        this.delivery = delivery;
        this.rateLimits = rateLimits;
        this.codec = codec;
        this.results = results;
        this.connections = connections;
        this.keys = keys;
        this.clipflow = clipflow;
        this.context = context;
        this.clock = clock;
        this.json = json;

        // inspect
        commands.put("ping", args -> PidboxCodec.ok("pong"));
        commands.put("active", args -> active(args.path("safe").asBoolean(false)));
        commands.put("reserved", args -> reserved());
        commands.put("scheduled", args -> scheduled());
        commands.put("registered", args -> registered());
        commands.put("stats", args -> stats());
        commands.put("revoked", args -> revoked());
        commands.put("active_queues", args -> activeQueues());
        commands.put("conf", args -> json.valueToTree(conf()));
        commands.put("report", args -> PidboxCodec.ok(report()));
        commands.put("query_task", args -> queryTask(strings(args.path("ids"))));
        commands.put(
                "clock", args -> NODES.objectNode().put("clock", state.clock().value()));
        commands.put("hello", this::hello);
        commands.put("memsample", args -> NODES.textNode(memsample()));
        // control
        commands.put(
                "revoke",
                args -> revoke(
                        strings(args.path("task_id")),
                        args.path("terminate").asBoolean(false),
                        text(args.path("signal"))));
        commands.put("terminate", args -> revoke(strings(args.path("task_id")), true, text(args.path("signal"))));
        commands.put(
                "enable_events",
                args -> PidboxCodec.ok(
                        events.taskEvents(true) ? "task events enabled" : "task events already enabled"));
        commands.put(
                "disable_events",
                args -> PidboxCodec.ok(
                        events.taskEvents(false) ? "task events disabled" : "task events already disabled"));
        commands.put("heartbeat", args -> {
            events.heartbeatNow();
            return NODES.nullNode();
        });
        commands.put("election", args -> NODES.nullNode());
        commands.put("add_consumer", args -> addConsumer(ControlArguments.queue(args.path("queue"), true)));
        commands.put("cancel_consumer", args -> cancelConsumer(ControlArguments.queue(args.path("queue"), true)));
        commands.put("pool_grow", args -> pool(args, +1));
        commands.put("pool_shrink", args -> pool(args, -1));
        commands.put("pool_restart", args -> {
            throw new PythonError("ValueError", "Pool restarts not enabled");
        });
        commands.put("autoscale", args -> {
            throw new PythonError("ValueError", "Autoscale not enabled");
        });
        commands.put("rate_limit", args -> rateLimit(args.path("task_name"), args.path("rate_limit")));
        commands.put("time_limit", args -> timeLimit(args.path("task_name"), args.path("soft"), args.path("hard")));
        commands.put("shutdown", args -> shutdown(text(args.path("msg"))));
        // Celery's old names
        for (String[] alias : new String[][] {
            {"dump_active", "active"},
            {"dump_reserved", "reserved"},
            {"dump_schedule", "scheduled"},
            {"dump_revoked", "revoked"},
            {"dump_tasks", "registered"},
            {"dump_conf", "conf"}
        }) {
            commands.put(alias[0], commands.get(alias[1]));
        }
    }

    /** An exception as Celery's node reports it: {@code {"error": "<Type>('<message>')"}}. */
    static final class PythonError extends RuntimeException {
        private final String type;

        PythonError(String type, String message) {
            super(message);
            this.type = type;
        }
    }

    /** The commands this node has, for the docs and tests. */
    Set<String> names() {
        return new TreeSet<>(commands.keySet());
    }

    /** Runs {@code request}'s command; its answer, or Celery's error answer. */
    JsonNode dispatch(PidboxRequest request) {
        String method = request.method();
        Command command = commands.get(method);
        if (command == null) {
            log.warn("remote control: no such command {}", method);
            return PidboxCodec.raised("KeyError", method);
        }
        if (CeleryWorkerProperties.GOVERNED.contains(method)
                && !properties.control().allow().contains(method)) {
            log.warn("remote control: refused {} (not in clipflow.celery.control.allow)", method);
            return PidboxCodec.error(method + " is not allowed on this node (clipflow.celery.control.allow)");
        }
        try {
            JsonNode reply = command.run(request.arguments());
            if (!method.equals("ping") && !method.equals("heartbeat") && !method.equals("clock")) {
                log.info("remote control: {} {}", method, request.arguments());
            }
            return reply;
        } catch (PythonError e) {
            return PidboxCodec.raised(e.type, e.getMessage());
        } catch (ControlArguments.Refused e) {
            log.warn("remote control: refused {}: {}", method, e.getMessage());
            return PidboxCodec.error(e.getMessage());
        } catch (Exception e) {
            log.warn("remote control: {} failed", method, e);
            return PidboxCodec.raised(e.getClass().getSimpleName(), e.getMessage());
        }
    }

    // -- inspect

    private ArrayNode active(boolean safe) {
        ArrayNode out = NODES.arrayNode();
        for (TaskSupervisor.Running r : supervisor.running()) {
            out.add(PidboxCodec.requestInfo(
                    r.message(), state.hostname(), r.started().toEpochMilli() / 1000.0, false, state.pid(), safe));
        }
        return out;
    }

    /** Messages this node took and has not started: a finish takes the next one along just before it runs. */
    private ArrayNode reserved() {
        Set<String> running = runningIds();
        ArrayNode out = NODES.arrayNode();
        for (CeleryMessage m : taken()) {
            if (!running.contains(m.taskId())) {
                out.add(PidboxCodec.requestInfo(m, state.hostname(), null, false, null, false));
            }
        }
        return out;
    }

    private List<CeleryMessage> taken() {
        List<CeleryMessage> out = new ArrayList<>();
        for (String raw : reads.processing(clipflow.nodeName())) {
            try {
                out.add(codec.decode(raw));
            } catch (CeleryDecodeException e) {
                // an undecodable message is dead-lettered by whoever took it
            }
        }
        return out;
    }

    /**
     * ETA and retry messages waiting in {@code clipflow:delayed} for the queues this node consumes. The set is shared:
     * every node consuming a queue lists its delayed messages, and whichever is free when one is due runs it.
     */
    private ArrayNode scheduled() {
        ArrayNode out = NODES.arrayNode();
        String head = keys.queue("");
        for (PidboxReads.Delayed d : reads.delayed(DELAYED_READ)) {
            if (out.size() >= SCHEDULED_MAX) {
                break;
            }
            String list = d.listKey().startsWith(head) ? d.listKey().substring(head.length()) : d.listKey();
            if (!node.isConsuming(Kombu.queueOfList(list))) {
                continue;
            }
            CeleryMessage m;
            try {
                m = codec.decode(d.raw());
            } catch (CeleryDecodeException e) {
                continue;
            }
            JsonNode eta = m.header("eta");
            out.add(PidboxCodec.scheduled(
                    eta.isTextual()
                            ? eta.textValue()
                            : PythonJson.isoformat(d.due().atOffset(ZoneOffset.UTC)),
                    m.priority(),
                    PidboxCodec.requestInfo(m, state.hostname(), null, false, null, false)));
        }
        return out;
    }

    /** The tasks of the routes consuming here, as Celery lists them ({@code name [rate_limit=…]} when one is set). */
    private ArrayNode registered() {
        Set<String> names = new TreeSet<>();
        registry.all().values().stream()
                .filter(e -> e.routeId() != null && node.isConsuming(e.queue()))
                .forEach(e -> names.add(e.task()));
        ArrayNode out = NODES.arrayNode();
        for (String name : names) {
            String rate = rateLimits.of(name);
            out.add(rate == null ? name : name + " [rate_limit=" + rate + "]");
        }
        return out;
    }

    private ObjectNode stats() {
        ObjectNode out = NODES.objectNode();
        out.set("total", json.valueToTree(state.totals()));
        out.put("pid", state.pid());
        out.put("clock", Long.toString(state.clock().value()));
        out.put("uptime", state.uptime().toSeconds());
        Map<String, Integer> threads = new TreeMap<>(supervisor.concurrency());
        int total = threads.values().stream().mapToInt(Integer::intValue).sum();
        ObjectNode pool = out.putObject("pool");
        pool.put("max-concurrency", total);
        pool.putArray("processes").add(state.pid());
        pool.putNull("max-tasks-per-child");
        pool.put("put-guarded-by-semaphore", false);
        pool.putArray("timeouts");
        // Clipflow's own: one pool of worker threads per queue
        pool.set("queues", json.valueToTree(threads));
        // the most each may grow to (clipflow.queues.<queue>.max-concurrency)
        pool.set("ceilings", json.valueToTree(node.ceilings()));
        out.set("broker", json.valueToTree(broker()));
        // no prefetch: each worker thread takes a message only when it is free
        out.put("prefetch_count", total);
        out.set("rusage", json.valueToTree(ProcessUsage.read()));
        return out;
    }

    private Map<String, Object> broker() {
        Map<String, Object> b = new LinkedHashMap<>();
        String host = "127.0.0.1";
        int port = 6379;
        boolean ssl = false;
        if (connections instanceof LettuceConnectionFactory lettuce) {
            host = lettuce.getHostName();
            port = lettuce.getPort();
            ssl = lettuce.isUseSsl();
        }
        b.put("hostname", host);
        b.put("userid", null);
        b.put("virtual_host", Integer.toString(state.database()));
        b.put("port", port);
        b.put("insist", false);
        b.put("ssl", ssl);
        b.put("transport", "redis");
        b.put("connect_timeout", 4);
        b.put("transport_options", transportOptions());
        b.put("login_method", null);
        b.put("uri_prefix", null);
        b.put("heartbeat", 0.0);
        b.put("failover_strategy", "round-robin");
        b.put("alternates", List.of());
        return b;
    }

    private Map<String, Object> transportOptions() {
        return keys.prefix().isEmpty() ? Map.of() : Map.of("global_keyprefix", keys.prefix());
    }

    private ArrayNode revoked() {
        ArrayNode out = NODES.arrayNode();
        reads.revoked(clock.instant(), REVOKED_MAX).forEach(r -> out.add(r.taskId()));
        return out;
    }

    private ArrayNode activeQueues() {
        ArrayNode out = NODES.arrayNode();
        new TreeSet<>(supervisor.concurrency().keySet()).forEach(q -> out.add(PidboxCodec.queueInfo(q)));
        return out;
    }

    /** The settings a Celery worker would show for what this node does, by Celery's names; no secret. */
    private Map<String, Object> conf() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("broker_url", brokerUrl());
        c.put("result_backend", brokerUrl());
        if (!keys.prefix().isEmpty()) {
            c.put("broker_transport_options", transportOptions());
        }
        c.put("task_serializer", "json");
        c.put("result_serializer", "json");
        c.put("event_serializer", "json");
        c.put("accept_content", List.of("json"));
        c.put("result_extended", results.extended());
        c.put("result_expires", results.expires().toSeconds());
        c.put("task_acks_late", true);
        c.put("worker_prefetch_multiplier", 1);
        c.put(
                "worker_concurrency",
                supervisor.concurrency().values().stream()
                        .mapToInt(Integer::intValue)
                        .sum());
        c.put("worker_send_task_events", events.taskEventsEnabled());
        c.put("task_send_sent_event", events.sentEventsEnabled());
        c.put("task_default_queue", "celery");
        Map<String, Object> routes = new TreeMap<>();
        registry.all().values().forEach(e -> routes.put(e.task(), Map.of("queue", e.queue())));
        c.put("task_routes", routes);
        return c;
    }

    /** The broker as Celery's {@code maybe_sanitize_url} shows it: the password masked. */
    private String brokerUrl() {
        String host = "127.0.0.1";
        int port = 6379;
        boolean password = false;
        if (connections instanceof LettuceConnectionFactory lettuce) {
            host = lettuce.getHostName();
            port = lettuce.getPort();
            password = lettuce.getPassword() != null && !lettuce.getPassword().isEmpty();
        }
        return "redis://" + (password ? ":**@" : "") + host + ":" + port + "/" + state.database();
    }

    private String report() {
        StringBuilder out = new StringBuilder("\n");
        out.append("software -> clipflow (Celery protocol 2, kombu Redis transport) java:")
                .append(System.getProperty("java.version"))
                .append('\n');
        out.append("platform -> system:")
                .append(System.getProperty("os.name"))
                .append(" arch:")
                .append(System.getProperty("os.arch"))
                .append("\n            kernel version:")
                .append(System.getProperty("os.version"))
                .append(" imp:")
                .append(System.getProperty("java.vm.name"))
                .append('\n');
        out.append("loader   -> Camel routes (celery: consumers)\n");
        out.append("settings -> transport:redis results:").append(brokerUrl()).append("\n\n");
        conf().forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
        return out.toString();
    }

    private ObjectNode queryTask(List<String> ids) {
        Set<String> wanted = new HashSet<>(ids);
        ObjectNode out = NODES.objectNode();
        for (TaskSupervisor.Running r : supervisor.running()) {
            if (wanted.contains(r.message().taskId())) {
                ArrayNode entry = out.putArray(r.message().taskId());
                entry.add("active");
                entry.add(PidboxCodec.requestInfo(
                        r.message(), state.hostname(), r.started().toEpochMilli() / 1000.0, false, state.pid(), false));
            }
        }
        for (CeleryMessage m : taken()) {
            if (wanted.contains(m.taskId()) && !out.has(m.taskId())) {
                ArrayNode entry = out.putArray(m.taskId());
                entry.add("reserved");
                entry.add(PidboxCodec.requestInfo(m, state.hostname(), null, false, null, false));
            }
        }
        return out;
    }

    /**
     * Mingle's {@code hello}, which a Python worker sends every node when it starts: take in its revocations and
     * answer with ours (id → when revoked, in seconds) and our clock. Not answered to oneself, as Celery does.
     */
    private JsonNode hello(ObjectNode args) {
        if (state.hostname().equals(text(args.path("from_node")))) {
            return NODES.nullNode();
        }
        Duration ttl = delivery.revokedTtl();
        args.path("revoked").fields().forEachRemaining(entry -> {
            JsonNode inserted = entry.getValue().isArray() ? entry.getValue().get(0) : entry.getValue();
            if (inserted != null && inserted.isNumber()) {
                Instant at = Instant.ofEpochMilli(Math.round(inserted.asDouble() * 1000));
                queue.revoke(entry.getKey(), at.plus(ttl));
            }
        });
        ObjectNode out = NODES.objectNode();
        ObjectNode revoked = out.putObject("revoked");
        for (PidboxReads.Revocation r : reads.revoked(clock.instant(), REVOKED_MAX)) {
            revoked.put(r.taskId(), r.until().minus(ttl).toEpochMilli() / 1000.0);
        }
        out.put("clock", state.clock().forward());
        return out;
    }

    /** Celery's {@code sample_mem}: the process's resident size, human-readable. */
    private static String memsample() {
        Object rss = 0;
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            rss = Runtime.getRuntime().totalMemory() / 1024;
        }
        return String.format(java.util.Locale.ROOT, "%.2fMB", ((Number) rss).longValue() / 1024.0);
    }

    // -- control

    /**
     * Revokes the tasks everywhere ({@code clipflow:revoked}: a node that takes one ends it REVOKED without running
     * it) and, with {@code terminate}, stops those running here with the signal (TERM, the default, or KILL).
     */
    private ObjectNode revoke(List<String> ids, boolean terminate, String signal) {
        Instant until = clock.instant().plus(delivery.revokedTtl());
        for (String id : ids) {
            queue.revoke(id, until);
        }
        if (!terminate) {
            return PidboxCodec.ok("tasks " + String.join(", ", ids) + " flagged as revoked");
        }
        int signum = signum(signal);
        List<String> terminated = new ArrayList<>();
        for (String id : ids) {
            events.terminating(id, signum);
            if (supervisor.terminate(id, signum == 9)) {
                terminated.add(id);
            } else {
                events.terminating(id, null);
            }
        }
        if (terminated.isEmpty()) {
            return PidboxCodec.ok("terminate: tasks unknown");
        }
        return PidboxCodec.ok("terminate: " + String.join(", ", terminated));
    }

    /** Celery's {@code signals.signum}: a name with or without {@code SIG}, or a number; Clipflow sends TERM or KILL. */
    static int signum(String signal) {
        if (signal == null || signal.isBlank()) {
            return 15;
        }
        String s = signal.trim().toUpperCase(java.util.Locale.ROOT);
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        return switch (s) {
            case "TERM", "15" -> 15;
            case "KILL", "9" -> 9;
            default -> throw new PythonError(
                    "ValueError", "signal " + signal + " is not one Clipflow stops a task with (TERM or KILL)");
        };
    }

    private ObjectNode addConsumer(String queueName) {
        if (queueName == null || !consumers.add(queueName)) {
            return PidboxCodec.error("no route consumes celery:" + queueName + " on this node");
        }
        return PidboxCodec.ok("add consumer " + queueName);
    }

    private ObjectNode cancelConsumer(String queueName) {
        if (queueName == null || !consumers.cancel(queueName)) {
            return PidboxCodec.error("no route consumes celery:" + queueName + " on this node");
        }
        return PidboxCodec.ok("no longer consuming from " + queueName);
    }

    /**
     * {@code pool_grow} / {@code pool_shrink} by {@code n} (default 1): Clipflow has one pool of worker threads per
     * queue, so {@code queue} names one; without it every queue consumed here grows or shrinks by {@code n}, never
     * below one thread and never above the queue's ceiling ({@code clipflow.queues.<queue>.max-concurrency}). A grow
     * past a ceiling grows to it and says so; one where every pool is at its ceiling is refused.
     */
    private ObjectNode pool(ObjectNode args, int sign) {
        int n = ControlArguments.count(args.path("n"));
        String queueName = ControlArguments.queue(args.path("queue"), false);
        Set<String> queues =
                queueName == null ? new TreeSet<>(supervisor.concurrency().keySet()) : Set.of(queueName);
        List<CeleryNode.Resize> done = new ArrayList<>();
        for (String q : queues) {
            CeleryNode.Resize r = node.resize(q, sign * n);
            if (r != null) {
                done.add(r);
            }
        }
        if (done.isEmpty()) {
            return PidboxCodec.error("no consumer of " + (queueName == null ? "any queue" : queueName) + " runs here");
        }
        if (sign < 0) {
            return PidboxCodec.ok("pool will shrink");
        }
        List<String> capped = done.stream()
                .filter(r -> r.capped(n))
                .map(r -> r.queue() + " " + r.ceiling())
                .toList();
        if (capped.isEmpty()) {
            return PidboxCodec.ok("pool will grow");
        }
        String ceilings = String.join(", ", capped) + " (clipflow.queues.<queue>.max-concurrency)";
        if (done.stream().allMatch(r -> r.after() == r.before())) {
            return PidboxCodec.error("pool is at its ceiling: " + ceilings);
        }
        return PidboxCodec.ok("pool will grow to its ceiling: " + ceilings);
    }

    private ObjectNode rateLimit(JsonNode taskName, JsonNode rate) {
        String text;
        try {
            text = ControlArguments.rate(rate);
        } catch (TaskRateLimits.InvalidRate e) {
            return PidboxCodec.error("Invalid rate limit string: "
                    + PidboxCodec.raised("ValueError", e.getMessage())
                            .path("error")
                            .asText());
        } catch (ControlArguments.Refused e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new PythonError("KeyError", e.getMessage());
        }
        String task = ControlArguments.task(taskName);
        if (!runsHere(task)) {
            return PidboxCodec.error("unknown task");
        }
        return PidboxCodec.ok(
                rateLimits.set(task, text) ? "new rate limit set successfully" : "rate limit disabled successfully");
    }

    private ObjectNode timeLimit(JsonNode taskName, JsonNode soft, JsonNode hard) {
        String task = ControlArguments.task(taskName);
        if (!runsHere(task)) {
            return PidboxCodec.error("unknown task");
        }
        ControlArguments.TimeLimits limits = ControlArguments.timeLimits(soft, hard);
        supervisor.timeLimits(task, limits.soft(), limits.hard());
        return PidboxCodec.ok("time limits set successfully");
    }

    private boolean runsHere(String task) {
        return registry.find(task).map(e -> e.routeId() != null).orElse(false);
    }

    /** As SIGTERM does: the Spring context closes (consumers hand back unfinished tasks), then the JVM exits. */
    private ObjectNode shutdown(String message) {
        log.warn(message == null ? "Got shutdown from remote" : message);
        Thread exit = new Thread(() -> System.exit(SpringApplication.exit(context, () -> 0)), "celery-shutdown");
        exit.start();
        return PidboxCodec.ok("shutting down");
    }

    private Set<String> runningIds() {
        Set<String> ids = new HashSet<>();
        supervisor.running().forEach(r -> ids.add(r.message().taskId()));
        return ids;
    }

    /** A Python argument that may be one string or a list of them ({@code maybe_list}). */
    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (node.isTextual()) {
            out.add(node.textValue());
        }
        return out;
    }

    private static String text(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : node.asText();
    }
}
