package io.clipflow.task;

import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The task history table, written behind: workers hand state changes to a queue and go on; one writer thread applies
 * whatever has gathered in one transaction (one SELECT of the rows concerned, then batched UPDATEs and INSERTs),
 * following {@link TaskRecord#moveTo}'s state rules in the order the changes happened. A task's STARTED and SUCCESS
 * usually land in the same batch, so a busy worker writes one row per task instead of two transactions.
 *
 * <p>The live state never waits for this: results are in Redis before the change is queued. Readers on this node see
 * their own writes ({@link #flush()} runs first); another node sees them within one batch (milliseconds). A crash loses
 * at most the changes not yet written; results, messages and acks are unaffected. When the database falls behind,
 * the bounded queue makes workers wait rather than grow the heap.
 */
@Component
class TaskHistory {

    private static final Logger log = LoggerFactory.getLogger(TaskHistory.class);
    private static final int MAX_BATCH = 5000;
    /** Rows looked up per SELECT; shorter lists are padded to a few fixed sizes, so the statement is parsed once. */
    private static final int[] SELECT_SIZES = {8, 64, 512};

    private static final long LINGER_MILLIS = 25;

    /**
     * One state change of one task.
     *
     * @param retries null keeps the row's count
     * @param call the task's arguments and links from its message, written beside the row once (null: not known);
     *     read only for a row that is written, so a task that leaves no row never has its arguments serialized
     * @param name null when the task is only updated (never inserted) by this change; a change that follows a
     *     STARTED must carry it, since with {@code owned-and-failed} an anonymous task's STARTED alone writes no row
     */
    record Change(
            String taskId,
            String name,
            String queue,
            TaskState state,
            String worker,
            String error,
            Integer retries,
            Instant at,
            java.util.function.Supplier<TaskCallInfo> call) {

        Change(
                String taskId,
                String name,
                String queue,
                TaskState state,
                String worker,
                String error,
                Integer retries,
                Instant at) {
            this(taskId, name, queue, state, worker, error, retries, at, null);
        }
    }

    private final JdbcTemplate jdbc;
    private final boolean everyTask;
    private final TransactionTemplate tx;
    private final BlockingQueue<Change> pending = new LinkedBlockingQueue<>(50_000);
    private final Object writing = new Object();
    private final Thread writer;
    private volatile boolean running = true;

    private final TaskCalls calls;

    TaskHistory(JdbcTemplate jdbc, TransactionTemplate tx, ResultProperties properties, TaskCalls calls) {
        this.calls = calls;
        this.everyTask = properties.history() == ResultProperties.History.ALL;
        this.jdbc = jdbc;
        this.tx = tx;
        this.writer = new Thread(this::writeLoop, "task-history");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Queues a change; waits only when the database is 50,000 changes behind. */
    void add(Change change) {
        try {
            pending.put(change);
            LockSupport.unpark(writer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing task history", e);
        }
    }

    /** Writes every change queued before this call; for readers that must see them. */
    void flush() {
        synchronized (writing) {
            List<Change> batch = new ArrayList<>();
            while (pending.drainTo(batch, MAX_BATCH) > 0) {
                write(batch);
                batch.clear();
            }
        }
    }

    private void writeLoop() {
        List<Change> batch = new ArrayList<>();
        while (running) {
            try {
                if (pending.isEmpty()) {
                    LockSupport.parkNanos(200_000_000L);
                    continue;
                }
                // let a short task's STARTED meet its end: one INSERT instead of an INSERT and an UPDATE
                Thread.sleep(LINGER_MILLIS);
                // changes leave the queue only under the lock, so a flush() never overtakes an earlier change
                synchronized (writing) {
                    pending.drainTo(batch, MAX_BATCH);
                    write(batch);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("task history: {} changes not written", batch.size(), e);
            } finally {
                batch.clear();
            }
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        writer.join(5000);
        flush();
    }

    private void write(List<Change> changes) {
        Map<String, List<Change>> byTask = new LinkedHashMap<>();
        for (Change c : changes) {
            byTask.computeIfAbsent(c.taskId(), k -> new ArrayList<>()).add(c);
        }
        try {
            tx.executeWithoutResult(s -> apply(byTask));
        } catch (DataIntegrityViolationException e) {
            // another node inserted one of these tasks meanwhile (a redelivered copy): apply task by task
            for (Map.Entry<String, List<Change>> one : byTask.entrySet()) {
                tx.executeWithoutResult(s -> apply(Map.of(one.getKey(), one.getValue())));
            }
        }
    }

    private void apply(Map<String, List<Change>> byTask) {
        Map<String, TaskRecord> rows = load(new ArrayList<>(byTask.keySet()));
        List<Object[]> updates = new ArrayList<>();
        List<Object[]> inserts = new ArrayList<>();
        Map<String, TaskCallInfo> newCalls = new HashMap<>();
        for (Map.Entry<String, List<Change>> e : byTask.entrySet()) {
            TaskRecord row = rows.get(e.getKey());
            boolean existing = row != null;
            if (!existing && !everyTask && e.getValue().stream().allMatch(TaskHistory::plainSuccess)) {
                continue;
            }
            for (Change c : e.getValue()) {
                if (row == null) {
                    if (c.name() == null) {
                        continue;
                    }
                    row = new TaskRecord(c.taskId(), c.name(), c.queue(), null, null, c.at());
                }
                row.moveTo(
                        c.state(), c.worker(), c.error(), c.retries() == null ? row.getRetries() : c.retries(), c.at());
            }
            if (row == null) {
                continue;
            }
            e.getValue().stream()
                    .filter(c -> c.call() != null && (c.state() == TaskState.STARTED || !existing))
                    .findFirst()
                    .ifPresent(c -> newCalls.put(c.taskId(), c.call().get()));
            if (existing) {
                updates.add(new Object[] {
                    row.getState().name(),
                    row.getRetries(),
                    row.getWorker(),
                    row.getError(),
                    ts(row.getStartedAt()),
                    ts(row.getFinishedAt()),
                    row.getTaskId()
                });
            } else {
                inserts.add(new Object[] {
                    row.getTaskId(),
                    row.getName(),
                    row.getQueue(),
                    row.getState().name(),
                    row.getRetries(),
                    row.getWorker(),
                    row.getError(),
                    ts(row.getCreatedAt()),
                    ts(row.getStartedAt()),
                    ts(row.getFinishedAt())
                });
            }
        }
        if (!updates.isEmpty()) {
            jdbc.batchUpdate(
                    "update task set state = ?, retries = ?, worker = ?, error = ?, started_at = ?, finished_at = ?"
                            + " where task_id = ?",
                    updates);
        }
        if (!inserts.isEmpty()) {
            jdbc.batchUpdate(
                    "insert into task (task_id, name, queue, state, retries, worker, error, created_at, started_at,"
                            + " finished_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    inserts);
        }
        calls.addAll(newCalls);
    }

    private static boolean plainSuccess(Change c) {
        return c.state() == TaskState.STARTED || c.state() == TaskState.SUCCESS;
    }

    /** The current rows of these tasks, as records the state rules can be applied to. */
    private Map<String, TaskRecord> load(List<String> ids) {
        Map<String, TaskRecord> rows = new HashMap<>();
        int max = SELECT_SIZES[SELECT_SIZES.length - 1];
        for (int from = 0; from < ids.size(); from += max) {
            List<String> chunk = new ArrayList<>(ids.subList(from, Math.min(ids.size(), from + max)));
            int size = max;
            for (int candidate : SELECT_SIZES) {
                if (candidate >= chunk.size()) {
                    size = candidate;
                    break;
                }
            }
            while (chunk.size() < size) {
                chunk.add(chunk.get(0));
            }
            String marks = String.join(",", Collections.nCopies(size, "?"));
            jdbc.query(
                    "select task_id, name, queue, owner_id, video_id, state, retries, worker, error, created_at,"
                            + " started_at, finished_at from task where task_id in (" + marks + ")",
                    rs -> {
                        TaskRecord r = TaskRecord.of(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                (Long) rs.getObject(4),
                                (Long) rs.getObject(5),
                                TaskState.valueOf(rs.getString(6)),
                                rs.getInt(7),
                                rs.getString(8),
                                rs.getString(9),
                                instant(rs, 10),
                                instant(rs, 11),
                                instant(rs, 12));
                        rows.put(r.getTaskId(), r);
                    },
                    chunk.toArray());
        }
        return rows;
    }

    private static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(java.sql.ResultSet rs, int column) throws java.sql.SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
