package io.clipflow.task;

import java.util.Set;

/**
 * Task states as Celery names them, plus SKIPPED (Clipflow's: the task's video was locked by another running task; the
 * result backend shows SUCCESS with {@code skipped: true} so Celery clients see a ready state).
 */
public enum TaskState {
    PENDING,
    RECEIVED,
    STARTED,
    PROGRESS,
    RETRY,
    SUCCESS,
    FAILURE,
    REVOKED,
    SKIPPED;

    public boolean isReady() {
        return this == SUCCESS || this == FAILURE || this == REVOKED || this == SKIPPED;
    }

    public boolean canTransitionTo(TaskState target) {
        return switch (this) {
                // SUCCESS is final: a redelivered duplicate must never overwrite it
            case SUCCESS -> false;
                // a failed or revoked task may be replayed, which starts it again
            case FAILURE, REVOKED, SKIPPED -> Set.of(PENDING, RECEIVED, STARTED).contains(target);
                // a running task may report progress again, be redelivered (STARTED again) or end any way
            default -> target != PENDING;
        };
    }
}
