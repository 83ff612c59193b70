package io.clipflow.queue;

/**
 * A failure named like Celery's own exceptions (SoftTimeLimitExceeded, TimeLimitExceeded, TaskRevokedError), so
 * results read the same to Python clients.
 */
public class TaskFailure extends RuntimeException {
    private final String excType;

    public TaskFailure(String excType, String message) {
        super(message);
        this.excType = excType;
    }

    public String excType() {
        return excType;
    }
}
