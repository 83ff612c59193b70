package io.clipflow.queue;

import static io.clipflow.testsupport.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.config.RedisKeys;
import io.clipflow.security.Role;
import io.clipflow.security.TokenService;
import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.Clips;
import io.clipflow.testsupport.PythonCelery;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Python Celery 5.2 and Clipflow share queues and results: Python clients drive Clipflow tasks, Clipflow drives a real
 * Python worker, chains cross in both directions, and kombu decodes Clipflow's messages. Runs without a key prefix on
 * Redis DB 10, as Celery's result backend has no global prefix.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class CeleryInteropIT {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path py;

    static Process worker;

    @Autowired
    Environment env;

    @Autowired
    CamelContext camel;

    @Autowired
    ReliableQueue queue;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisKeys keys;

    @Autowired
    CeleryMessageCodec codec;

    ApiClient alice;

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokens;

    /**
     * Not IntegrationTestBase: that gives every context a random key prefix, and Celery 5.2's result backend has no
     * global key prefix, so Python would not find the results. A Redis database of its own isolates it instead.
     */
    @DynamicPropertySource
    static void sharedWithPython(DynamicPropertyRegistry registry) throws java.io.IOException {
        Path dataDir = java.nio.file.Files.createTempDirectory("clipflow-interop");
        registry.add("clipflow.data-dir", dataDir::toString);
        registry.add("clipflow.node-name", () -> "interop-node");
        registry.add("spring.data.redis.url", () -> "redis://127.0.0.1:6379/10");
        registry.add("clipflow.redis.key-prefix", () -> "");
        for (String task : List.of("tasks.add", "tasks.fail", "tasks.record")) {
            registry.add("clipflow.tasks[" + task + "].queue", () -> "python");
        }
    }

    @BeforeAll
    static void python() throws Exception {
        PythonCelery.assumeInstalled();
        try {
            new ProcessBuilder("redis-cli", "-n", "10", "flushdb").start().waitFor(10, TimeUnit.SECONDS);
        } catch (java.io.IOException e) {
            // no redis-cli: the context will use an embedded Redis, which starts empty
        }
    }

    @AfterAll
    static void stopWorker() throws Exception {
        if (worker != null) {
            worker.destroy();
            if (!worker.waitFor(20, TimeUnit.SECONDS)) {
                worker.destroyForcibly();
            }
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        alice = newUser(Role.USER);
        if (worker == null) {
            worker = PythonCelery.startWorker(py, broker(), "python");
        }
    }

    ApiClient newUser(Role role) {
        String name = role.name().toLowerCase() + "-"
                + java.util.UUID.randomUUID().toString().substring(0, 8);
        var user = tokens.createUser(name, role);
        return new ApiClient(
                "http://127.0.0.1:" + port, tokens.issue(user.id(), "test").token(), user.id());
    }

    String broker() {
        return env.getProperty("spring.data.redis.url");
    }

    JsonNode python(String script) throws Exception {
        List<String> lines = PythonCelery.lines(PythonCelery.run(py, broker(), script));
        assertThat(lines).as("python printed a JSON line").isNotEmpty();
        return JSON.readTree(lines.get(lines.size() - 1));
    }

    @Test
    void pythonClientsDriveClipflowTasksAndReadTheirResults() throws Exception {
        long videoId = alice.upload(Clips.generate(py, "interop.mp4", 320, 240, 1, false))
                .json()
                .path("video")
                .path("id")
                .asLong();
        alice.awaitVideo(videoId, Duration.ofSeconds(60), "READY", "FAILED");
        JsonNode out = python(
                """
                import json, time, datetime
                from celery.exceptions import TaskRevokedError
                from tasks import app
                video = app.send_task('videos.tasks.process_video', args=[%d], queue='video').get(timeout=90)
                noop = app.send_task('clipflow.noop', args=['hi'], queue='celery').get(timeout=30)
                ping = app.send_task('clipflow.ping', queue='celery').get(timeout=30)
                t = time.time()
                later = app.send_task('clipflow.noop', args=['later'], queue='celery', countdown=3)
                later.get(timeout=30)
                waited = time.time() - t
                past = datetime.datetime.utcnow() - datetime.timedelta(seconds=5)
                expired = app.send_task('clipflow.noop', args=['never'], queue='celery', expires=past)
                try:
                    expired.get(timeout=30)
                    expired_state = 'RAN'
                except TaskRevokedError:
                    expired_state = expired.state
                print(json.dumps({'video': video, 'noop': noop, 'ping': ping, 'waited': waited,
                                  'expired': expired_state}))
                """
                        .formatted(videoId));
        assertThat(out.path("video").path("status").asText()).isEqualTo("READY");
        assertThat(out.path("video").path("video_id").asLong()).isEqualTo(videoId);
        assertThat(out.path("noop").asText()).isEqualTo("hi");
        assertThat(out.path("ping").asText()).isEqualTo("pong");
        assertThat(out.path("waited").asDouble()).isGreaterThanOrEqualTo(3.0);
        assertThat(out.path("expired").asText()).isEqualTo("REVOKED");
    }

    @Test
    void aPriorityMessageFromPythonJumpsTheQueue() throws Exception {
        camel.getRouteController().stopRoute("builtin-tasks");
        try {
            JsonNode out = python(
                    """
                    import json
                    from tasks import app
                    slow = [app.send_task('clipflow.noop', args=[i], queue='celery', priority=9).id for i in range(3)]
                    urgent = app.send_task('clipflow.noop', args=['urgent'], queue='celery', priority=0).id
                    print(json.dumps({'urgent': urgent, 'slow': slow}))
                    """);
            List<String> order = new ArrayList<>();
            List<String> taken = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String raw = queue.take("celery", "prio-probe", Duration.ofMillis(200))
                        .raw();
                taken.add(raw);
                order.add(codec.decode(raw).taskId());
            }
            for (String raw : taken) {
                queue.handBack("prio-probe", raw, queue.listKey("celery", 0), raw);
            }
            assertThat(order.get(0)).isEqualTo(out.path("urgent").asText());
            assertThat(order.subList(1, 4))
                    .containsExactlyElementsOf(List.of(
                            out.path("slow").get(0).asText(),
                            out.path("slow").get(1).asText(),
                            out.path("slow").get(2).asText()));
        } finally {
            camel.getRouteController().startRoute("builtin-tasks");
        }
    }

    @Test
    void clipflowDrivesAPythonWorkerAndReadsItsResults() {
        ApiClient.Reply sent = alice.postJson("/api/tasks", "{\"task\": \"tasks.add\", \"args\": [4, 5]}");
        assertThat(sent.status()).isEqualTo(202);
        assertThat(sent.json().path("queue").asText()).isEqualTo("python");
        JsonNode added =
                alice.awaitTask(sent.json().path("task_id").asText(), Duration.ofSeconds(60), "SUCCESS", "FAILURE");
        assertThat(added.path("state").asText()).isEqualTo("SUCCESS");
        assertThat(added.path("result").asInt()).isEqualTo(9);

        String failing = alice.postJson("/api/tasks", "{\"task\": \"tasks.fail\"}")
                .json()
                .path("task_id")
                .asText();
        JsonNode failed = alice.awaitTask(failing, Duration.ofSeconds(60), "FAILURE", "SUCCESS");
        assertThat(failed.path("state").asText()).isEqualTo("FAILURE");
        assertThat(failed.path("result").path("exc_type").asText()).isEqualTo("ValueError");
        assertThat(failed.path("result").path("exc_message").toString()).contains("boom from python");

        ApiClient.Reply unknown = alice.postJson("/api/tasks", "{\"task\": \"tasks.nope\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("error").asText()).isEqualTo("unknown task");
    }

    @Test
    void chainsCrossLanguagesBothWaysWithRightRootAndParentIds() throws Exception {
        JsonNode out = python(
                """
                import json
                from celery import chain
                from tasks import app
                first = chain(app.signature('clipflow.noop', args=['x'], queue='celery'),
                              app.signature('tasks.record', args=['y'], queue='python')).apply_async()
                recorded = first.get(timeout=60)
                second = chain(app.signature('tasks.add', args=[1, 2], queue='python'),
                               app.signature('clipflow.noop', queue='celery')).apply_async()
                value = second.get(timeout=60)
                meta = app.backend.get_task_meta(second.id)
                print(json.dumps({'recorded': recorded, 'first_parent': first.parent.id, 'value': value,
                                  'second_parent': second.parent.id, 'meta_parent': meta.get('parent_id'),
                                  'meta_name': meta.get('name')}))
                """);
        JsonNode recorded = out.path("recorded");
        assertThat(recorded.path("args").toString()).isEqualTo("[\"x\",\"y\"]");
        assertThat(recorded.path("parent_id").asText())
                .isEqualTo(out.path("first_parent").asText());
        assertThat(recorded.path("root_id").asText())
                .isEqualTo(out.path("first_parent").asText());
        assertThat(out.path("value").asInt()).isEqualTo(3);
        assertThat(out.path("meta_parent").asText())
                .isEqualTo(out.path("second_parent").asText());
        assertThat(out.path("meta_name").asText()).isEqualTo("clipflow.noop");
    }

    @Test
    void callbacksAndErrbacksFromPythonSignaturesAreSentByClipflow() throws Exception {
        JsonNode out = python(
                """
                import json, uuid
                from tasks import app
                cb, eb = str(uuid.uuid4()), str(uuid.uuid4())
                ok = app.send_task('clipflow.noop', args=['cb'], queue='celery',
                                   link=app.signature('tasks.record', queue='python', task_id=cb))
                bad = app.send_task('clipflow.test.fails_until', kwargs={'runs': 100}, queue='delivery-test',
                                    link_error=app.signature('tasks.record', queue='python', task_id=eb))
                print(json.dumps({'ok': ok.id, 'bad': bad.id, 'callback': app.AsyncResult(cb).get(timeout=60),
                                  'errback': app.AsyncResult(eb).get(timeout=60)}))
                """);
        assertThat(out.path("callback").path("args").toString()).isEqualTo("[\"cb\"]");
        assertThat(out.path("callback").path("parent_id").asText())
                .isEqualTo(out.path("ok").asText());
        assertThat(out.path("errback").path("args").toString())
                .isEqualTo("[\"" + out.path("bad").asText() + "\"]");
    }

    @Test
    void groupResultsAreSharedBothWays() throws Exception {
        JsonNode out = python(
                """
                import json
                from celery import group
                from tasks import app
                g = group(app.signature('clipflow.noop', args=[1], queue='celery'),
                          app.signature('clipflow.noop', args=[2], queue='celery')).apply_async()
                g.save()
                print(json.dumps({'id': g.id, 'results': g.get(timeout=30)}))
                """);
        assertThat(out.path("results").toString()).isEqualTo("[1,2]");
        ApiClient admin = newUser(Role.ADMIN);
        JsonNode group = admin.get("/api/groups/" + out.path("id").asText()).json();
        assertThat(group.path("completed").asInt()).isEqualTo(2);
        assertThat(group.path("ready").asBoolean()).isTrue();

        ApiClient.Reply sent = alice.postJson(
                "/api/groups",
                "{\"tasks\": [{\"task\": \"tasks.add\", \"args\": [1, 1]},"
                        + " {\"task\": \"clipflow.noop\", \"args\": [\"j\"]}]}");
        assertThat(sent.status()).isEqualTo(202);
        String groupId = sent.json().path("group_id").asText();
        JsonNode restored = python(
                """
                import json
                from celery.result import GroupResult
                from tasks import app
                print(json.dumps(GroupResult.restore('%s', app=app).get(timeout=60)))
                """
                        .formatted(groupId));
        assertThat(restored.toString()).isEqualTo("[2,\"j\"]");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() ->
                        alice.get("/api/groups/" + groupId).json().path("ready").asBoolean());
    }

    @Test
    void kombuDecodesClipflowMessagesWithItsOwnTransportCode() throws Exception {
        CeleryMessage message = aTask("tasks.add")
                .withArgs(2, 3)
                .withKwarg("unit", "é")
                .on("kombu-check")
                .withPriority(0)
                .message();
        queue.publish("kombu-check", 0, codec.encode(message));
        JsonNode out = python(
                """
                import json, os
                from kombu import Connection
                with Connection(os.environ['BROKER']) as conn:
                    q = conn.SimpleQueue('kombu-check', no_ack=True)
                    m = q.get(timeout=10)
                    args, kwargs, embed = m.decode()
                    print(json.dumps({'task': m.headers['task'], 'id': m.headers['id'], 'args': args,
                                      'kwargs': kwargs, 'embed': embed, 'routing_key': m.delivery_info['routing_key']}))
                """);
        assertThat(out.path("task").asText()).isEqualTo("tasks.add");
        assertThat(out.path("id").asText()).isEqualTo(message.taskId());
        assertThat(out.path("args").toString()).isEqualTo("[2,3]");
        assertThat(out.path("kwargs").path("unit").asText()).isEqualTo("é");
        assertThat(out.path("embed").has("chain")).isTrue();
        assertThat(out.path("routing_key").asText()).isEqualTo("kombu-check");
        assertThat(redis.hasKey(keys.queue("kombu-check"))).isFalse();
    }
}
