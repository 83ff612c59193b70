package io.clipflow.testsupport;

import static io.clipflow.testsupport.ClipflowAssertions.assertThatResult;
import static io.clipflow.testsupport.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryResult;
import io.clipflow.celery.CeleryResultCodec;
import io.clipflow.task.TaskState;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The test vocabulary itself: a builder that writes what the codec writes, assertions that fail when they should. */
class ClipflowAssertionsTest {

    @Test
    void theTaskBuilderSetsEveryPartOfTheMessageItIsGiven() {
        OffsetDateTime eta = OffsetDateTime.parse("2030-01-01T10:00:00Z");
        CeleryMessage message = aTask("clipflow.noop")
                .withArgs(1, null, "x")
                .withKwarg("b", 2)
                .withKwarg("a", 1)
                .withId("id-1")
                .on("stage")
                .withPriority(6)
                .withEta(eta)
                .withRetries(2)
                .ownedBy(7)
                .message();

        assertThat(message.taskName()).isEqualTo("clipflow.noop");
        assertThat(message.taskId()).isEqualTo("id-1");
        assertThat(message.args()).containsExactly(1, null, "x");
        assertThat(message.kwargs()).containsExactly(Map.entry("b", 2), Map.entry("a", 1));
        assertThat(message.queue()).isEqualTo("stage");
        assertThat(message.priority()).isEqualTo(6);
        assertThat(message.eta()).isEqualTo(eta);
        assertThat(message.retries()).isEqualTo(2);
        assertThat(message.ownerId()).isEqualTo(7L);
        assertThat(aTask("t").message().queue()).isEqualTo("celery");
        assertThat(aTask("t").message().args()).isEmpty();
    }

    @Test
    void succeededWithComparesTheResultAsJsonAndNumbersByValue() {
        CeleryResult two = stored(CeleryResult.success("t-1", 2L));
        assertThatResult(two).succeededWith(2);
        assertThatResult(two).succeededWith(2.0);
        assertThatThrownBy(() -> assertThatResult(two).succeededWith(3))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("t-1");

        CeleryResult map = stored(CeleryResult.success("t-2", Map.of("words", 3, "top", List.of("a"))));
        assertThatResult(map).succeededWith(Map.of("top", List.of("a"), "words", 3));
        assertThatThrownBy(() -> assertThatResult(map).succeededWith(Map.of("words", 3)))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void failureAndSkipAssertionsReadTheStoredState() {
        CeleryResult failed = stored(
                CeleryResult.failure("t-3", "NotRegistered", "'x' is not registered", "celery.exceptions", null));
        assertThatResult(failed).failedWith("NotRegistered").hasMessageContaining("not registered");
        assertThatThrownBy(() -> assertThatResult(failed).succeeded()).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertThatResult(failed).failedWith("ValueError"))
                .isInstanceOf(AssertionError.class);

        CeleryResult skipped = stored(CeleryResult.success("t-4", Map.of("skipped", true)));
        assertThatResult(skipped).isIn(TaskState.SKIPPED);
        assertThatThrownBy(() -> assertThatResult(skipped).succeeded()).isInstanceOf(AssertionError.class);
    }

    /** As a worker wrote it and a client reads it back. */
    private static CeleryResult stored(CeleryResult result) {
        CeleryResultCodec codec = new CeleryResultCodec();
        return codec.decode(codec.encode(result));
    }
}
