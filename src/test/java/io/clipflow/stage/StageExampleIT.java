package io.clipflow.stage;

import static io.clipflow.task.TaskState.FAILURE;
import static io.clipflow.task.TaskState.SUCCESS;
import static io.clipflow.testsupport.ClipflowAssertions.assertThatResult;
import static io.clipflow.testsupport.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryResult;
import io.clipflow.config.RedisKeys;
import io.clipflow.queue.ReliableQueue;
import io.clipflow.security.Role;
import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.IntegrationTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Route stage-example through Redis: a Celery message on queue "stage" in, the counts as the stored result out. */
class StageExampleIT extends IntegrationTestBase {

    @Autowired
    ReliableQueue queue;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisKeys keys;

    @Test
    void aWordCountSentAsACeleryTaskSucceedsWithTheCountsAsAJsonObject() {
        CeleryMessage task = aTask("clipflow.stage.word_count")
                .withArgs("To be, or not to be:\nthat is the question.", 2)
                .on("stage")
                .sentWith(queue);

        CeleryResult result = awaitResult(task.taskId(), SUCCESS);

        assertThatResult(result)
                .succeededWith(
                        Map.of("words", 10, "characters", 42, "lines", 2, "top_words", Map.of("to", 2, "be", 2)));
        assertThat(fieldNames(result.result().path("top_words"))).containsExactly("to", "be");
        assertThat(result.extended().queue()).isEqualTo("stage");
        assertThat(redis.opsForList().size(keys.queue("stage"))).isZero();
    }

    @Test
    void theApiFindsTheTasksQueueFromItsRouteWithNoOtherRegistration() {
        ApiClient admin = newUser(Role.ADMIN);
        JsonNode registered = admin.get("/api/ops/tasks/registered").json();
        assertThat(registered.path("clipflow.stage.word_count").path("queue").asText())
                .isEqualTo("stage");
        assertThat(registered.path("clipflow.stage.word_count").path("route").asText())
                .isEqualTo("stage-example");

        String taskId = admin.postJson(
                        "/api/tasks",
                        "{\"task\": \"clipflow.stage.word_count\", \"kwargs\": {\"text\": \"one two two\"}}")
                .json()
                .path("task_id")
                .asText();

        assertThatResult(awaitResult(taskId, SUCCESS))
                .succeededWith(
                        Map.of("words", 3, "characters", 11, "lines", 1, "top_words", Map.of("two", 2, "one", 1)));
    }

    @Test
    void aTextThatIsNotAStringFailsAtOnceAndIsDeadLettered() {
        CeleryMessage task =
                aTask("clipflow.stage.word_count").withArgs(42).on("stage").sentWith(queue);

        CeleryResult result = awaitResult(task.taskId(), FAILURE);

        assertThatResult(result).failedWith("IllegalArgumentException").hasMessageContaining("text must be a string");
        assertThat(result.extended().retries()).isZero();
        assertThat(redis.opsForList().range(keys.dead("stage"), 0, -1))
                .anySatisfy(entry -> assertThat(entry).contains(task.taskId()));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
