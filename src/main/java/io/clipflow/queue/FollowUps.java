package io.clipflow.queue;

import io.clipflow.celery.CeleryMessage;

/** The work a task sends when it ends, as Celery's canvas defines it ({@link Canvas}): chains, callbacks, errbacks. */
interface FollowUps {

    /** Whether a success sends more work: a chain's next task or link callbacks. */
    boolean continues(CeleryMessage message);

    void succeeded(CeleryMessage message, Object result);

    void failed(CeleryMessage message);
}
