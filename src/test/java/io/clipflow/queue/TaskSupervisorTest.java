package io.clipflow.queue;

import static io.clipflow.testsupport.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.celery.CeleryMessage;
import io.clipflow.media.MediaException;
import io.clipflow.media.NotAVideoException;
import io.clipflow.media.RunningProcesses;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The rule a route's failure handler relies on to keep a video PROCESSING until its task's last attempt. */
class TaskSupervisorTest {

    final TaskPolicies policies = new TaskPolicies(Map.of(
            "t",
            new TaskSettings(
                    2,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(10),
                    false,
                    null,
                    null,
                    List.of(),
                    List.of("NotAVideoException"),
                    null)));
    final TaskSupervisor supervisor = new TaskSupervisor(new RunningProcesses(), new RetryPolicy(policies), policies);

    @AfterEach
    void close() {
        supervisor.destroy();
    }

    CeleryMessage attempt(int retries) {
        return aTask("t").on("q").withRetries(retries).message();
    }

    @Test
    void aRetryableFailureWithAttemptsLeftRunsAgain() {
        TaskSupervisor.Running running = supervisor.begin(attempt(1));
        assertThat(supervisor.willRunAgain(running.message().taskId(), new MediaException("ffmpeg crashed")))
                .isTrue();
        supervisor.end(running);
    }

    @Test
    void theLastAttemptOrAPermanentFailureIsFinal() {
        TaskSupervisor.Running last = supervisor.begin(attempt(2));
        assertThat(supervisor.willRunAgain(last.message().taskId(), new MediaException("ffmpeg crashed")))
                .isFalse();
        supervisor.end(last);
        TaskSupervisor.Running first = supervisor.begin(attempt(0));
        assertThat(supervisor.willRunAgain(first.message().taskId(), new NotAVideoException("not a video: x")))
                .isFalse();
        supervisor.end(first);
    }

    @Test
    void shutdownMeansAnotherRunAndRevokeMeansNone() {
        TaskSupervisor.Running running = supervisor.begin(attempt(2));
        supervisor.stopAll(TaskSupervisor.StopReason.SHUTDOWN);
        assertThat(supervisor.willRunAgain(running.message().taskId(), new MediaException("exit 255")))
                .isTrue();
        supervisor.end(running);
        TaskSupervisor.Running other = supervisor.begin(attempt(0));
        supervisor.terminate(other.message().taskId());
        assertThat(supervisor.willRunAgain(other.message().taskId(), new MediaException("exit 255")))
                .isFalse();
        assertThat(supervisor
                        .effectiveFailure(other.message().taskId(), new MediaException("exit 255"))
                        .getMessage())
                .isEqualTo("revoked");
        supervisor.end(other);
    }

    @Test
    void backoffDoublesUpToTheCap() {
        RetryPolicy retry = new RetryPolicy(policies);
        assertThat(retry.backoff("t", 0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(retry.backoff("t", 1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(retry.backoff("t", 3)).isEqualTo(Duration.ofSeconds(8));
        assertThat(retry.backoff("t", 10)).isEqualTo(Duration.ofSeconds(10));
    }
}
