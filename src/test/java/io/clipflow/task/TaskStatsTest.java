package io.clipflow.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskStatsTest {

    @Test
    void percentilesFailureRateAndCountsFromHistoryRows() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        List<Object[]> runs = new ArrayList<>();
        for (int s = 1; s <= 100; s++) {
            runs.add(new Object[] {"a", t, t.plusSeconds(s)});
        }
        runs.add(new Object[] {"b", t, t.plusMillis(500)});
        List<Object[]> lastHour =
                List.<Object[]>of(new Object[] {TaskState.SUCCESS, 9L}, new Object[] {TaskState.FAILURE, 1L});
        TaskStats stats = TaskStats.of(
                List.<Object[]>of(new Object[] {TaskState.SUCCESS, 101L}, new Object[] {TaskState.FAILURE, 3L}),
                List.<Object[]>of(new Object[] {TaskState.SUCCESS, 2L}),
                lastHour,
                lastHour,
                TaskStats.ALL_TASKS,
                runs);
        assertThat(stats.byState()).containsEntry("SUCCESS", 101L).containsEntry("FAILURE", 3L);
        assertThat(stats.finishedLastMinute()).containsEntry("SUCCESS", 2L);
        assertThat(stats.failureRateLastHour()).isEqualTo(0.1);
        assertThat(stats.runtimeSeconds().get("a"))
                .containsEntry("count", 100)
                .containsEntry("p50", 50.0)
                .containsEntry("p95", 95.0)
                .containsEntry("p99", 99.0)
                .containsEntry("max", 100.0);
        assertThat(stats.runtimeSeconds().get("b")).containsEntry("p50", 0.5);
    }

    @Test
    void noFinishedTasksMeansNoFailureRate() {
        TaskStats stats = TaskStats.of(List.of(), List.of(), List.of(), List.of(), TaskStats.ALL_TASKS, List.of());
        assertThat(stats.failureRateLastHour()).isZero();
        assertThat(stats.runtimeSeconds()).isEmpty();
    }

    @Test
    void withoutRowsForAnonymousSuccessesTheFailureRateIsOverOwnedTasksOnly() {
        // the last hour's rows: 1 owned success, and 4 anonymous failures whose thousands of successes have no row
        List<Object[]> lastHour =
                List.<Object[]>of(new Object[] {TaskState.SUCCESS, 1L}, new Object[] {TaskState.FAILURE, 4L});
        List<Object[]> owned = List.<Object[]>of(new Object[] {TaskState.SUCCESS, 1L});
        TaskStats stats = TaskStats.of(List.of(), List.of(), lastHour, owned, TaskStats.OWNED_TASKS, List.of());
        assertThat(stats.finishedLastHour()).containsEntry("FAILURE", 4L);
        assertThat(stats.failureRateLastHour()).isZero();
        assertThat(stats.failureRateOf()).isEqualTo(TaskStats.OWNED_TASKS);
    }
}
