package io.clipflow.stage;

import static io.clipflow.task.TaskState.FAILURE;
import static io.clipflow.task.TaskState.REVOKED;
import static io.clipflow.task.TaskState.SUCCESS;
import static io.clipflow.testsupport.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipflow.celery.CeleryResult;
import io.clipflow.config.RedisKeys;
import io.clipflow.queue.ReliableQueue;
import io.clipflow.security.Role;
import io.clipflow.security.TokenService;
import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.EventClient;
import io.clipflow.testsupport.LocalLlm;
import io.clipflow.testsupport.PythonCelery;
import io.clipflow.testsupport.SseClient;
import io.clipflow.testsupport.TaskResults;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * LLM stages end to end against a real model: llama.cpp (node-llama-cpp) running the project's own tiny GGUF behind
 * the project's OpenAI-compatible server (tools/llm). Its text is meaningless, so these tests assert protocol and
 * behaviour: order, equality of texts and counts, retries, limits, who may see what. Runs without a key prefix on
 * Redis DB 11, so a Python Celery client shares queues and results with it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class StageLlmIT {

    static final Duration SOON = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();
    static final String REDIS = "redis://127.0.0.1:6379/11";

    @TempDir
    static Path py;

    @LocalServerPort
    int port;

    @Autowired
    TokenService tokens;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisKeys keys;

    @Autowired
    StageRunRepository stageRuns;

    @Autowired
    ReliableQueue queue;

    LocalLlm llm = LocalLlm.shared();
    ApiClient alice;
    ApiClient bob;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        registry.add("clipflow.data-dir", () -> tempDir("clipflow-llm"));
        registry.add("clipflow.node-name", () -> "llm-node");
        registry.add("spring.data.redis.url", () -> REDIS);
        registry.add("clipflow.redis.key-prefix", () -> "");
        registry.add("clipflow.ai.llm.base-url", () -> LocalLlm.shared().baseUrl());
        registry.add("clipflow.ai.llm.model", () -> LocalLlm.shared().model());
        registry.add("clipflow.ai.llm.idle-timeout", () -> "1500ms");
        registry.add("clipflow.ai.limits.concurrent-stages", () -> "3");
        // short enough that a paced stream is watched for a few seconds, long enough to be coalesced
        registry.add("clipflow.stages.rewrite.max-tokens", () -> "120");
        registry.add("clipflow.stages.rewrite.soft-time-limit", () -> "20s");
        registry.add("clipflow.stages.rewrite.time-limit", () -> "25s");
        // a stage of the test's own, one config block: its soft limit ends a paced stream
        registry.add("clipflow.stages.brief.kind", () -> "llm");
        registry.add("clipflow.stages.brief.queue", () -> "llm");
        registry.add("clipflow.stages.brief.display-name", () -> "摘要");
        registry.add("clipflow.stages.brief.prompt", () -> "Summarise: {original_text}");
        registry.add("clipflow.stages.brief.max-tokens", () -> "400");
        registry.add("clipflow.stages.brief.soft-time-limit", () -> "1500ms");
        registry.add("clipflow.stages.brief.time-limit", () -> "10s");
        registry.add("clipflow.stages.brief.max-retries", () -> "0");
        // a storyboard stage whose answer is always cut off: malformed JSON, every time
        registry.add("clipflow.stages.board_cut.kind", () -> "llm");
        registry.add("clipflow.stages.board_cut.queue", () -> "llm");
        registry.add("clipflow.stages.board_cut.display-name", () -> "分镜(截断)");
        registry.add("clipflow.stages.board_cut.prompt", () -> "Storyboard: {original_text}");
        registry.add("clipflow.stages.board_cut.output", () -> "storyboard");
        registry.add("clipflow.stages.board_cut.max-tokens", () -> "6");
        registry.add("clipflow.stages.board_cut.max-retries", () -> "1");
        for (String task : List.of("apps.projects.tasks.execute_llm_stage", "video.tasks.generate_script_async")) {
            registry.add("clipflow.tasks[" + task + "].retry-backoff", () -> "200ms");
            registry.add("clipflow.tasks[" + task + "].retry-jitter", () -> "false");
        }
    }

    private static String tempDir(String prefix) {
        try {
            return java.nio.file.Files.createTempDirectory(prefix).toString();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void emptyRedisDatabase() throws Exception {
        try {
            new ProcessBuilder("redis-cli", "-n", "11", "flushdb").start().waitFor(10, TimeUnit.SECONDS);
        } catch (java.io.IOException e) {
            // no redis-cli: the context's Redis starts empty
        }
    }

    @BeforeEach
    void users() {
        llm.reset();
        alice = newUser(Role.USER);
        bob = newUser(Role.USER);
    }

    @Test
    void tokensStreamInOrderToTheWebSocketAndTheSeedChannelAndTheTextIsTheProvidersOutput() throws Exception {
        String project = newProject(alice, "原始文案：一只猫在屋顶上看日落。");
        List<JsonNode> seedChannel = new CopyOnWriteArrayList<>();
        RedisClient client = RedisClient.create(REDIS);
        try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
                EventClient ws = EventClient.connect(ws("/ws/projects/" + project + "/stage/rewrite/"), alice.token());
                EventClient whole = EventClient.connect(ws("/ws/projects/" + project + "/"), alice.token())) {
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    seedChannel.add(read(message));
                }
            });
            sub.sync().subscribe("ai_story:project:" + project + ":stage:rewrite");
            assertThat(ws.awaitType("connected", SOON).path("channel").asText())
                    .isEqualTo("project." + project + ".stage.rewrite");
            whole.awaitType("connected", SOON);

            ApiClient.Reply reply = execute(alice, project, "rewrite", "{\"original_text\":\"猫\"}");

            assertThat(reply.status()).isEqualTo(202);
            String taskId = reply.json().path("task_id").asText();
            assertThat(reply.json().path("channel").asText())
                    .isEqualTo("ai_story:project:" + project + ":stage:rewrite");
            assertThat(reply.json().path("stage").asText()).isEqualTo("rewrite");
            assertThat(reply.json().path("message").asText()).isEqualTo("阶段 文案改写 任务已启动");
            assertThat(reply.json().path("project_id").asText()).isEqualTo(project);

            JsonNode done = ws.awaitType("done", SOON);
            LocalLlm.Stats stats = llm.stats();
            List<JsonNode> events = ws.messages();
            assertThat(events.get(0).path("type").asText()).isEqualTo("connected");
            assertThat(types(events)).containsSubsequence("stage_update", "token", "done");
            assertThat(types(events).indexOf("done")).isEqualTo(events.size() - 1);
            String joined = joinedTokens(events);
            assertThat(joined)
                    .isNotEmpty()
                    .isEqualTo(done.path("full_text").asText())
                    .isEqualTo(stats.lastText());
            // every token event's full_text is the text so far
            StringBuilder soFar = new StringBuilder();
            for (JsonNode token : ws.messages("token")) {
                soFar.append(token.path("content").asText());
                assertThat(token.path("full_text").asText()).isEqualTo(soFar.toString());
                assertThat(token.path("task_id").asText()).isEqualTo(taskId);
                assertThat(token.path("project_id").asText()).isEqualTo(project);
                assertThat(token.path("stage").asText()).isEqualTo("rewrite");
            }
            // coalesced: fewer events than tokens, and no character lost (above)
            assertThat(ws.messages("token").size()).isLessThan(stats.lastCompletionTokens());
            JsonNode metadata = done.path("metadata");
            assertThat(metadata.path("tokens_used").asInt()).isEqualTo(stats.lastCompletionTokens());
            assertThat(metadata.path("model").asText()).isEqualTo(llm.model());
            assertThat(metadata.path("latency_ms").asLong()).isPositive();
            assertThat(stats.lastMaxTokens()).isEqualTo(120);

            // the whole project's topic carries the same story
            JsonNode wholeDone = whole.awaitType("done", SOON);
            assertThat(wholeDone.path("full_text").asText()).isEqualTo(joined);

            // the seed's channel: same messages, float epoch-seconds timestamps
            Awaitility.await().atMost(SOON).until(() -> seedChannel.stream()
                    .anyMatch(m -> m.path("type").asText().equals("done")));
            assertThat(joinedTokens(seedChannel)).isEqualTo(joined);
            assertThat(seedChannel.get(0).path("timestamp").isNumber()).isTrue();

            // the result backend: the seed's result shape
            CeleryResult result = results().awaitResult(taskId, SUCCESS);
            assertThat(result.result().path("success").asBoolean()).isTrue();
            assertThat(result.result().path("task_id").asText()).isEqualTo(taskId);
            assertThat(result.result().path("channel").asText())
                    .isEqualTo("ai_story:project:" + project + ":stage:rewrite");
            assertThat(result.result().path("result").asText()).isEqualTo(joined);

            // the run, written by the route's jpa: step
            JsonNode status = alice.get("/api/v1/projects/" + project + "/task-status/?task_id=" + taskId)
                    .json();
            assertThat(status.path("state").asText()).isEqualTo("SUCCESS");
            assertThat(status.path("info").asText()).isEqualTo("任务执行成功");
            assertThat(status.path("result").path("result").asText()).isEqualTo(joined);
            JsonNode run = alice.get("/api/v1/projects/" + project)
                    .json()
                    .path("stage_runs")
                    .get(0);
            assertThat(run.path("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(run.path("output_text").asText()).isEqualTo(joined);
            assertThat(run.path("tokens_used").asInt()).isEqualTo(stats.lastCompletionTokens());
            assertThat(run.path("model").asText()).isEqualTo(llm.model());
            assertThat(run.path("input").asText()).contains("猫");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aPageOpenedMidStreamGetsTheTextSoFarAndTheSseFallbackGivesTheSameSequence() {
        String project = newProject(alice, "a late joiner");
        llm.pace(30);
        try (SseClient sse = SseClient.post(
                url("/api/v1/projects/" + project + "/execute-stage/"),
                alice.token(),
                "{\"stage_name\":\"rewrite\",\"input_data\":{},\"use_streaming\":true}")) {
            assertThat(sse.status()).isEqualTo(200);
            assertThat(sse.contentType()).startsWith("text/event-stream");
            sse.await(e -> e.data().path("type").asText().equals("token"), SOON);
            try (EventClient late =
                    EventClient.connect(ws("/ws/projects/" + project + "/stage/rewrite/"), alice.token())) {
                JsonNode done = late.awaitType("done", SOON);
                Awaitility.await().atMost(SOON).until(sse::ended);
                List<JsonNode> streamed =
                        sse.events().stream().map(SseClient.SseEvent::data).toList();
                assertThat(streamed.get(0).path("type").asText()).isEqualTo("connected");
                assertThat(streamed.get(streamed.size() - 1).path("type").asText())
                        .isEqualTo("done");
                assertThat(joinedTokens(streamed))
                        .isEqualTo(done.path("full_text").asText());
                // the late page gets the latest token event at once, whose full_text is the text so far; the live
                // events after it complete the text, with nothing lost or doubled
                List<JsonNode> tokens = late.messages("token");
                assertThat(tokens).isNotEmpty();
                String soFar = tokens.get(0).path("full_text").asText();
                assertThat(soFar).isNotEmpty();
                assertThat(soFar + joinedTokens(tokens.subList(1, tokens.size())))
                        .isEqualTo(done.path("full_text").asText());
                assertThat(done.path("full_text").asText())
                        .isEqualTo(llm.stats().lastText());
            }
        }
    }

    @Test
    void a429IsRetriedAfterItsRetryAfterAndEndsSuccess() {
        String project = newProject(alice, "rate limited");
        llm.failNext("429", 1, 1);
        try (EventClient ws = EventClient.connect(ws("/ws/projects/" + project + "/stage/rewrite/"), alice.token())) {
            ws.awaitType("connected", SOON);
            String taskId = execute(alice, project, "rewrite", "{}")
                    .json()
                    .path("task_id")
                    .asText();

            JsonNode error = ws.awaitType("error", SOON);
            assertThat(error.path("error").asText()).startsWith("API请求失败: 429");
            assertThat(error.path("retry_count").asInt()).isEqualTo(1);
            assertThat(error.path("will_retry").asBoolean()).isTrue();
            JsonNode done = ws.awaitType("done", SOON);
            CeleryResult result = results().awaitResult(taskId, SUCCESS);
            assertThat(result.result().path("result").asText())
                    .isEqualTo(done.path("full_text").asText());
            // the next attempt started no sooner than Retry-After (1 s) after the failure
            JsonNode restarted =
                    ws.messages("stage_update").get(ws.messages("stage_update").size() - 1);
            assertThat(Duration.between(time(error), time(restarted))).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            LocalLlm.Stats stats = llm.stats();
            assertThat(stats.faultsServed()).isEqualTo(1);
            assertThat(stats.completed()).isEqualTo(1);
            assertThat(attempts(taskId)).containsExactly("RETRYING", "SUCCEEDED");
        }
    }

    @Test
    void rewriteThenStoryboardThenCameraEachReadTheLastOutputAndTheJsonStagesAreSchemaChecked() {
        String project = newProject(alice, "屋顶上的猫");
        String rewrite =
                execute(alice, project, "rewrite", "{}").json().path("task_id").asText();
        String copy =
                results().awaitResult(rewrite, SUCCESS).result().path("result").asText();

        String storyboard = execute(alice, project, "storyboard", "{}")
                .json()
                .path("task_id")
                .asText();
        JsonNode shots = results().awaitResult(storyboard, SUCCESS).result().path("result");

        // the storyboard's prompt carried the rewritten copy
        assertThat(read(llm.stats().lastMessages()).get(1).path("content").asText())
                .contains(copy);
        assertThat(shots.isArray()).isTrue();
        assertThat(shots.size()).isBetween(1, 50);
        for (JsonNode shot : shots) {
            assertThat(shot.path("scene").asText()).isNotBlank();
            assertThat(shot.path("narration").isTextual()).isTrue();
            assertThat(shot.path("duration").asDouble()).isPositive();
        }
        StageRun run = stageRuns
                .findFirstByTaskIdAndState(storyboard, StageRunState.SUCCEEDED)
                .orElseThrow();
        assertThat(read(run.getOutputJson())).isEqualTo(shots);

        String camera =
                execute(alice, project, "camera", "{}").json().path("task_id").asText();
        JsonNode plan = results().awaitResult(camera, SUCCESS).result().path("result");
        assertThat(plan.isArray()).isTrue();
        assertThat(plan.get(0).path("movement").asText()).isNotBlank();
        assertThat(llm.stats().lastMessages()).contains("scene");
    }

    @Test
    void aMalformedStoryboardIsRetriedWithTheReasonRecordedThenFails() {
        String project = newProject(alice, "cut short");
        try (EventClient ws = EventClient.connect(ws("/ws/projects/" + project + "/stage/board_cut/"), alice.token())) {
            ws.awaitType("connected", SOON);
            String taskId = execute(alice, project, "board_cut", "{}")
                    .json()
                    .path("task_id")
                    .asText();

            CeleryResult result = results().awaitResult(taskId, FAILURE);

            assertThat(result.result().path("exc_type").asText()).isEqualTo("MalformedOutput");
            // Celery's exc_message is the exception's args, a list
            assertThat(result.result().path("exc_message").toString()).contains("storyboard is not JSON");
            assertThat(attempts(taskId)).containsExactly("RETRYING", "FAILED");
            for (StageRun attempt : stageRuns.findByTaskIdOrderByAttemptDesc(taskId)) {
                assertThat(attempt.getError()).contains("storyboard is not JSON");
                assertThat(attempt.getOutputText()).isNotEmpty();
            }
            Awaitility.await().atMost(SOON).until(() -> ws.messages("error").size() == 2);
            assertThat(ws.messages("error").get(0).path("will_retry").asBoolean())
                    .isTrue();
            assertThat(ws.messages("error").get(1).path("will_retry").asBoolean())
                    .isFalse();
            assertThat(llm.stats().completed()).isEqualTo(2);
        }
    }

    @Test
    void aStalledStreamIsRetriedAndEndsSuccess() {
        String project = newProject(alice, "stalled");
        llm.failNext("stall", 1);
        String taskId =
                execute(alice, project, "rewrite", "{}").json().path("task_id").asText();

        CeleryResult result = results().awaitResult(taskId, SUCCESS);

        assertThat(result.result().path("result").asText())
                .isEqualTo(llm.stats().lastText());
        assertThat(attempts(taskId)).containsExactly("RETRYING", "SUCCEEDED");
        StageRun stalled = stageRuns.findByTaskIdAndAttempt(taskId, 0).orElseThrow();
        assertThat(stalled.getError()).contains("idle");
        Awaitility.await().atMost(SOON).until(() -> llm.stats().aborted() >= 1);
    }

    @Test
    void theSoftLimitMidStreamEndsFailureWithThePartialTextKept() {
        String project = newProject(alice, "slow");
        llm.pace(40);
        try (EventClient ws = EventClient.connect(ws("/ws/projects/" + project + "/stage/brief/"), alice.token())) {
            ws.awaitType("connected", SOON);
            String taskId = execute(alice, project, "brief", "{}")
                    .json()
                    .path("task_id")
                    .asText();

            CeleryResult result = results().awaitResult(taskId, FAILURE);

            assertThat(result.result().path("exc_type").asText()).isEqualTo("SoftTimeLimitExceeded");
            JsonNode error = ws.awaitType("error", SOON);
            assertThat(error.path("will_retry").asBoolean()).isFalse();
            StageRun run = stageRuns.findByTaskIdAndAttempt(taskId, 0).orElseThrow();
            assertThat(run.getState()).isEqualTo(StageRunState.FAILED);
            assertThat(run.getOutputText()).isNotEmpty().isEqualTo(joinedTokens(ws.messages()));
            Awaitility.await().atMost(SOON).until(() -> llm.stats().aborted() >= 1);
            assertThat(llm.stats().completed()).isZero();
        }
    }

    @Test
    void revokeWithTerminateStopsARunningStreamWithinASecondAndTheProviderSeesTheDisconnect() {
        String project = newProject(alice, "revoked");
        llm.pace(100);
        try (EventClient ws = EventClient.connect(ws("/ws/projects/" + project + "/stage/rewrite/"), alice.token())) {
            ws.awaitType("connected", SOON);
            String taskId = execute(alice, project, "rewrite", "{}")
                    .json()
                    .path("task_id")
                    .asText();
            ws.awaitType("token", SOON);

            Instant asked = Instant.now();
            assertThat(alice.postJson("/api/tasks/" + taskId + "/revoke", "{\"terminate\":true}")
                            .status())
                    .isEqualTo(202);

            results().awaitResult(taskId, REVOKED);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(1))
                    .until(() -> llm.stats().aborted() >= 1);
            assertThat(Duration.between(asked, Instant.now())).isLessThan(Duration.ofSeconds(3));
            assertThat(llm.stats().completed()).isZero();
            Awaitility.await().atMost(SOON).until(() -> stageRuns
                    .findByTaskIdAndAttempt(taskId, 0)
                    .map(r -> r.getState() == StageRunState.REVOKED)
                    .orElse(false));
        }
    }

    @Test
    void aPythonCeleryClientsExecuteLlmStageDelayRunsHereAndGetReturnsTheSeedsShape() throws Exception {
        PythonCelery.assumeInstalled();
        String project = newProject(alice, "from django");
        String out = PythonCelery.run(
                py,
                REDIS,
                """
                import json, os
                from celery import Celery
                app = Celery('django', broker=os.environ['BROKER'], backend=os.environ['BROKER'])
                app.conf.task_routes = {'apps.projects.tasks.execute_llm_stage': {'queue': 'llm'}}

                @app.task(name='apps.projects.tasks.execute_llm_stage')
                def execute_llm_stage(project_id, stage_name, input_data, user_id):
                    raise RuntimeError('runs on Clipflow')

                r = execute_llm_stage.delay('%s', 'rewrite', {'original_text': 'django'}, %d)
                print(json.dumps(r.get(timeout=60)))
                s = app.send_task('video.tasks.generate_script_async', args=['%s'],
                                  kwargs={'input_data': {}, 'user_id': %d})
                print(json.dumps(s.get(timeout=60)))
                """
                        .formatted(project, alice.userId(), project, alice.userId()));
        List<String> lines = PythonCelery.lines(out);
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            JsonNode result = read(line);
            assertThat(result.path("success").asBoolean()).isTrue();
            assertThat(result.path("channel").asText()).isEqualTo("ai_story:project:" + project + ":stage:rewrite");
            assertThat(result.path("result").asText()).isNotEmpty();
            assertThat(stageRuns.findFirstByTaskIdAndState(
                            result.path("task_id").asText(), StageRunState.SUCCEEDED))
                    .isPresent();
        }
    }

    @Test
    void anotherUserGets404OnTheApiAnd1008OnTheWebSocket() {
        String project = newProject(alice, "private");
        assertThat(bob.get("/api/v1/projects/" + project).status()).isEqualTo(404);
        assertThat(bob.delete("/api/v1/projects/" + project).status()).isEqualTo(404);
        assertThat(execute(bob, project, "rewrite", "{}").status()).isEqualTo(404);
        assertThat(bob.get("/api/v1/projects").json().path("items")).isEmpty();
        String taskId =
                execute(alice, project, "rewrite", "{}").json().path("task_id").asText();
        assertThat(bob.get("/api/v1/projects/" + project + "/task-status/?task_id=" + taskId)
                        .status())
                .isEqualTo(404);
        assertThat(bob.postJson("/api/tasks/" + taskId + "/revoke", "{}").status())
                .isEqualTo(404);
        for (String path : List.of("/ws/projects/" + project + "/", "/ws/projects/" + project + "/stage/rewrite/")) {
            try (EventClient foreign = EventClient.connect(ws(path), bob.token())) {
                assertThat(foreign.awaitClose(SOON)).as(path).isEqualTo(1008);
                assertThat(foreign.messages()).as(path).isEmpty();
            }
        }
        results().awaitResult(taskId, SUCCESS);
        assertThat(alice.get("/api/v1/projects")
                        .json()
                        .path("items")
                        .get(0)
                        .path("id")
                        .asText())
                .isEqualTo(project);
    }

    @Test
    void badRequestsGetJsonErrorsAndStartNothing() {
        String project = newProject(alice, "bad input");
        ApiClient.Reply unknown = execute(alice, project, "nope", "{}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("detail").asText()).contains("nope").contains("rewrite");
        assertThat(alice.postJson("/api/v1/projects/" + project + "/execute-stage/", "{\"stage_name\":")
                        .status())
                .isEqualTo(400);
        assertThat(alice.postJson("/api/v1/projects/" + project + "/execute-stage/", "{\"stage_name\":5}")
                        .status())
                .isEqualTo(400);
        assertThat(alice.postJson("/api/v1/projects", "{\"title\":\"\"}").status())
                .isEqualTo(400);
        assertThat(alice.postJson("/api/v1/projects", "{\"title\":\"x\",\"settings\":[1]}")
                        .status())
                .isEqualTo(400);
        assertThat(execute(alice, "no-such-project", "rewrite", "{}").status()).isEqualTo(404);
        assertThat(anonymous().get("/api/v1/projects").status()).isEqualTo(401);
        assertThat(stageRuns.findByProjectIdOrderByCreatedAtAsc(project)).isEmpty();
        assertThat(llm.stats().requests()).isZero();
    }

    @Test
    void aUserOverTheirLimitsGets429BeforeAnyProviderCall() {
        String project = newProject(alice, "busy");
        llm.pace(200);
        List<String> running = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            running.add(execute(alice, project, "rewrite", "{}")
                    .json()
                    .path("task_id")
                    .asText());
        }
        ApiClient.Reply fourth = execute(alice, project, "rewrite", "{}");
        assertThat(fourth.status()).isEqualTo(429);
        assertThat(fourth.json().path("detail").asText()).contains("clipflow.ai.limits.concurrent-stages");
        // bob is not limited by alice's stages
        ApiClient.Reply bobs = execute(bob, newProject(bob, "bob's"), "rewrite", "{}");
        assertThat(bobs.status()).isEqualTo(202);
        running.add(bobs.json().path("task_id").asText());
        for (String taskId : running) {
            ApiClient owner = taskId.equals(bobs.json().path("task_id").asText()) ? bob : alice;
            owner.postJson("/api/tasks/" + taskId + "/revoke", "{\"terminate\":true}");
        }
        running.forEach(taskId -> results().awaitResult(taskId, REVOKED));

        // a spent daily token budget: 429 before the provider is asked
        ApiClient carol = newUser(Role.USER);
        String carols = newProject(carol, "spent");
        StageRun spent = new StageRun(
                carols, carol.userId(), "rewrite", UUID.randomUUID().toString(), 0, "x", Instant.now());
        spent.moveTo(StageRunState.RUNNING, Instant.now());
        spent.usage("m", 0, 200_000, 1L);
        spent.moveTo(StageRunState.SUCCEEDED, Instant.now());
        stageRuns.save(spent);
        int before = llm.stats().requests();
        ApiClient.Reply budget = execute(carol, carols, "rewrite", "{}");
        assertThat(budget.status()).isEqualTo(429);
        assertThat(budget.json().path("detail").asText()).contains("clipflow.ai.limits.tokens-per-day");
        assertThat(llm.stats().requests()).isEqualTo(before);
    }

    @Test
    void aRedeliveredStageWhoseRunSucceededIsAnsweredFromItsRunWithoutAskingTheProvider() {
        String project = newProject(alice, "twice");
        String taskId =
                execute(alice, project, "rewrite", "{}").json().path("task_id").asText();
        String text =
                results().awaitResult(taskId, SUCCESS).result().path("result").asText();
        int requests = llm.stats().requests();
        // the worker died after the run was written and before the result was: the result is gone, the message back
        redis.delete(keys.result(taskId));
        aTask("apps.projects.tasks.execute_llm_stage")
                .withId(taskId)
                .withArgs(project, "rewrite", Map.of(), alice.userId())
                .ownedBy(alice.userId())
                .on("llm")
                .sentWith(queue);

        CeleryResult again = results().awaitResult(taskId, SUCCESS);

        assertThat(again.result().path("result").asText()).isEqualTo(text);
        assertThat(llm.stats().requests()).isEqualTo(requests);
        assertThat(stageRuns.findByTaskIdOrderByAttemptDesc(taskId)).hasSize(1);
    }

    private ApiClient newUser(Role role) {
        String name =
                role.name().toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8);
        var user = tokens.createUser(name, role);
        return new ApiClient(url(""), tokens.issue(user.id(), "test").token(), user.id());
    }

    private ApiClient anonymous() {
        return new ApiClient(url(""), null, -1);
    }

    private String newProject(ApiClient owner, String sourceText) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", "project " + UUID.randomUUID().toString().substring(0, 6));
        body.put("source_text", sourceText);
        body.put("settings", Map.of("style", "test"));
        ApiClient.Reply reply = owner.postJson("/api/v1/projects", write(body));
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json().path("id").asText();
    }

    private ApiClient.Reply execute(ApiClient user, String project, String stage, String inputData) {
        return user.postJson(
                "/api/v1/projects/" + project + "/execute-stage/",
                "{\"stage_name\":\"" + stage + "\",\"input_data\":" + inputData + "}");
    }

    private List<String> attempts(String taskId) {
        return stageRuns.findByTaskIdOrderByAttemptDesc(taskId).stream()
                .sorted(java.util.Comparator.comparingInt(StageRun::getAttempt))
                .map(r -> r.getState().name())
                .toList();
    }

    private TaskResults results() {
        return TaskResults.in(redis, keys);
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.path("type").asText()).toList();
    }

    /** The token contents joined, each event once (a replayed event and its live copy share an id). */
    private static String joinedTokens(List<JsonNode> events) {
        StringBuilder text = new StringBuilder();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (JsonNode e : events) {
            if (e.path("type").asText().equals("token")
                    && (e.path("id").isMissingNode() || seen.add(e.path("id").asText()))) {
                text.append(e.path("content").asText());
            }
        }
        return text.toString();
    }

    private static Instant time(JsonNode event) {
        return Instant.parse(event.path("timestamp").asText());
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private String ws(String path) {
        return "ws://127.0.0.1:" + port + path;
    }

    private static JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
