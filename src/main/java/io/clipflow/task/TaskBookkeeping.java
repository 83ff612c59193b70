package io.clipflow.task;

import io.clipflow.celery.CeleryMessage;
import java.time.Instant;

/**
 * A worker's record of one task's run: the results Celery clients read and the history the API and dashboard read.
 * {@link TaskTracker} keeps them in Redis and the database; the worker's endings ({@code queue.TaskCompletion}) see
 * only this, so they can be tested without either.
 */
public interface TaskBookkeeping {

    void started(CeleryMessage message, String worker);

    /** The STARTED result, for the worker to send when the task has run long enough to announce it. */
    ResultBackend.Write startedResult(CeleryMessage message, String worker);

    /** The SUCCESS result, for the worker to store with the message's ack. */
    ResultBackend.Write successResult(CeleryMessage message, Object result, String worker);

    /** Stores a prepared result now, unless a SUCCESS is already there. */
    boolean store(ResultBackend.Write result);

    /** Records in the history the SUCCESS stored through {@link #successResult}. */
    void succeeded(CeleryMessage message, String worker);

    void retrying(CeleryMessage message, String excType, String reason, Instant due, String worker);

    void failed(CeleryMessage message, String excType, String reason, String worker);

    void revoked(CeleryMessage message, String reason, String worker);

    /** The worker is done with the task, however it ended. */
    void ended(CeleryMessage message);
}
