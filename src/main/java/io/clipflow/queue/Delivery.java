package io.clipflow.queue;

import io.clipflow.notify.EventPublisher;
import io.clipflow.task.ResultBackend;
import java.time.Instant;

/**
 * The delivery contract as one worker node's endings use it: every call acts on this node's processing list. {@link
 * ReliableQueue} and its dead letters are behind it on Redis; {@link TaskCompletion} sees only this, so each ending's
 * effects can be tested without Redis.
 */
interface Delivery {

    /** The list kombu serves {@code queue} at {@code priority} from. */
    String listKey(String queue, int priority);

    /** Removes a message from the processing list: the work is done or was refused for good. */
    void ack(String raw);

    /** Parks {@code replacement} in the delayed set until {@code due}, and acks {@code raw}, in one step. */
    void delay(String raw, String listKey, Instant due, String replacement);

    /** Puts {@code replacement} back on its queue and acks {@code raw}, in one step (shutdown). */
    void handBack(String raw, String listKey, String replacement);

    /** Moves a message to its queue's dead letters with the reason, and acks it. */
    void deadLetter(String queue, String raw, String reason, int attempts, String taskId, String taskName);

    /** Sends a STARTED result and its live event (either may be null) without waiting. */
    void started(ResultBackend.Write result, EventPublisher.Emit event);

    /**
     * Stores a SUCCESS, acks, sends the events and, when {@code takeNext}, takes the queue's next message: one round trip.
     * Returns the message taken along, or null.
     */
    ReliableQueue.Taken finish(
            String queue,
            String raw,
            ResultBackend.Write result,
            EventPublisher.Emit done,
            String startedEvent,
            boolean takeNext,
            WorkerConnection connection);
}
