package io.clipflow.task;

import static io.clipflow.task.TaskState.FAILURE;
import static io.clipflow.task.TaskState.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipflow.config.RedisKeys;
import io.clipflow.security.Role;
import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.IntegrationTestBase;
import io.clipflow.testsupport.SseClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Any task, not only videos, streams its lifecycle on task.<id> and its owner's user.<id>. */
class TaskEventsIT extends IntegrationTestBase {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisKeys keys;

    private String sse(String topic) {
        return "http://127.0.0.1:" + port + "/api/events?topic=" + topic;
    }

    @Test
    void aSentTaskStreamsStartedThenDoneWithItsResult() {
        ApiClient alice = newUser(Role.USER);
        try (SseClient mine = SseClient.open(sse("user." + alice.userId()), alice.token(), null)) {
            String taskId = alice.postJson("/api/tasks", "{\"task\": \"clipflow.noop\", \"args\": [\"hello\"]}")
                    .json()
                    .path("task_id")
                    .asText();
            JsonNode done = mine.await(
                            e -> "done".equals(e.data().path("type").asText())
                                    && taskId.equals(e.data().path("task_id").asText()),
                            WAIT)
                    .data();
            assertThat(done.path("result").asText()).isEqualTo("hello");
            assertThat(done.path("metadata").has("latency_ms")).isTrue();
            List<String> types = mine.events().stream()
                    .filter(e -> taskId.equals(e.data().path("task_id").asText()))
                    .map(e -> e.data().path("type").asText() + ":"
                            + e.data().path("status").asText())
                    .toList();
            assertThat(types).containsSubsequence("stage_update:STARTED", "done:SUCCESS");
        }
        try (SseClient late = SseClient.open(sse("task.unknown"), alice.token(), null)) {
            assertThat(late.status()).isEqualTo(404);
        }
    }

    @Test
    void aQuickTaskSendsItsWithheldStartedEventWithItsResultInOrderWithItsOwnId() {
        ApiClient alice = newUser(Role.USER);
        // the countdown leaves time to subscribe to the task's own topic before it runs
        String taskId = alice.postJson(
                        "/api/tasks", "{\"task\": \"clipflow.noop\", \"args\": [\"quick\"], \"countdown\": 1.5}")
                .json()
                .path("task_id")
                .asText();
        try (SseClient task = SseClient.open(sse("task." + taskId), alice.token(), null)) {
            task.await(e -> "done".equals(e.data().path("type").asText()), WAIT);
            List<JsonNode> live = task.events().stream()
                    .map(e -> e.data())
                    .filter(d -> d.has("task_id") && !d.path("snapshot").asBoolean())
                    .toList();
            assertThat(live)
                    .extracting(d ->
                            d.path("type").asText() + ":" + d.path("status").asText())
                    .containsExactly("stage_update:STARTED", "done:SUCCESS");
            // both came from one script, on Redis's clock (µs): apart and in order, and not 10 ms apart as a STARTED
            // sent on its own after clipflow.results.started-after would be
            long started = micros(live.get(0).path("id").asText());
            long done = micros(live.get(1).path("id").asText());
            assertThat(done - started).isBetween(1L, 9_999L);
        }
    }

    private static long micros(String id) {
        assertThat(id).matches("\\d{13}-\\d{1,3}");
        String[] parts = id.split("-");
        return Long.parseLong(parts[0]) * 1000 + Long.parseLong(parts[1]);
    }

    @Test
    void aFailingTaskStreamsErrorsWithItsRetryCount() {
        ApiClient admin = newUser(Role.ADMIN);
        String taskId = admin.postJson(
                        "/api/tasks",
                        "{\"task\": \"clipflow.test.fails_until\", \"kwargs\": {\"runs\": 100}, \"queue\": \"delivery-test\"}")
                .json()
                .path("task_id")
                .asText();
        try (SseClient task = SseClient.open(sse("task." + taskId), admin.token(), null)) {
            JsonNode last = task.await(
                            e -> "FAILURE".equals(e.data().path("status").asText()), WAIT)
                    .data();
            assertThat(last.path("type").asText()).isEqualTo("error");
            assertThat(last.path("retry_count").asInt()).isEqualTo(2);
            assertThat(task.events().stream().map(e -> e.data().path("status").asText()))
                    .contains("RETRY");
            // a task's topic keeps no stream: its live events take their ids from Redis's clock, in the same form
            assertThat(task.events().stream()
                            .filter(e -> e.data().has("task_id")
                                    && !e.data().path("snapshot").asBoolean())
                            .map(e -> e.data().path("id").asText()))
                    .isNotEmpty()
                    .allMatch(id -> id.matches("\\d{13}-\\d{1,3}"));
        }
        awaitResult(taskId, FAILURE, WAIT);
        try (SseClient late = SseClient.open(sse("task." + taskId), admin.token(), null)) {
            JsonNode state =
                    late.await(e -> e.data().path("snapshot").asBoolean(), WAIT).data();
            assertThat(state.path("type").asText()).isEqualTo("error");
            assertThat(state.path("status").asText()).isEqualTo("FAILURE");
            assertThat(state.path("error").asText()).contains("failing run");
        }
    }

    @Test
    void aTaskTopicKeepsNoStreamOfItsOwnAndALateSubscriberGetsTheStoredResult() {
        ApiClient alice = newUser(Role.USER);
        String taskId = alice.postJson("/api/tasks", "{\"task\": \"clipflow.noop\", \"args\": [\"late\"]}")
                .json()
                .path("task_id")
                .asText();
        awaitResult(taskId, SUCCESS, WAIT);

        assertThat(redis.hasKey(keys.history("task." + taskId))).isFalse();
        assertThat(redis.hasKey(keys.history("user." + alice.userId()))).isTrue();
        try (SseClient late = SseClient.open(sse("task." + taskId), alice.token(), null)) {
            JsonNode first = late.await(e -> "done".equals(e.data().path("type").asText()), WAIT)
                    .data();
            assertThat(first.path("snapshot").asBoolean()).isTrue();
            assertThat(first.path("status").asText()).isEqualTo("SUCCESS");
            assertThat(first.path("result").asText()).isEqualTo("late");
            assertThat(first.path("task").asText()).isEqualTo("clipflow.noop");
            assertThat(first.path("task_id").asText()).isEqualTo(taskId);
        }
    }
}
