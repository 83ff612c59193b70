package io.clipflow.queue;

import io.clipflow.notify.EventPublisher;
import io.clipflow.task.ResultBackend;
import java.time.Instant;

/** {@link Delivery} on Redis for this node: its processing list, through {@link ReliableQueue} and {@link DeadLetters}. */
final class RedisDelivery implements Delivery {

    private final ReliableQueue queue;
    private final DeadLetters deadLetters;
    private final String node;

    RedisDelivery(ReliableQueue queue, DeadLetters deadLetters, String node) {
        this.queue = queue;
        this.deadLetters = deadLetters;
        this.node = node;
    }

    @Override
    public String listKey(String queueName, int priority) {
        return queue.listKey(queueName, priority);
    }

    @Override
    public void ack(String raw) {
        queue.ack(node, raw);
    }

    @Override
    public void delay(String raw, String listKey, Instant due, String replacement) {
        queue.delay(node, raw, listKey, due, replacement);
    }

    @Override
    public void handBack(String raw, String listKey, String replacement) {
        queue.handBack(node, raw, listKey, replacement);
    }

    @Override
    public void deadLetter(String queueName, String raw, String reason, int attempts, String taskId, String taskName) {
        deadLetters.deadLetter(node, queueName, raw, reason, attempts, taskId, taskName);
    }

    @Override
    public void started(ResultBackend.Write result, EventPublisher.Emit event) {
        queue.started(result, event);
    }

    @Override
    public ReliableQueue.Taken finish(
            String queueName,
            String raw,
            ResultBackend.Write result,
            EventPublisher.Emit done,
            String startedEvent,
            boolean takeNext,
            WorkerConnection connection) {
        return queue.finish(queueName, node, raw, result, done, startedEvent, takeNext, connection);
    }
}
