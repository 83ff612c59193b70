package io.clipflow.task;

import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryResult;
import io.clipflow.security.ClipflowUser;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one place a task's state changes: writes the live state to the result backend (what Celery clients read) and
 * the history row to the database (what the API and audits read). Called by the celery consumer and by routes.
 */
@Component("taskTracker")
public class TaskTracker implements TaskBookkeeping {

    private static final long PID = ProcessHandle.current().pid();

    private final ResultBackend backend;
    private final TaskRecordRepository records;
    private final TransactionTemplate tx;
    private final ResultProperties properties;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final TaskHistory history;
    private final TaskCalls calls;
    private final boolean everyTask;
    /**
     * STARTED history changes of running anonymous tasks, held back until the task ends: a plain success drops them
     * (with {@code owned-and-failed} it gets no row), any other ending writes them first.
     */
    private final Map<String, TaskHistory.Change> heldStarts = new ConcurrentHashMap<>();

    TaskTracker(
            ResultBackend backend,
            TaskRecordRepository records,
            TaskHistory history,
            TransactionTemplate tx,
            ResultProperties properties,
            Clock clock,
            ApplicationEventPublisher events,
            TaskCalls calls) {
        this.calls = calls;
        this.events = events;
        this.history = history;
        this.backend = backend;
        this.records = records;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
        this.everyTask = properties.history() == ResultProperties.History.ALL;
    }

    /**
     * Records a task this node ran itself outside any queue (a scheduled cleanup), finished, with its result stored in
     * the result backend like any task's so {@code GET /api/tasks/<id>} shows what it did.
     */
    public String recordScheduled(String name, Map<String, Object> result) {
        String taskId = java.util.UUID.randomUUID().toString();
        Instant now = clock.instant();
        tx.executeWithoutResult(s -> {
            TaskRecord record = new TaskRecord(taskId, name, null, null, null, now);
            record.moveTo(TaskState.STARTED, "scheduler", null, 0, now);
            record.moveTo(TaskState.SUCCESS, "scheduler", null, 0, now);
            records.save(record);
        });
        backend.store(CeleryResult.success(taskId, result));
        return taskId;
    }

    /** Forgets finished tasks' history rows older than {@code before}; returns how many. */
    public int deleteHistoryBefore(Instant before) {
        history.flush();
        Integer n = tx.execute(s -> records.deleteFinishedBefore(before));
        return n == null ? 0 : n;
    }

    /** Counts, throughput, failure rate and runtime percentiles from the task history, like celery inspect stats. */
    public TaskStats stats() {
        history.flush();
        Instant now = clock.instant();
        Instant hourAgo = now.minus(java.time.Duration.ofHours(1));
        boolean everyTask = properties.history() == ResultProperties.History.ALL;
        return tx.execute(s -> {
            List<Object[]> lastHour = records.countFinishedSince(hourAgo);
            // without a row per anonymous success, their failures alone would make the rate look far too high
            List<Object[]> rateBasis = everyTask ? lastHour : records.countOwnedFinishedSince(hourAgo);
            return TaskStats.of(
                    records.countByState(),
                    records.countFinishedSince(now.minus(java.time.Duration.ofMinutes(1))),
                    lastHour,
                    rateBasis,
                    everyTask ? TaskStats.ALL_TASKS : TaskStats.OWNED_TASKS,
                    records.runtimesSince(now.minus(java.time.Duration.ofDays(1))));
        });
    }

    /** Records a task this node is about to send, so its owner can see it before any worker does. */
    public void queued(String taskId, String name, String queue, Long ownerId, Long videoId) {
        records.save(new TaskRecord(taskId, name, queue, ownerId, videoId, clock.instant()));
    }

    /** {@link #queued} with the message's arguments, so they can be searched and retried from the moment it is sent. */
    public void queued(CeleryMessage message, String queue, Long ownerId, Long videoId) {
        tx.executeWithoutResult(s -> {
            records.saveAndFlush(
                    new TaskRecord(message.taskId(), message.taskName(), queue, ownerId, videoId, clock.instant()));
            calls.addAll(java.util.Map.of(message.taskId(), TaskCallInfo.of(message)));
        });
    }

    /**
     * Records STARTED in the history; the STARTED result itself is {@link #startedResult}. For a task that can have
     * no row yet and needs none if it succeeds (no owner, first attempt, {@code owned-and-failed}), the change is held
     * in memory until the task ends, so a plain success costs the database nothing.
     */
    public void started(CeleryMessage message, String worker) {
        TaskHistory.Change change = change(message, TaskState.STARTED, worker, null);
        if (everyTask || hasRow(message)) {
            history.add(change);
        } else {
            heldStarts.put(message.taskId(), change);
        }
    }

    /**
     * Whether the task may already have a history row: the API and uploads record a task before sending it and name
     * its owner in the message; a retried task got a row with its first failure.
     */
    private static boolean hasRow(CeleryMessage message) {
        return message.retries() > 0 || message.ownerId() != null;
    }

    /**
     * The STARTED result, for the worker to send without waiting (nobody waits on it; it can never land over the
     * SUCCESS that follows: {@code ReliableQueue.started}); built only when a task runs long enough to send it.
     */
    public ResultBackend.Write startedResult(CeleryMessage message, String worker) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("pid", PID);
        meta.put("hostname", worker);
        return backend.prepare(extended(CeleryResult.started(message.taskId(), meta), message, worker));
    }

    /** The SUCCESS result to store (with the message's ack, {@code ReliableQueue.finish}). */
    public ResultBackend.Write successResult(CeleryMessage message, Object result, String worker) {
        return backend.prepare(extended(CeleryResult.success(message.taskId(), result), message, worker));
    }

    /** Stores a prepared result now, unless a SUCCESS is already there. */
    public boolean store(ResultBackend.Write result) {
        return backend.store(result);
    }

    /** Records the SUCCESS stored with {@link #successResult} in the history. */
    public void succeeded(CeleryMessage message, String worker) {
        if (heldStarts.remove(message.taskId()) == null) {
            record(message, TaskState.SUCCESS, worker, null);
        }
    }

    /**
     * The worker is done with the task, however it ended: a STARTED still held (a task handed back at shutdown, or one
     * that stores no result) is dropped, as a STARTED alone writes no row for such a task anyway.
     */
    public void ended(CeleryMessage message) {
        heldStarts.remove(message.taskId());
    }

    public void failed(CeleryMessage message, String excType, String reason, String worker) {
        backend.store(
                extended(CeleryResult.failure(message.taskId(), excType, reason, "clipflow", null), message, worker));
        record(message, TaskState.FAILURE, worker, reason);
    }

    /** A failed attempt that will run again at {@code due}; RETRY carries the exception and the due time. */
    public void retrying(CeleryMessage message, String excType, String reason, Instant due, String worker) {
        CeleryResult retry = CeleryResult.retry(message.taskId(), excType, reason, "clipflow", null);
        com.fasterxml.jackson.databind.node.ObjectNode info =
                (com.fasterxml.jackson.databind.node.ObjectNode) retry.result();
        info.put("retry_eta", due.atOffset(java.time.ZoneOffset.UTC).toString());
        info.put("retries", message.retries() + 1);
        backend.store(extended(
                new CeleryResult(
                        retry.status(),
                        info,
                        retry.traceback(),
                        retry.children(),
                        retry.dateDone(),
                        retry.taskId(),
                        retry.groupId(),
                        retry.parentId(),
                        retry.extended()),
                message,
                worker));
        record(message, TaskState.RETRY, worker, reason + " (retry " + (message.retries() + 1) + " at " + due + ")");
    }

    /** Revoked (by a user, or because it expired) before or while running; its subject is told through an event. */
    public void revoked(CeleryMessage message, String reason, String worker) {
        backend.store(extended(CeleryResult.revoked(message.taskId(), reason), message, worker));
        record(message, TaskState.REVOKED, worker, reason);
        events.publishEvent(new TaskEndedEarly(message.taskId(), reason));
    }

    /** Revokes by id from the API, for a task that may not have reached any worker yet. */
    public void revoked(String taskId, String reason) {
        backend.store(CeleryResult.revoked(taskId, reason));
        history.add(new TaskHistory.Change(taskId, null, null, TaskState.REVOKED, null, reason, null, clock.instant()));
        events.publishEvent(new TaskEndedEarly(taskId, reason));
    }

    /** A running task's progress (Celery's custom-state idiom: state PROGRESS, meta as the result). */
    public void progress(String taskId, Map<String, Object> meta) {
        backend.store(CeleryResult.progress(taskId, meta));
    }

    /** The task met its subject locked by another running task and did nothing. */
    public void skipped(String taskId, String name, String reason) {
        releaseStart(taskId);
        history.add(new TaskHistory.Change(taskId, name, null, TaskState.SKIPPED, null, reason, null, clock.instant()));
    }

    /**
     * Whether {@code user} may see anything about the task: an admin any task, a user only tasks recorded as theirs.
     * The one ownership rule for task ids, also for dead letters and task event channels, which carry a task id.
     */
    public boolean visibleTo(String taskId, ClipflowUser user) {
        if (user.seesEverything()) {
            return true;
        }
        return records.findById(taskId)
                .map(TaskRecord::getOwnerId)
                .filter(owner -> owner == user.id())
                .isPresent();
    }

    /** The tasks that processed a video, oldest first, this node's pending history writes included. */
    public List<TaskRecord> forVideo(long videoId) {
        history.flush();
        return records.findByVideoIdOrderByCreatedAtAsc(videoId);
    }

    /** The task's call (arguments, parent, root, group, ETA) when it has a history row and its call was kept. */
    public Optional<TaskCallInfo> call(String taskId) {
        history.flush();
        return calls.find(taskId);
    }

    /** Tasks that name {@code taskId} as their parent, oldest first (at most 100). */
    public List<String> children(String taskId) {
        history.flush();
        return calls.children(taskId);
    }

    /** The task's history row, including every change this node made to it so far. */
    public Optional<TaskRecord> find(String taskId) {
        history.flush();
        return records.findById(taskId);
    }

    public Optional<CeleryResult> result(String taskId) {
        return backend.get(taskId);
    }

    private CeleryResult extended(CeleryResult result, CeleryMessage message, String worker) {
        if (properties.extended()) {
            return result.forRequest(message, worker);
        }
        // Celery writes group_id and parent_id whether or not result_extended is on
        return result.withGroupId(message.group()).withParentId(message.parentId());
    }

    private void record(CeleryMessage message, TaskState state, String worker, String error) {
        releaseStart(message.taskId());
        history.add(change(message, state, worker, error));
    }

    /** A held STARTED goes to the history before the task's next change: the row then shows when it started. */
    private void releaseStart(String taskId) {
        TaskHistory.Change held = heldStarts.remove(taskId);
        if (held != null) {
            history.add(held);
        }
    }

    private TaskHistory.Change change(CeleryMessage message, TaskState state, String worker, String error) {
        return new TaskHistory.Change(
                message.taskId(),
                message.taskName(),
                message.queue(),
                state,
                worker,
                error,
                message.retries(),
                clock.instant(),
                () -> TaskCallInfo.of(message));
    }
}
