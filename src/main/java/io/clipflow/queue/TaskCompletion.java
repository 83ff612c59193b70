package io.clipflow.queue;

import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.task.TaskBookkeeping;
import io.clipflow.task.TaskLifecycleEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every way a taken message can end on this node, one method each, with all of its effects in one place and in the
 * order the delivery guarantees need: the result is stored before the message leaves the processing list. The
 * bookkeeping (results, history), the live events, the queue and the meters are its four kinds of effect; Celery's
 * monitoring events ({@link WorkerEvents}) follow each ending's effects.
 */
class TaskCompletion {

    private static final Logger log = LoggerFactory.getLogger(TaskCompletion.class);

    private final Delivery delivery;
    private final TaskBookkeeping bookkeeping;
    private final TaskLifecycleEvents events;
    private final WorkerEvents celery;
    private final FollowUps followUps;
    private final RetryPolicy retry;
    private final CeleryMessageCodec codec;
    private final TaskMetrics metrics;
    private final StartNotices starts;
    private final Clock clock;
    private final String worker;

    TaskCompletion(
            Delivery delivery,
            TaskBookkeeping bookkeeping,
            TaskLifecycleEvents events,
            WorkerEvents celery,
            FollowUps followUps,
            RetryPolicy retry,
            CeleryMessageCodec codec,
            TaskMetrics metrics,
            StartNotices starts,
            Clock clock,
            String worker) {
        this.delivery = delivery;
        this.bookkeeping = bookkeeping;
        this.events = events;
        this.celery = celery;
        this.followUps = followUps;
        this.retry = retry;
        this.codec = codec;
        this.metrics = metrics;
        this.starts = starts;
        this.clock = clock;
        this.worker = worker;
    }

    /** Carries out an admission that does not run the task. */
    void refused(String queue, Admission admission) {
        if (admission instanceof Admission.Undecodable u) {
            undecodable(queue, u);
        } else if (admission instanceof Admission.NotRegistered n) {
            notRegistered(queue, n);
        } else if (admission instanceof Admission.Revoked r) {
            revokedBeforeRunning(r);
        } else if (admission instanceof Admission.Delayed d) {
            delayed(queue, d);
        } else if (admission instanceof Admission.AlreadySucceeded s) {
            alreadySucceeded(queue, s);
        } else {
            throw new IllegalArgumentException("a task to run is not refused: " + admission.raw());
        }
    }

    void undecodable(String queue, Admission.Undecodable u) {
        log.warn("celery:{} dead-lettered an undecodable message: {}", queue, u.reason());
        delivery.deadLetter(queue, u.raw(), u.reason(), 0, null, null);
        metrics.deadLettered(null, queue);
    }

    void notRegistered(String queue, Admission.NotRegistered n) {
        CeleryMessage message = n.message();
        log.warn("celery:{} dead-lettered task {}: {}", queue, message.taskId(), n.reason());
        bookkeeping.failed(message, "NotRegistered", n.reason(), worker);
        delivery.deadLetter(queue, n.raw(), n.reason(), message.retries(), message.taskId(), message.taskName());
        metrics.deadLettered(message.taskName(), queue);
        // as Celery's worker reports a task it does not know
        celery.failed(message, "NotRegistered", new TaskFailure("NotRegistered", message.taskName()));
    }

    void revokedBeforeRunning(Admission.Revoked r) {
        bookkeeping.revoked(r.message(), r.why(), worker);
        delivery.ack(r.raw());
        celery.revoked(r.message(), false, "expired".equals(r.why()));
    }

    void delayed(String queue, Admission.Delayed d) {
        delivery.delay(d.raw(), delivery.listKey(queue, d.message().priority()), d.due(), d.raw());
        celery.received(d.message());
    }

    void alreadySucceeded(String queue, Admission.AlreadySucceeded s) {
        log.info(
                "celery:{} task {} already succeeded; acking the redelivered copy without running it",
                queue,
                s.message().taskId());
        delivery.ack(s.raw());
    }

    /** The task is admitted to run: received, before it waits for a rate limit's turn. */
    void received(Admission.Run run) {
        celery.received(run.message());
    }

    /** The task starts: STARTED in the history now, and as a result and event once it has run long enough. */
    Attempt begin(String queue, Admission.Run run, boolean withEvents, WorkerConnection connection) {
        CeleryMessage message = run.message();
        bookkeeping.started(message, worker);
        celery.started(message);
        var startedEvent = withEvents ? events.started(message) : null;
        // a task done sooner than clipflow.results.started-after withholds it (StartNotices)
        StartNotices.Notice notice =
                starts.announce(() -> delivery.started(bookkeeping.startedResult(message, worker), startedEvent));
        return new Attempt(
                queue, run.raw(), message, worker, withEvents, clock.instant(), notice, startedEvent, connection);
    }

    /**
     * Ends a run with the ending its outcome calls for; returns the next message when the finish took one along.
     *
     * @param failure the innermost failure, or null when the route succeeded
     * @param stop why the supervisor stopped the task, or null
     * @param storeResult false when the route asked for no result ({@code ignore_result})
     * @param takeNext whether a success may take the queue's next message along (not while the consumer stops)
     */
    ReliableQueue.Taken end(
            Attempt a,
            Object body,
            boolean storeResult,
            Throwable failure,
            TaskSupervisor.StopReason stop,
            Duration runtime,
            boolean takeNext) {
        if (failure == null) {
            return succeeded(a, body, storeResult, runtime, takeNext);
        }
        a.notice().flush();
        if (stop == TaskSupervisor.StopReason.SHUTDOWN) {
            handedBack(a, runtime);
        } else if (stop == TaskSupervisor.StopReason.REVOKED) {
            terminated(a, runtime);
        } else if (retry.willRetry(a.message().taskName(), a.message().retries(), failure)) {
            retried(a, failure, runtime);
        } else {
            failed(a, failure, runtime);
        }
        return null;
    }

    /** The worker is done with the run, however it ended (always called, after the ending). */
    void ended(Attempt a) {
        a.notice().withhold();
        bookkeeping.ended(a.message());
    }

    ReliableQueue.Taken succeeded(Attempt a, Object body, boolean storeResult, Duration runtime, boolean takeNext) {
        CeleryMessage message = a.message();
        metrics.ended(message.taskName(), a.queue(), "success", runtime);
        if (!storeResult) {
            a.notice().flush();
            delivery.ack(a.raw());
            celery.succeeded(message, body, runtime);
            return null;
        }
        if (followUps.continues(message)) {
            a.notice().flush();
            // result, then the chain's next task or callbacks, then the ack: a crash in between redelivers the
            // message, which is acked as already succeeded after the follow-ups were sent
            bookkeeping.store(bookkeeping.successResult(message, body, worker));
            bookkeeping.succeeded(message, worker);
            followUps.succeeded(message, body);
            delivery.ack(a.raw());
            if (a.events()) {
                events.publishDone(message, body, a.startedAt());
            }
            celery.succeeded(message, body, runtime);
            return null;
        }
        // result, ack, events and the next message in one round trip
        boolean startSent = a.notice().withhold();
        ReliableQueue.Taken next = delivery.finish(
                a.queue(),
                a.raw(),
                bookkeeping.successResult(message, body, worker),
                a.events() ? events.done(message, body, a.startedAt()) : null,
                startSent || a.startedEvent() == null ? null : a.startedEvent().text(),
                takeNext,
                a.connection());
        try {
            bookkeeping.succeeded(message, worker);
        } catch (RuntimeException e) {
            // never drop the message taken along: it would wait in our processing list until a restart
            log.warn("celery:{} task {} history not recorded: {}", a.queue(), message.taskId(), e.toString());
        }
        celery.succeeded(message, body, runtime);
        return next;
    }

    void handedBack(Attempt a, Duration runtime) {
        CeleryMessage message = a.message();
        String list = delivery.listKey(a.queue(), message.priority());
        delivery.handBack(a.raw(), list, codec.encode(message.withRedelivered(true)));
        metrics.ended(message.taskName(), a.queue(), "handed_back", runtime);
        celery.rejected(message, true);
        log.info("celery:{} handed task {} back to its queue for another node", a.queue(), message.taskId());
    }

    void terminated(Attempt a, Duration runtime) {
        bookkeeping.revoked(a.message(), "terminated", worker);
        if (a.events()) {
            events.stage(a.message(), "REVOKED");
        }
        delivery.ack(a.raw());
        metrics.ended(a.message().taskName(), a.queue(), "revoked", runtime);
        celery.revoked(a.message(), true, false);
    }

    void retried(Attempt a, Throwable failure, Duration runtime) {
        CeleryMessage message = a.message();
        String task = message.taskName();
        String type = excType(failure);
        String reason = readable(failure);
        Instant due = clock.instant().plus(retry.backoff(task, message.retries(), failure));
        CeleryMessage again = message.withRetries(message.retries() + 1)
                .withEta(due.atOffset(ZoneOffset.UTC))
                .withNewDeliveryTag();
        bookkeeping.retrying(message, type, reason, due, worker);
        if (a.events()) {
            events.error(message, reason, message.retries() + 1, false);
        }
        metrics.ended(task, a.queue(), "retry", runtime);
        metrics.retried(task, a.queue());
        delivery.delay(a.raw(), delivery.listKey(a.queue(), message.priority()), due, codec.encode(again));
        celery.retried(message, type, failure);
        log.info(
                "celery:{} task {} failed ({}); retry {}/{} at {}",
                a.queue(),
                message.taskId(),
                reason,
                message.retries() + 1,
                retry.maxRetries(task),
                due);
    }

    void failed(Attempt a, Throwable failure, Duration runtime) {
        CeleryMessage message = a.message();
        String task = message.taskName();
        String type = excType(failure);
        String reason = readable(failure);
        bookkeeping.failed(message, type, reason, worker);
        if (a.events()) {
            events.error(message, reason, message.retries(), true);
        }
        followUps.failed(message);
        // every final failure is kept for inspection and replay (BullMQ's failed set), not only exhausted retries
        String why = RetryPolicy.retryable(retry, task, failure)
                ? "failed after " + (message.retries() + 1) + " attempts: " + reason
                : type + ": " + reason;
        delivery.deadLetter(a.queue(), a.raw(), why, message.retries() + 1, message.taskId(), task);
        metrics.ended(task, a.queue(), "failure", runtime);
        metrics.deadLettered(task, a.queue());
        celery.failed(message, type, failure);
    }

    private static String excType(Throwable failure) {
        return failure instanceof TaskFailure t
                ? t.excType()
                : failure.getClass().getSimpleName();
    }

    static String readable(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
