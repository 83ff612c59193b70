package io.clipflow.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipflow.celery.TaskCall;
import io.clipflow.celery.TaskOptions;
import io.clipflow.config.RedisKeys;
import io.clipflow.delivery.DeliveryTestTasks;
import io.clipflow.security.Role;
import io.clipflow.task.TaskTracker;
import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.CeleryFleet;
import io.clipflow.testsupport.Clips;
import io.clipflow.testsupport.IntegrationTestBase;
import io.clipflow.testsupport.PidboxClient;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Celery's own tools (Debian's Celery 5.2.6: the {@code celery} CLI, {@code EventReceiver}, a Python worker) against a
 * real Clipflow node and a real Python worker on one Redis database and key prefix: remote control on
 * {@code celery.pidbox}, the answers on {@code reply.celery.pidbox}, and the events on {@code celeryev}.
 */
class CeleryRemoteControlIT extends IntegrationTestBase {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String PY = "py@fleet";

    static Path dir;
    static CeleryFleet fleet;
    static Process pythonWorker;

    @Autowired
    Environment env;

    @Autowired
    CeleryWorkerState state;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    CamelContext camel;

    @Autowired
    DeliveryTestTasks tasks;

    @Autowired
    TaskTracker tracker;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisKeys keys;

    @DynamicPropertySource
    static void sentEvents(DynamicPropertyRegistry registry) {
        registry.add("clipflow.celery.events.sent", () -> "true");
    }

    @BeforeEach
    void fleet() throws Exception {
        if (fleet == null) {
            dir = Files.createTempDirectory("celery-fleet");
            fleet = new CeleryFleet(
                    dir, env.getProperty("spring.data.redis.url"), env.getProperty("clipflow.redis.key-prefix"));
            pythonWorker = fleet.startWorker(PY, "fleet-py");
            Awaitility.await().atMost(WAIT).until(() -> fleet.celeryAnyExit("inspect", "ping", "-d", PY)
                    .contains("pong"));
        }
    }

    @AfterEach
    void consumingAgain() throws Exception {
        if (!camel.getRouteController().getRouteStatus("delivery-test").isStarted()) {
            camel.getRouteController().startRoute("delivery-test");
        }
    }

    @AfterAll
    static void stopFleet() {
        if (fleet != null) {
            fleet.close();
        }
    }

    String node() {
        return state.hostname();
    }

    String send(String task, List<?> args, Map<String, ?> kwargs) {
        return producer.requestBody(
                "celery:delivery-test", new TaskCall(null, task, args, kwargs, TaskOptions.none()), String.class);
    }

    String awaitStatus(String taskId, String... states) {
        String[] last = new String[1];
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            last[0] = tracker.result(taskId).map(r -> r.status()).orElse(null);
            return last[0] != null && List.of(states).contains(last[0]);
        });
        return last[0];
    }

    void awaitRunning(String taskId) {
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> !tasks.runs(taskId)
                .isEmpty());
    }

    @Test
    void pingAndRegisteredAnswerFromBothSidesOfAMixedFleet() {
        JsonNode ping = fleet.json("inspect", "ping");
        assertThat(ping.path(node()).path("ok").asText()).isEqualTo("pong");
        assertThat(ping.path(PY).path("ok").asText()).isEqualTo("pong");

        JsonNode registered = fleet.json("inspect", "registered");
        assertThat(registered.path(node()))
                .extracting(JsonNode::asText)
                .contains("videos.tasks.process_video", "clipflow.noop", "clipflow.ping", "clipflow.test.echo")
                .doesNotContain("fleet.add");
        assertThat(registered.path(PY)).extracting(JsonNode::asText).contains("fleet.add", "fleet.sleep");

        // the plain CLI output a person reads lists both nodes
        String human = fleet.celery("inspect", "ping");
        assertThat(human).contains("->  " + node() + ": OK", "->  " + PY + ": OK", "2 nodes online.");
    }

    @Test
    void onlyTheNamedNodeAnswersACommandWithADestination() {
        JsonNode toClipflow = fleet.json("inspect", "ping", "-d", node());
        assertThat(toClipflow.fieldNames()).toIterable().containsExactly(node());
        JsonNode toPython = fleet.json("inspect", "ping", "-d", PY);
        assertThat(toPython.fieldNames()).toIterable().containsExactly(PY);
        JsonNode byPattern = fleet.python(
                """
                import json
                from fleet import app
                print(json.dumps(app.control.inspect(timeout=1, pattern='celery@*', matcher='glob').ping() or {}))
                """);
        assertThat(byPattern.fieldNames()).toIterable().containsExactly(node());
    }

    @Test
    void anUnknownCommandGetsTheErrorAPythonWorkerGives() {
        JsonNode replies = fleet.python(
                """
                import json
                from fleet import app
                replies = app.control.broadcast('no_such_command', reply=True, timeout=1)
                print(json.dumps({k: v for r in replies for k, v in r.items()}))
                """);
        assertThat(replies.path(node()).path("error").asText()).isEqualTo("KeyError('no_such_command')");
        assertThat(replies.path(node())).isEqualTo(replies.path(PY));
    }

    @Test
    void inspectActiveShowsARunningTranscodeWithItsTaskIdAndArgs() throws Exception {
        ApiClient alice = newUser(Role.USER);
        Path clip = Clips.generate(dir, "active.mp4", 1280, 720, 3, true);
        String host = node();
        CompletableFuture<JsonNode> seen = CompletableFuture.supplyAsync(() -> fleet.python(
                """
                import json, time
                from fleet import app
                deadline = time.time() + 90
                while time.time() < deadline:
                    replies = app.control.inspect(timeout=0.4, destination=['%s']).active() or {}
                    for task in replies.get('%s', []):
                        if task['name'] == 'videos.tasks.process_video':
                            print(json.dumps(task))
                            raise SystemExit(0)
                print(json.dumps({'seen': False}))
                """
                        .formatted(host, host)));
        long videoId = alice.upload(clip).json().path("video").path("id").asLong();
        JsonNode active = seen.get();
        JsonNode video = alice.awaitVideo(videoId, WAIT, "READY", "FAILED");
        assertThat(active.path("args").get(0).asLong()).isEqualTo(videoId);
        assertThat(active.path("id").asText()).isEqualTo(video.path("task_id").asText());
        assertThat(active.path("hostname").asText()).isEqualTo(host);
        assertThat(active.path("time_start").asDouble()).isPositive();
        assertThat(active.path("worker_pid").asLong())
                .isEqualTo(ProcessHandle.current().pid());
        assertThat(active.path("delivery_info").path("routing_key").asText()).isEqualTo("video");
    }

    @Test
    void revokeWithTerminateStopsARunningFfmpegTaskWhichEndsRevoked() {
        CeleryFleet.Capture events = fleet.startCapture("revoke-events");
        fleet.celery("control", "enable_events", "-d", node());
        try {
            String byCli = send("clipflow.test.ffmpeg_sleep", List.of(), Map.of("seconds", 30, "marker", "cli"));
            String byApi = send("clipflow.test.ffmpeg_sleep", List.of(), Map.of("seconds", 30, "marker", "api"));
            awaitRunning(byCli);
            awaitRunning(byApi);
            // Celery 5.2's CLI spells revoke --terminate as "terminate <signal> <id>"
            JsonNode reply = fleet.json("control", "terminate", "SIGTERM", byCli, "-d", node());
            assertThat(reply.get(0).path(node()).path("ok").asText()).isEqualTo("terminate: " + byCli);
            // AsyncResult.revoke(terminate=True), as Flower's terminate button sends it: a cast, no reply
            fleet.python(
                    """
                    import json
                    from fleet import app
                    app.AsyncResult('%s').revoke(terminate=True, signal='SIGKILL')
                    print(json.dumps({'sent': True}))
                    """
                            .formatted(byApi));
            assertThat(awaitStatus(byCli, "REVOKED", "FAILURE", "SUCCESS")).isEqualTo("REVOKED");
            assertThat(awaitStatus(byApi, "REVOKED", "FAILURE", "SUCCESS")).isEqualTo("REVOKED");
            Awaitility.await().atMost(WAIT).untilAsserted(() -> {
                assertThat(events.typesOf(byCli)).endsWith("task-revoked");
                assertThat(events.typesOf(byApi)).endsWith("task-revoked");
            });
            JsonNode revokedCli = events.ofTask(byCli).get(events.ofTask(byCli).size() - 1);
            assertThat(revokedCli.path("terminated").asBoolean()).isTrue();
            assertThat(revokedCli.path("signum").asInt()).isEqualTo(15);
            assertThat(revokedCli.path("_state").asText()).isEqualTo("REVOKED");
            JsonNode revokedApi = events.ofTask(byApi).get(events.ofTask(byApi).size() - 1);
            assertThat(revokedApi.path("signum").asInt()).isEqualTo(9);
            assertThat(fleet.json("inspect", "revoked", "-d", node()).path(node()))
                    .extracting(JsonNode::asText)
                    .contains(byCli, byApi);
        } finally {
            fleet.celery("control", "disable_events", "-d", node());
        }
    }

    @Test
    void inspectScheduledListsAClipflowEtaTaskAndARevokedOneNeverRuns() {
        JsonNode sent = fleet.python(
                """
                import json
                from fleet import app
                r = app.send_task('clipflow.test.echo', args=['later'], queue='delivery-test', countdown=8)
                print(json.dumps({'id': r.id}))
                """);
        String id = sent.path("id").asText();
        JsonNode[] entry = new JsonNode[1];
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
            for (JsonNode e : fleet.json("inspect", "scheduled", "-d", node()).path(node())) {
                if (e.path("request").path("id").asText().equals(id)) {
                    entry[0] = e;
                    return true;
                }
            }
            return false;
        });
        assertThat(entry[0].path("eta").asText()).isNotEmpty();
        assertThat(Instant.parse(entry[0].path("eta").asText().replace("+00:00", "Z")))
                .isAfter(Instant.now());
        assertThat(entry[0].path("request").path("name").asText()).isEqualTo("clipflow.test.echo");
        assertThat(entry[0].path("request").path("args").get(0).asText()).isEqualTo("later");

        // to every node: the Python worker flags it too
        JsonNode replies = byNode(fleet.json("control", "revoke", id));
        assertThat(replies.path(node()).path("ok").asText()).isEqualTo("tasks " + id + " flagged as revoked");
        assertThat(replies.path(PY).path("ok").asText()).isEqualTo("tasks " + id + " flagged as revoked");
        assertThat(awaitStatus(id, "REVOKED", "SUCCESS")).isEqualTo("REVOKED");
        assertThat(tasks.runs(id)).isEmpty();
    }

    @Test
    void cancelConsumerStopsAQueueHandingBackItsTaskAndAddConsumerStartsItAgain() {
        CeleryFleet.Capture events = fleet.startCapture("consumer-events");
        fleet.celery("control", "enable_events", "-d", node());
        try {
            String running = send("clipflow.test.ffmpeg_sleep", List.of(), Map.of("seconds", 4, "marker", "consumer"));
            awaitRunning(running);
            JsonNode cancelled = fleet.json("control", "cancel_consumer", "delivery-test", "-d", node());
            assertThat(cancelled.get(0).path(node()).path("ok").asText())
                    .isEqualTo("no longer consuming from delivery-test");
            Awaitility.await().atMost(WAIT).until(() -> !camel.getRouteController()
                    .getRouteStatus("delivery-test")
                    .isStarted());
            assertThat(queueNames(fleet.json("inspect", "active_queues", "-d", node())))
                    .doesNotContain("delivery-test")
                    .contains("celery", "video");
            // the running task was handed back to its queue when the consumer stopped: task-rejected, requeued
            Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(events.typesOf(running))
                    .contains("task-rejected"));
            JsonNode rejected = events.ofTask(running).stream()
                    .filter(e -> e.path("type").asText().equals("task-rejected"))
                    .findFirst()
                    .orElseThrow();
            assertThat(rejected.path("requeue").asBoolean()).isTrue();

            String waiting = send("clipflow.test.echo", List.of("waits"), Map.of());
            Awaitility.await()
                    .during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> tasks.runs(waiting).isEmpty());

            JsonNode added = fleet.json("control", "add_consumer", "delivery-test", "-d", node());
            assertThat(added.get(0).path(node()).path("ok").asText()).isEqualTo("add consumer delivery-test");
            assertThat(awaitStatus(waiting, "SUCCESS")).isEqualTo("SUCCESS");
            assertThat(awaitStatus(running, "SUCCESS", "FAILURE")).isEqualTo("SUCCESS");
            assertThat(queueNames(fleet.json("inspect", "active_queues", "-d", node())))
                    .contains("delivery-test");
        } finally {
            fleet.celery("control", "disable_events", "-d", node());
        }
    }

    @Test
    void eventsReachEventReceiverAndCeleryEventsOnlyWhileEnabled() throws Exception {
        CeleryFleet.Capture events = fleet.startCapture("events");
        Path dump = fleet.startDump("events-dump");
        Awaitility.await().atMost(WAIT).until(() -> Files.readString(dump).contains("evdump: starting capture"));

        // disabled (the default): no task event
        String quiet = send("clipflow.test.echo", List.of("quiet"), Map.of());
        assertThat(awaitStatus(quiet, "SUCCESS")).isEqualTo("SUCCESS");

        JsonNode enabled = fleet.json("control", "enable_events", "-d", node());
        assertThat(enabled.get(0).path(node()).path("ok").asText()).isEqualTo("task events enabled");
        String loud = send("clipflow.test.echo", List.of("loud"), Map.of());
        String flaky = send("clipflow.test.flaky", List.of(), Map.of("fail_times", 9));
        assertThat(awaitStatus(loud, "SUCCESS")).isEqualTo("SUCCESS");
        assertThat(awaitStatus(flaky, "FAILURE")).isEqualTo("FAILURE");
        Awaitility.await().atMost(WAIT).untilAsserted(() -> {
            // task-sent leaves after the publish, as a Celery client sends it, so a worker may be quicker
            assertThat(events.typesOf(loud))
                    .containsExactlyInAnyOrder("task-sent", "task-received", "task-started", "task-succeeded");
            assertThat(events.typesOf(loud).stream().filter(t -> !t.equals("task-sent")))
                    .containsExactly("task-received", "task-started", "task-succeeded");
            assertThat(events.typesOf(flaky)).endsWith("task-failed");
        });
        List<JsonNode> ofLoud = events.ofTask(loud).stream()
                .filter(e -> !e.path("type").asText().equals("task-sent"))
                .toList();
        JsonNode received = ofLoud.get(0);
        assertThat(received.path("hostname").asText()).isEqualTo(node());
        assertThat(received.path("name").asText()).isEqualTo("clipflow.test.echo");
        assertThat(received.path("args").asText()).isEqualTo("['loud']");
        JsonNode succeeded = ofLoud.get(2);
        assertThat(succeeded.path("result").asText()).isEqualTo("'loud'");
        assertThat(succeeded.path("runtime").asDouble()).isPositive();
        assertThat(succeeded.path("_state").asText()).isEqualTo("SUCCESS");
        for (JsonNode e : ofLoud) {
            assertThat(e.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
            assertThat(e.has("utcoffset") && e.has("timestamp") && e.has("clock"))
                    .isTrue();
        }
        // the node's logical clock orders its events (a receiver replaces task-sent's clock with its own)
        assertThat(ofLoud.stream().map(e -> e.path("clock").asLong()).toList()).isSorted();
        // three retries then the failure, each retry received again when due
        List<String> flakyTypes = events.typesOf(flaky);
        assertThat(flakyTypes.stream().filter("task-retried"::equals)).hasSize(3);
        JsonNode failed = events.ofTask(flaky).get(flakyTypes.size() - 1);
        assertThat(failed.path("exception").asText()).startsWith("MediaException('flaky failure on attempt 4");
        assertThat(failed.path("traceback").asText()).contains("MediaException");
        assertThat(failed.path("_state").asText()).isEqualTo("FAILURE");

        // celery events --dump shows the same
        Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(Files.readString(dump))
                .contains(node() + " [")
                .contains("task succeeded: clipflow.test.echo(" + loud + ") args=['loud']")
                .contains("heartbeat: active="));

        JsonNode disabled = fleet.json("control", "disable_events", "-d", node());
        assertThat(disabled.get(0).path(node()).path("ok").asText()).isEqualTo("task events disabled");
        String after = send("clipflow.test.echo", List.of("after"), Map.of());
        assertThat(awaitStatus(after, "SUCCESS")).isEqualTo("SUCCESS");
        int heartbeatsBefore = events.from(node(), "worker-heartbeat").size();
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> events.from(node(), "worker-heartbeat").size() >= heartbeatsBefore + 2);
        assertThat(events.typesOf(quiet)).containsExactly("task-sent");
        // task-sent is its own switch (clipflow.celery.events.sent, on here), like Celery's task_send_sent_event
        assertThat(events.typesOf(after)).containsExactly("task-sent");

        // a worker-heartbeat every ~2 s, which keeps the node alive in celery.events.state (Flower's model)
        List<Double> beats = events.from(node(), "worker-heartbeat").stream()
                .map(e -> e.path("timestamp").asDouble())
                .toList();
        assertThat(beats).hasSizeGreaterThanOrEqualTo(3);
        List<Double> gaps = new ArrayList<>();
        for (int i = 1; i < beats.size(); i++) {
            gaps.add(beats.get(i) - beats.get(i - 1));
        }
        assertThat(gaps).allSatisfy(gap -> assertThat(gap).isLessThan(3.0));
        assertThat(gaps).anySatisfy(gap -> assertThat(gap).isBetween(1.5, 2.5));
        JsonNode beat = events.from(node(), "worker-heartbeat").get(0);
        assertThat(beat.path("freq").asDouble()).isEqualTo(2.0);
        assertThat(beat.path("loadavg")).hasSize(3);
        assertThat(beat.path("processed").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(beat.path("_alive").asBoolean()).isTrue();
    }

    @Test
    void poolGrowAndShrinkResizeAQueuesWorkerThreads() {
        JsonNode grown = fleet.python(
                """
                import json
                from fleet import app
                print(json.dumps(app.control.broadcast('pool_grow', arguments={'n': 2, 'queue': 'delivery-test'},
                                 destination=['%s'], reply=True)))
                """
                        .formatted(node()));
        assertThat(grown.get(0).path(node()).path("ok").asText()).isEqualTo("pool will grow");
        assertThat(poolOf("delivery-test")).isEqualTo(4);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(send("clipflow.test.ffmpeg_sleep", List.of(), Map.of("seconds", 3, "marker", "pool" + i)));
        }
        Awaitility.await()
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(300))
                .until(() -> fleet.json("inspect", "active", "-d", node())
                                .path(node())
                                .size()
                        == 4);
        ids.forEach(id -> assertThat(awaitStatus(id, "SUCCESS")).isEqualTo("SUCCESS"));

        JsonNode shrunk = fleet.python(
                """
                import json
                from fleet import app
                print(json.dumps(app.control.broadcast('pool_shrink', arguments={'n': 2, 'queue': 'delivery-test'},
                                 destination=['%s'], reply=True)))
                """
                        .formatted(node()));
        assertThat(shrunk.get(0).path(node()).path("ok").asText()).isEqualTo("pool will shrink");
        assertThat(poolOf("delivery-test")).isEqualTo(2);

        // the CLI's form: every queue of the node by n
        int video = poolOf("video");
        fleet.celery("control", "pool_grow", "1", "-d", node());
        assertThat(poolOf("video")).isEqualTo(video + 1);
        fleet.celery("control", "pool_shrink", "1", "-d", node());
        assertThat(poolOf("video")).isEqualTo(video);
        String after = send("clipflow.test.echo", List.of("after resize"), Map.of());
        assertThat(awaitStatus(after, "SUCCESS")).isEqualTo("SUCCESS");
    }

    @Test
    void poolGrowFiftyThousandGrowsEachQueueToItsCeilingAndTheNodeKeepsAnswering() {
        JsonNode poolBefore =
                fleet.json("inspect", "stats", "-d", node()).path(node()).path("pool");
        Map<String, Integer> sizes = ints(poolBefore.path("queues"));
        Map<String, Integer> ceilings = ints(poolBefore.path("ceilings"));
        assertThat(ceilings.keySet()).isEqualTo(sizes.keySet()).contains("delivery-test", "video");
        int perMachine = Math.min(8 * Runtime.getRuntime().availableProcessors(), 1024);
        assertThat(ceilings.get("delivery-test")).isEqualTo(Math.max(perMachine, sizes.get("delivery-test")));
        int growth = ceilings.keySet().stream()
                .mapToInt(q -> ceilings.get(q) - sizes.get(q))
                .sum();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        Map<String, Long> threadsOfQueue = workerThreads(ceilings.keySet());
        try {
            JsonNode grown = fleet.json("control", "pool_grow", "50000", "-d", node());
            assertThat(grown.get(0).path(node()).path("ok").asText())
                    .startsWith("pool will grow to its ceiling: ")
                    .contains("delivery-test " + ceilings.get("delivery-test"));
            // the CLI's own timeout: an answer within 1 s or "No nodes replied"
            assertThat(fleet.json("inspect", "ping", "-d", node(), "--timeout", "1")
                            .path(node())
                            .path("ok")
                            .asText())
                    .isEqualTo("pong");
            JsonNode pool =
                    fleet.json("inspect", "stats", "-d", node()).path(node()).path("pool");
            assertThat(ints(pool.path("queues"))).isEqualTo(ceilings);
            assertThat(ints(pool.path("ceilings"))).isEqualTo(ceilings);
            // the JVM has the threads the ceilings allow, not 50,000 more (a few for HTTP and the CLI's calls)
            assertThat(ManagementFactory.getThreadMXBean().getThreadCount())
                    .isLessThanOrEqualTo(threadsBefore + growth + 24);
            // each queue gained at most what its ceiling allows (other cached test contexts in this JVM have worker
            // threads of the same names, and do not change)
            Map<String, Long> workerThreads = workerThreads(ceilings.keySet());
            ceilings.forEach((q, ceiling) -> assertThat(workerThreads.get(q) - threadsOfQueue.get(q))
                    .as(q)
                    .isPositive()
                    .isLessThanOrEqualTo(ceiling - sizes.get(q)));

            JsonNode again = fleet.json("control", "pool_grow", "1", "-d", node());
            assertThat(again.get(0).path(node()).path("error").asText()).startsWith("pool is at its ceiling: ");
            String after = send("clipflow.test.echo", List.of("at the ceiling"), Map.of());
            assertThat(awaitStatus(after, "SUCCESS")).isEqualTo("SUCCESS");
        } finally {
            sizes.forEach((q, size) -> fleet.python(
                    """
                    import json
                    from fleet import app
                    print(json.dumps(app.control.broadcast('pool_shrink', arguments={'n': %d, 'queue': '%s'},
                                     destination=['%s'], reply=True)))
                    """
                            .formatted(ceilings.get(q) - size, q, node())));
        }
        assertThat(poolOf("delivery-test")).isEqualTo(sizes.get("delivery-test"));
    }

    @Test
    void aBurstOfTenThousandPingsIsCutToTheRateAndTheNodeStillWorksAndAnswers() {
        PidboxClient client = new PidboxClient(redis, keys, state.database(), node());
        long start = System.nanoTime();
        client.burst("ping", 10_000);
        String after = send("clipflow.test.echo", List.of("after the burst"), Map.of());
        assertThat(awaitStatus(after, "SUCCESS")).isEqualTo("SUCCESS");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fleet.celeryAnyExit(
                        "inspect", "ping", "-d", node())
                .contains("pong"));
        double seconds = (System.nanoTime() - start) / 1e9;
        // the bucket (clipflow.celery.control.max-rate, 100) lets in 100 at once and 100 a second after
        assertThat(client.waitingAnswers()).isBetween(100L, Math.round(100 + 100 * seconds) + 10);
    }

    /** Live worker threads by queue, from their names ({@code Camel (…) thread #n - celery-<queue>}). */
    private static Map<String, Long> workerThreads(java.util.Collection<String> queues) {
        Map<String, Long> out = new java.util.TreeMap<>();
        queues.forEach(q -> out.put(q, 0L));
        Thread.getAllStackTraces().keySet().forEach(t -> queues.stream()
                .filter(q -> t.getName().endsWith(" - celery-" + q))
                .forEach(q -> out.merge(q, 1L, Long::sum)));
        return out;
    }

    private static Map<String, Integer> ints(JsonNode object) {
        Map<String, Integer> out = new java.util.TreeMap<>();
        object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asInt()));
        return out;
    }

    @Test
    void rateLimitSpacesTaskStartsAndTimeLimitStopsALongTask() {
        JsonNode limited = fleet.json("control", "rate_limit", "clipflow.test.echo", "2/s", "-d", node());
        assertThat(limited.get(0).path(node()).path("ok").asText()).isEqualTo("new rate limit set successfully");
        assertThat(fleet.json("inspect", "registered", "-d", node()).path(node()))
                .extracting(JsonNode::asText)
                .contains("clipflow.test.echo [rate_limit=2/s]");
        try {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ids.add(send("clipflow.test.echo", List.of("limited" + i), Map.of()));
            }
            ids.forEach(id -> assertThat(awaitStatus(id, "SUCCESS")).isEqualTo("SUCCESS"));
            List<Instant> starts =
                    ids.stream().map(id -> tasks.runs(id).get(0)).sorted().toList();
            assertThat(Duration.between(starts.get(0), starts.get(3))).isGreaterThanOrEqualTo(Duration.ofMillis(1400));
        } finally {
            JsonNode off = fleet.json("control", "rate_limit", "clipflow.test.echo", "0", "-d", node());
            assertThat(off.get(0).path(node()).path("ok").asText()).isEqualTo("rate limit disabled successfully");
        }
        JsonNode unknown = fleet.json("control", "rate_limit", "no.such.task", "1/s", "-d", node());
        assertThat(unknown.get(0).path(node()).path("error").asText()).isEqualTo("unknown task");

        JsonNode timed = fleet.json("control", "time_limit", "clipflow.test.ffmpeg_sleep", "1", "5", "-d", node());
        assertThat(timed.get(0).path(node()).path("ok").asText()).isEqualTo("time limits set successfully");
        try {
            String slow = send("clipflow.test.ffmpeg_sleep", List.of(), Map.of("seconds", 20, "marker", "limit"));
            assertThat(awaitStatus(slow, "FAILURE", "SUCCESS")).isEqualTo("FAILURE");
            assertThat(tracker.result(slow)
                            .orElseThrow()
                            .result()
                            .path("exc_type")
                            .asText())
                    .isEqualTo("SoftTimeLimitExceeded");
        } finally {
            fleet.celery("control", "time_limit", "clipflow.test.ffmpeg_sleep", "0", "0", "-d", node());
        }
    }

    @Test
    void statsConfReportQueryTaskAndHelloAnswerAsCeleryDefinesThem() {
        String done = send("clipflow.test.echo", List.of("counted"), Map.of());
        assertThat(awaitStatus(done, "SUCCESS")).isEqualTo("SUCCESS");
        JsonNode stats = fleet.json("inspect", "stats", "-d", node()).path(node());
        assertThat(stats.path("total").path("clipflow.test.echo").asLong()).isPositive();
        assertThat(stats.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(stats.path("uptime").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(stats.path("pool").path("max-concurrency").asInt()).isPositive();
        assertThat(stats.path("pool").path("queues").path("delivery-test").asInt())
                .isEqualTo(2);
        assertThat(stats.path("broker").path("transport").asText()).isEqualTo("redis");
        assertThat(stats.path("rusage").path("utime").asDouble()).isPositive();
        assertThat(stats.path("rusage").path("maxrss").asLong()).isPositive();

        JsonNode conf = fleet.json("inspect", "conf", "-d", node()).path(node());
        assertThat(conf.path("broker_url").asText()).startsWith("redis://");
        assertThat(conf.path("broker_transport_options")
                        .path("global_keyprefix")
                        .asText())
                .isEqualTo(keys.prefix());
        assertThat(conf.path("task_routes").has("clipflow.test.echo")).isTrue();
        assertThat(fleet.json("inspect", "report", "-d", node())
                        .path(node())
                        .path("ok")
                        .asText())
                .contains("software -> clipflow", "settings -> transport:redis");

        String running = send("clipflow.test.ffmpeg_sleep", List.of(), Map.of("seconds", 3, "marker", "query"));
        awaitRunning(running);
        JsonNode query =
                fleet.json("inspect", "query_task", running, "-d", node()).path(node());
        assertThat(query.path(running).get(0).asText()).isEqualTo("active");
        assertThat(query.path(running).get(1).path("id").asText()).isEqualTo(running);
        assertThat(fleet.json("inspect", "reserved", "-d", node()).path(node())).isEmpty();
        assertThat(awaitStatus(running, "SUCCESS")).isEqualTo("SUCCESS");

        // mingle's hello, as a Python worker sends it when it starts: revocations go both ways
        JsonNode hello = fleet.python(
                """
                import json, time
                from fleet import app
                replies = app.control.inspect(timeout=1, destination=['%s']).hello('py@other',
                                                                                    {'revoked-in-python': time.time()})
                print(json.dumps(replies))
                """
                        .formatted(node()));
        assertThat(hello.path(node()).path("clock").asLong()).isPositive();
        assertThat(hello.path(node()).path("revoked").path("revoked-in-python").isDouble())
                .isTrue();
        assertThat(fleet.json("inspect", "revoked", "-d", node()).path(node()))
                .extracting(JsonNode::asText)
                .contains("revoked-in-python");
    }

    @Test
    void commandsThatChangeTheNodeNeedTheAllowListAndShutdownIsOffByDefault() {
        JsonNode reply = fleet.json("control", "shutdown", "-d", node());
        assertThat(reply.get(0).path(node()).path("error").asText())
                .isEqualTo("shutdown is not allowed on this node (clipflow.celery.control.allow)");
        assertThat(fleet.json("inspect", "ping", "-d", node())
                        .path(node())
                        .path("ok")
                        .asText())
                .isEqualTo("pong");
    }

    /** {@code control ... --json} prints one object per node that replied: merged into one by node. */
    private static JsonNode byNode(JsonNode replies) {
        com.fasterxml.jackson.databind.node.ObjectNode merged =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        replies.forEach(r -> merged.setAll((com.fasterxml.jackson.databind.node.ObjectNode) r));
        return merged;
    }

    private int poolOf(String queue) {
        return fleet.json("inspect", "stats", "-d", node())
                .path(node())
                .path("pool")
                .path("queues")
                .path(queue)
                .asInt();
    }

    private List<String> queueNames(JsonNode activeQueues) {
        List<String> names = new ArrayList<>();
        activeQueues.path(node()).forEach(q -> names.add(q.path("name").asText()));
        return names;
    }
}
