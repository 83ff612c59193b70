package io.clipflow.queue;

import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryDecodeException;

import io.clipflow.notify.EventPublisher;
import io.clipflow.task.TaskTracker;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Worker threads for one Celery queue. Each thread takes one message at a time (no prefetch), so a free thread is the
 * only thing that pulls work off Redis. What happens to a message taken (see docs/architecture.md):
 * undecodable or unknown task → dead letter; revoked or expired → REVOKED without running; ETA in the future → the
 * delayed set; already SUCCESS → acked; otherwise it runs under {@link TaskSupervisor} and ends SUCCESS, RETRY (back
 * to the delayed set with a backoff), FAILURE (dead-lettered once retries are spent), REVOKED, or, on shutdown, handed
 * back to its queue. Each ending stores the result before the message leaves the processing list.
 */
class CeleryConsumer extends DefaultConsumer {

    private static final Logger log = LoggerFactory.getLogger(CeleryConsumer.class);
    private static final Duration REDIS_DOWN_BACKOFF = Duration.ofSeconds(1);
    /** An ETA this close is run now rather than parked: the promoter's own period is longer. */
    private static final Duration ETA_SLACK = Duration.ofMillis(20);

    private final CeleryEndpoint endpoint;
    private final Set<String> taskNames;
    private ExecutorService workers;

    CeleryConsumer(CeleryEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.taskNames = endpoint.taskNames();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (!endpoint.getComponent().worker) {
            // one switch for every consumer route, including ones an operator adds in YAML
            log.info("celery:{} not consumed here: this node has no worker role", endpoint.getQueueName());
            return;
        }
        if (!endpoint.getComponent().workerQueues.isEmpty()
                && !endpoint.getComponent().workerQueues.contains(endpoint.getQueueName())) {
            log.info("celery:{} not consumed here: not in clipflow.worker.queues", endpoint.getQueueName());
            return;
        }
        int n = endpoint.getConcurrency();
        endpoint.getComponent().supervisor.consuming(endpoint.getQueueName(), n);
        workers = getEndpoint()
                .getCamelContext()
                .getExecutorServiceManager()
                .newFixedThreadPool(this, "celery-" + endpoint.getQueueName(), n);
        for (int i = 0; i < n; i++) {
            workers.submit(this::work);
        }
    }

    @Override
    protected void doStop() throws Exception {
        endpoint.getComponent().supervisor.stoppedConsuming(endpoint.getQueueName());
        if (workers != null) {
            // loops see isRunAllowed() go false after their current poll; running tasks get the grace period, then
            // their FFmpeg is stopped and their messages go back to the queue
            workers.shutdown();
            Duration grace = endpoint.getComponent().delivery.shutdownGrace();
            if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn(
                        "celery:{} tasks still running after {}; stopping them and handing them back",
                        endpoint.getQueueName(),
                        grace);
                endpoint.getComponent().supervisor.stopAll(TaskSupervisor.StopReason.SHUTDOWN);
                workers.awaitTermination(30, TimeUnit.SECONDS);
            }
            workers = null;
        }
        super.doStop();
    }

    private void work() {
        CeleryComponent component = endpoint.getComponent();
        Duration poll = Duration.ofMillis(endpoint.getPollTimeoutMillis());
        try (WorkerConnection waiter = component.queue.connection()) {
            // the message the last task's finish took along: it is in our processing list, so it runs even when
            // this consumer is stopping
            ReliableQueue.Taken next = null;
            while (next != null || takesMore()) {
                ReliableQueue.Taken taken = next;
                next = null;
                if (taken == null) {
                    try {
                        taken = component.queue.take(endpoint.getQueueName(), component.nodeName, poll, waiter);
                    } catch (RuntimeException e) {
                        if (!isRunAllowed()) {
                            return;
                        }
                        log.warn(
                                "celery:{} cannot fetch from Redis ({}); retrying in {}",
                                endpoint.getQueueName(),
                                e.getMessage(),
                                REDIS_DOWN_BACKOFF);
                        sleepQuietly(REDIS_DOWN_BACKOFF);
                        continue;
                    }
                }
                if (taken != null) {
                    try {
                        next = handle(component, taken, waiter);
                    } catch (RuntimeException e) {
                        // the result or the ack could not be written (Redis or DB down): the message stays in the
                        // processing list and is handed back when this node restarts or is declared dead
                        log.error(
                                "celery:{} could not finish a message; it stays in {}'s processing list",
                                endpoint.getQueueName(),
                                component.nodeName,
                                e);
                    }
                }
            }
        }
    }

    /** Whether a finishing task may take the next message along: not while this consumer is stopping. */
    private boolean takesMore() {
        return isRunAllowed() && !isSuspendingOrSuspended();
    }

    /** Handles one message; returns the next one when the task's finish took it along, else null. */
    private ReliableQueue.Taken handle(CeleryComponent c, ReliableQueue.Taken taken, WorkerConnection waiter) {
        String raw = taken.raw();
        String queueName = endpoint.getQueueName();
        String node = c.nodeName;
        TaskTracker tracker = c.tracker;
        String worker = "celery@" + node;
        CeleryMessage message;
        try {
            message = c.codec.decode(raw);
        } catch (CeleryDecodeException e) {
            log.warn("celery:{} dead-lettered an undecodable message: {}", queueName, e.getMessage());
            c.deadLetters.deadLetter(node, queueName, raw, e.getMessage(), 0, null, null);
            c.metrics.deadLettered(null, queueName);
            return null;
        }
        if (!taskNames.isEmpty() && !taskNames.contains(message.taskName())) {
            String reason = "unknown task " + message.taskName() + " on queue " + queueName + " (this queue runs "
                    + String.join(", ", taskNames) + ")";
            log.warn("celery:{} dead-lettered task {}: {}", queueName, message.taskId(), reason);
            tracker.failed(message, "NotRegistered", reason, worker);
            c.deadLetters.deadLetter(
                    node, queueName, raw, reason, message.retries(), message.taskId(), message.taskName());
            c.metrics.deadLettered(message.taskName(), queueName);
            return null;
        }
        Instant now = c.clock.instant();
        // the take already asked Redis when a message was waiting; after a blocking wait, ask now
        ReliableQueue.TaskStatus status =
                message.taskId().equals(taken.taskId()) ? taken.status() : c.queue.status(message.taskId(), waiter);
        if (status == ReliableQueue.TaskStatus.REVOKED) {
            tracker.revoked(message, "revoked", worker);
            c.queue.ack(node, raw);
            return null;
        }
        if (message.expires() != null && message.expires().toInstant().isBefore(now)) {
            tracker.revoked(message, "expired", worker);
            c.queue.ack(node, raw);
            return null;
        }
        if (message.eta() != null && message.eta().toInstant().isAfter(now.plus(ETA_SLACK))) {
            c.queue.delay(
                    node,
                    raw,
                    c.queue.listKey(queueName, message.priority()),
                    message.eta().toInstant(),
                    raw);
            return null;
        }
        if (status == ReliableQueue.TaskStatus.SUCCEEDED) {
            log.info(
                    "celery:{} task {} already succeeded; acking the redelivered copy without running it",
                    queueName,
                    message.taskId());
            c.queue.ack(node, raw);
            return null;
        }
        // every log line of the task's work names it; the video routes add video_id (VideoPipeline.videoId)
        MDC.put("task_id", message.taskId());
        try {
            return start(c, raw, message, worker, waiter);
        } finally {
            MDC.remove("task_id");
            MDC.remove("video_id");
        }
    }

    private ReliableQueue.Taken start(
            CeleryComponent c, String raw, CeleryMessage message, String worker, WorkerConnection waiter) {
        TaskTracker tracker = c.tracker;
        tracker.started(message, worker);
        EventPublisher.Emit startedEvent = endpoint.isEvents() ? c.events.started(message) : null;
        // sent once the task has run clipflow.results.started-after; a task done sooner withholds it (StartNotices)
        StartNotices.Notice start =
                c.starts.announce(() -> c.queue.started(tracker.startedResult(message, worker), startedEvent));
        try {
            return run(c, raw, message, worker, start, startedEvent, waiter);
        } finally {
            start.withhold();
            tracker.ended(message);
        }
    }

    private ReliableQueue.Taken run(
            CeleryComponent c,
            String raw,
            CeleryMessage message,
            String worker,
            StartNotices.Notice start,
            EventPublisher.Emit startedEvent,
            WorkerConnection waiter) {
        String queueName = endpoint.getQueueName();
        TaskTracker tracker = c.tracker;
        boolean events = endpoint.isEvents();
        java.time.Instant started = c.clock.instant();
        TaskSupervisor.Running running = c.supervisor.begin(message);
        long startedNanos = System.nanoTime();
        Exchange exchange = createExchange(false);
        Throwable failure;
        Object body;
        boolean storeResult;
        try {
            exchange.getIn().setBody(message);
            exchange.setVariable(TaskVariables.TASK_ID, message.taskId());
            exchange.setVariable(TaskVariables.TASK_NAME, message.taskName());
            exchange.setVariable(TaskVariables.TASK_RETRIES, message.retries());
            try {
                getProcessor().process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            failure = exchange.getException() != null
                    ? exchange.getException()
                    : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            body = exchange.getMessage().getBody();
            storeResult = !Boolean.FALSE.equals(exchange.getVariable(TaskVariables.STORE_RESULT));
            if (failure != null) {
                failure = c.supervisor.effectiveFailure(message.taskId(), innermost(failure));
            }
        } finally {
            c.supervisor.end(running);
            releaseExchange(exchange, false);
        }
        String node = c.nodeName;
        Duration runtime = Duration.ofNanos(System.nanoTime() - startedNanos);
        String task = message.taskName();
        if (failure == null) {
            c.metrics.ended(task, queueName, "success", runtime);
            if (storeResult && c.canvas.continues(message)) {
                start.flush();
                // result, then the chain's next task or callbacks, then the ack: a crash in between redelivers the
                // message, which is acked as already succeeded after the follow-ups were sent
                tracker.store(tracker.successResult(message, body, worker));
                tracker.succeeded(message, worker);
                c.canvas.succeeded(message, body);
                c.queue.ack(node, raw);
                if (events) {
                    c.events.publishDone(message, body, started);
                }
                return null;
            }
            if (storeResult) {
                // result, ack, events and the next message in one round trip
                boolean startSent = start.withhold();
                ReliableQueue.Taken next = c.queue.finish(
                        queueName,
                        node,
                        raw,
                        tracker.successResult(message, body, worker),
                        events ? c.events.done(message, body, started) : null,
                        startSent || startedEvent == null ? null : startedEvent.text(),
                        takesMore(),
                        waiter);
                try {
                    tracker.succeeded(message, worker);
                } catch (RuntimeException e) {
                    // never drop the message taken along: it would wait in our processing list until a restart
                    log.warn("celery:{} task {} history not recorded: {}", queueName, message.taskId(), e.toString());
                }
                return next;
            }
            start.flush();
            c.queue.ack(node, raw);
            return null;
        }
        start.flush();
        TaskSupervisor.StopReason stop = running.stopReason();
        if (stop == TaskSupervisor.StopReason.SHUTDOWN) {
            String list = c.queue.listKey(queueName, message.priority());
            c.queue.handBack(node, raw, list, c.codec.encode(message.withRedelivered(true)));
            c.metrics.ended(task, queueName, "handed_back", runtime);
            log.info("celery:{} handed task {} back to its queue for another node", queueName, message.taskId());
            return null;
        }
        String type = failure instanceof TaskFailure t
                ? t.excType()
                : failure.getClass().getSimpleName();
        String reason = readable(failure);
        if (stop == TaskSupervisor.StopReason.REVOKED) {
            tracker.revoked(message, "terminated", worker);
            if (events) {
                c.events.stage(message, "REVOKED");
            }
            c.queue.ack(node, raw);
            c.metrics.ended(task, queueName, "revoked", runtime);
            return null;
        }
        if (c.retry.willRetry(message.taskName(), message.retries(), failure)) {
            Instant due = c.clock.instant().plus(c.retry.backoff(message.taskName(), message.retries()));
            CeleryMessage again = message.withRetries(message.retries() + 1)
                    .withEta(due.atOffset(java.time.ZoneOffset.UTC))
                    .withNewDeliveryTag();
            tracker.retrying(message, type, reason, due, worker);
            if (events) {
                c.events.error(message, reason, message.retries() + 1, false);
            }
            c.metrics.ended(task, queueName, "retry", runtime);
            c.metrics.retried(task, queueName);
            c.queue.delay(node, raw, c.queue.listKey(queueName, message.priority()), due, c.codec.encode(again));
            log.info(
                    "celery:{} task {} failed ({}); retry {}/{} at {}",
                    queueName,
                    message.taskId(),
                    reason,
                    message.retries() + 1,
                    c.retry.maxRetries(message.taskName()),
                    due);
            return null;
        }
        tracker.failed(message, type, reason, worker);
        if (events) {
            c.events.error(message, reason, message.retries(), true);
        }
        c.canvas.failed(message);
        // every final failure is kept for inspection and replay (BullMQ's failed set), not only exhausted retries
        String why = RetryPolicy.retryable(c.retry, message.taskName(), failure)
                ? "failed after " + (message.retries() + 1) + " attempts: " + reason
                : type + ": " + reason;
        c.deadLetters.deadLetter(
                node, queueName, raw, why, message.retries() + 1, message.taskId(), message.taskName());
        c.metrics.ended(task, queueName, "failure", runtime);
        c.metrics.deadLettered(task, queueName);
        return null;
    }

    static String readable(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    static Throwable innermost(Throwable failure) {
        Throwable t = failure;
        // Camel wraps bean and exec failures; the innermost message is the one a person can act on
        while (t.getCause() != null
                && t.getCause() != t
                && (t instanceof org.apache.camel.CamelExecutionException
                        || t instanceof org.apache.camel.RuntimeCamelException
                        || t instanceof java.lang.reflect.InvocationTargetException)) {
            t = t.getCause();
        }
        return t;
    }

    private static void sleepQuietly(Duration d) {
        try {
            TimeUnit.MILLISECONDS.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
