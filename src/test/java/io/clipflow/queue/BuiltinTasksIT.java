package io.clipflow.queue;

import static io.clipflow.task.TaskState.FAILURE;
import static io.clipflow.task.TaskState.SUCCESS;
import static io.clipflow.testsupport.ClipflowAssertions.assertThatResult;
import static io.clipflow.testsupport.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.celery.CeleryMessage;
import io.clipflow.config.RedisKeys;
import io.clipflow.testsupport.IntegrationTestBase;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Route builtin-tasks: clipflow.ping and clipflow.noop on Celery's default queue, sent as a Celery client sends them. */
class BuiltinTasksIT extends IntegrationTestBase {

    @Autowired
    CamelContext camel;

    @Autowired
    ReliableQueue queue;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisKeys keys;

    @Test
    void pingAnswersPongAndNoopReturnsItsArgumentThroughTheRoute() {
        String ping = UUID.randomUUID().toString();
        String noop = UUID.randomUUID().toString();
        String bare = UUID.randomUUID().toString();
        Set<String> ours = Set.of(ping, noop, bare);
        NotifyBuilder ran = new NotifyBuilder(camel)
                .fromRoute("builtin-tasks")
                .filter(e -> ours.contains(e.getVariable(TaskVariables.TASK_ID, String.class)))
                .whenCompleted(3)
                .create();
        try {
            aTask("clipflow.ping").withId(ping).sentWith(queue);
            aTask("clipflow.noop")
                    .withArgs(Map.of("n", 2, "list", List.of("a", "b")))
                    .withId(noop)
                    .sentWith(queue);
            aTask("clipflow.noop").withId(bare).sentWith(queue);

            assertThat(ran.matches(30, TimeUnit.SECONDS))
                    .as("route builtin-tasks ran all three")
                    .isTrue();
            assertThatResult(awaitResult(ping, SUCCESS)).succeededWith("pong");
            assertThatResult(awaitResult(noop, SUCCESS)).succeededWith(Map.of("n", 2, "list", List.of("a", "b")));
            assertThatResult(awaitResult(bare, SUCCESS)).succeededWith(null);
            assertThat(awaitResult(noop, SUCCESS).extended().name()).isEqualTo("clipflow.noop");
        } finally {
            ran.destroy();
        }
    }

    @Test
    void aTaskTheRouteDoesNotListFailsNotRegisteredAndIsDeadLetteredWhileTheQueueGoesOn() {
        CeleryMessage unknown = aTask("clipflow.not_a_builtin").withArgs(1).sentWith(queue);
        CeleryMessage next = aTask("clipflow.noop").withArgs("after").sentWith(queue);

        assertThatResult(awaitResult(unknown.taskId(), FAILURE)).failedWith("NotRegistered");
        assertThatResult(awaitResult(next.taskId(), SUCCESS)).succeededWith("after");
        assertThat(redis.opsForList().range(keys.dead("celery"), 0, -1))
                .anySatisfy(entry -> assertThat(entry).contains(unknown.taskId()));
    }
}
