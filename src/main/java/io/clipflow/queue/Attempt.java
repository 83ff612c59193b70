package io.clipflow.queue;

import io.clipflow.celery.CeleryMessage;
import io.clipflow.notify.EventPublisher;
import java.time.Instant;

/**
 * One run of one message on this node, from {@link TaskCompletion#begin} to its ending.
 *
 * @param queue the queue it was taken from
 * @param raw the message's text in this node's processing list
 * @param message the decoded message
 * @param worker the worker name results and history carry ({@code celery@<node>})
 * @param events whether the endpoint sends task lifecycle events
 * @param startedAt when the run began
 * @param notice the STARTED notice, sent once the task has run {@code clipflow.results.started-after}
 * @param startedEvent the STARTED event (null without events), sent with the notice or, if withheld, in the finish
 * @param connection the worker thread's own Redis connection, which its finish uses
 */
record Attempt(
        String queue,
        String raw,
        CeleryMessage message,
        String worker,
        boolean events,
        Instant startedAt,
        StartNotices.Notice notice,
        EventPublisher.Emit startedEvent,
        WorkerConnection connection) {}
