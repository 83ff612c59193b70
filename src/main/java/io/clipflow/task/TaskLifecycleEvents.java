package io.clipflow.task;

import io.clipflow.celery.CeleryMessage;
import io.clipflow.notify.EventPublisher;
import java.time.Instant;

/**
 * The live events of a task's lifecycle a worker sends ({@link TaskEvents} publishes them on the task's and owner's
 * topics); the worker's endings see only this, so they can be tested without Redis.
 */
public interface TaskLifecycleEvents {

    /** The STARTED {@code stage_update}, for the worker to send with the STARTED result. */
    EventPublisher.Emit started(CeleryMessage message);

    /** The {@code done} event, for the worker to send with the result and the ack. */
    EventPublisher.Emit done(CeleryMessage message, Object result, Instant started);

    /** Publishes the {@code done} event now (for a worker that stored the result on its own). */
    void publishDone(CeleryMessage message, Object result, Instant started);

    void stage(CeleryMessage message, String status);

    void error(CeleryMessage message, String error, int retryCount, boolean last);
}
