package io.clipflow.task;

import static io.clipflow.task.TaskState.FAILURE;
import static io.clipflow.task.TaskState.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;

import io.clipflow.celery.TaskCall;
import io.clipflow.celery.TaskOptions;
import io.clipflow.security.Role;
import io.clipflow.testsupport.ApiClient;
import io.clipflow.testsupport.IntegrationTestBase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Which tasks get a row in the history table ({@code clipflow.results.history}), on the real database. */
class TaskHistoryIT extends IntegrationTestBase {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    ProducerTemplate camel;

    @Autowired
    TaskTracker tracker;

    @Autowired
    TaskRecordRepository records;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TransactionTemplate tx;

    private String send(String task, Map<String, ?> kwargs) {
        return camel.requestBody(
                "celery:delivery-test", new TaskCall(null, task, List.of(), kwargs, TaskOptions.none()), String.class);
    }

    @Test
    void byDefaultAnAnonymousSuccessLivesOnlyInTheResultBackendWhileFailuresAndOwnedTasksGetARow() {
        String anonymous = send("clipflow.test.flaky", Map.of("fail_times", 0));
        awaitResult(anonymous, SUCCESS, WAIT);
        String failed = send("clipflow.test.fails_until", Map.of("runs", 100));
        awaitResult(failed, FAILURE, WAIT);
        ApiClient alice = newUser(Role.USER);
        String owned = alice.postJson("/api/tasks", "{\"task\": \"clipflow.noop\", \"args\": [1]}")
                .json()
                .path("task_id")
                .asText();
        awaitResult(owned, SUCCESS, WAIT);

        assertThat(tracker.find(failed).orElseThrow()).satisfies(row -> {
            assertThat(row.getState()).isEqualTo(TaskState.FAILURE);
            assertThat(row.getRetries()).isEqualTo(2);
            // the first attempt's STARTED, held while an anonymous task might still simply succeed, is on the row
            assertThat(row.getStartedAt()).isNotNull();
        });
        assertThat(tracker.find(owned).orElseThrow()).satisfies(row -> {
            assertThat(row.getState()).isEqualTo(TaskState.SUCCESS);
            assertThat(row.getOwnerId()).isEqualTo(alice.userId());
        });
        assertThat(tracker.find(anonymous)).isEmpty();
    }

    @Test
    void withHistoryAllAnAnonymousSuccessGetsARowWithItsStartAndEnd() throws InterruptedException {
        TaskHistory all = new TaskHistory(
                jdbc,
                tx,
                new ResultProperties(Duration.ofDays(1), true, ResultProperties.History.ALL, Duration.ZERO),
                new TaskCalls(jdbc));
        try {
            String id = UUID.randomUUID().toString();
            Instant started = Instant.now();
            all.add(new TaskHistory.Change(
                    id, "clipflow.noop", "celery", TaskState.STARTED, "w@node", null, 0, started));
            all.add(new TaskHistory.Change(
                    id, "clipflow.noop", "celery", TaskState.SUCCESS, "w@node", null, 0, started.plusMillis(5)));
            all.flush();

            TaskRecord row = records.findById(id).orElseThrow();
            assertThat(row.getState()).isEqualTo(TaskState.SUCCESS);
            assertThat(row.getOwnerId()).isNull();
            assertThat(row.getStartedAt()).isNotNull();
            assertThat(row.getFinishedAt()).isNotNull();
        } finally {
            all.stop();
        }
    }

    @Test
    void withOwnedAndFailedATaskStillRunningWhenItsBatchIsWrittenKeepsItsRowForALaterSkip()
            throws InterruptedException {
        TaskHistory owned = new TaskHistory(
                jdbc,
                tx,
                new ResultProperties(
                        Duration.ofDays(1), true, ResultProperties.History.OWNED_AND_FAILED, Duration.ZERO),
                new TaskCalls(jdbc));
        try {
            String quick = UUID.randomUUID().toString();
            String running = UUID.randomUUID().toString();
            Instant t = Instant.now();
            owned.add(new TaskHistory.Change(quick, "clipflow.noop", "celery", TaskState.STARTED, "w", null, 0, t));
            owned.add(new TaskHistory.Change(quick, "clipflow.noop", "celery", TaskState.SUCCESS, "w", null, 0, t));
            owned.add(new TaskHistory.Change(
                    running, "videos.tasks.process_video", "video", TaskState.STARTED, "w", null, 0, t));
            owned.flush();
            // the STARTED alone wrote no row (an anonymous task that may yet simply succeed): the skip carries the
            // task's name, so it can write the row itself
            owned.add(new TaskHistory.Change(
                    running,
                    "videos.tasks.process_video",
                    null,
                    TaskState.SKIPPED,
                    null,
                    "locked by another task",
                    null,
                    t.plusMillis(5)));
            owned.flush();

            assertThat(records.findById(quick)).isEmpty();
            assertThat(records.findById(running).orElseThrow().getState()).isEqualTo(TaskState.SKIPPED);
        } finally {
            owned.stop();
        }
    }
}
