package io.clipflow.task;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskStateTest {

    @Test
    void successIsNeverOverwritten() {
        for (TaskState target : TaskState.values()) {
            assertThat(TaskState.SUCCESS.canTransitionTo(target))
                    .as("SUCCESS -> " + target)
                    .isFalse();
        }
    }

    @Test
    void aFailedTaskMayStartAgainButNotJumpToSuccess() {
        assertThat(TaskState.FAILURE.canTransitionTo(TaskState.STARTED)).isTrue();
        assertThat(TaskState.FAILURE.canTransitionTo(TaskState.SUCCESS)).isFalse();
    }

    @Test
    void aRunningTaskReportsProgressAndEnds() {
        assertThat(TaskState.STARTED.canTransitionTo(TaskState.PROGRESS)).isTrue();
        assertThat(TaskState.PROGRESS.canTransitionTo(TaskState.PROGRESS)).isTrue();
        assertThat(TaskState.PROGRESS.canTransitionTo(TaskState.SUCCESS)).isTrue();
        assertThat(TaskState.STARTED.canTransitionTo(TaskState.PENDING)).isFalse();
    }
}
