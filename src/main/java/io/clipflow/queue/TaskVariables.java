package io.clipflow.queue;

/** Exchange variables the celery consumer sets for a route, and the ones a route may set back. */
public final class TaskVariables {
    public static final String TASK_ID = "taskId";
    public static final String TASK_NAME = "taskName";
    /** How many times the task was retried before this run (Celery's {@code retries} header). */
    public static final String TASK_RETRIES = "taskRetries";
    /** A route sets this to {@code false} when it must not write the task's result (a duplicate of a running task). */
    public static final String STORE_RESULT = "storeResult";

    private TaskVariables() {}
}
