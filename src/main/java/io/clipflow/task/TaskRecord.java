package io.clipflow.task;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One task in the history table; the live state lives in the result backend. */
@Entity
@Table(name = "task")
public class TaskRecord {
    @Id
    @Column(name = "task_id")
    private String taskId;

    @Column(nullable = false)
    private String name;

    private String queue;

    @Column(name = "owner_id")
    private Long ownerId;

    @Column(name = "video_id")
    private Long videoId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private TaskState state;

    private int retries;
    private String worker;
    private String error;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "started_at")
    private Instant startedAt;

    @Column(name = "finished_at")
    private Instant finishedAt;

    protected TaskRecord() {}

    TaskRecord(String taskId, String name, String queue, Long ownerId, Long videoId, Instant now) {
        this.taskId = taskId;
        this.name = name;
        this.queue = queue;
        this.ownerId = ownerId;
        this.videoId = videoId;
        this.state = TaskState.PENDING;
        this.createdAt = now;
    }

    /** A row as read with plain JDBC ({@link TaskHistory}). */
    static TaskRecord of(
            String taskId,
            String name,
            String queue,
            Long ownerId,
            Long videoId,
            TaskState state,
            int retries,
            String worker,
            String error,
            Instant createdAt,
            Instant startedAt,
            Instant finishedAt) {
        TaskRecord r = new TaskRecord(taskId, name, queue, ownerId, videoId, createdAt);
        r.state = state;
        r.retries = retries;
        r.worker = worker;
        r.error = error;
        r.startedAt = startedAt;
        r.finishedAt = finishedAt;
        return r;
    }

    /** Applies a state change the state machine allows; returns false (and changes nothing) otherwise. */
    boolean moveTo(TaskState target, String worker, String error, int retries, Instant now) {
        if (!state.canTransitionTo(target)) {
            return false;
        }
        state = target;
        this.retries = retries;
        if (worker != null) {
            this.worker = worker;
        }
        if (target == TaskState.STARTED) {
            startedAt = now;
            finishedAt = null;
            this.error = null;
        }
        if (target.isReady()) {
            finishedAt = now;
            this.error = error == null ? null : error.length() > 4000 ? error.substring(0, 4000) : error;
        }
        return true;
    }

    public String getTaskId() {
        return taskId;
    }

    public String getName() {
        return name;
    }

    public String getQueue() {
        return queue;
    }

    public Long getOwnerId() {
        return ownerId;
    }

    public Long getVideoId() {
        return videoId;
    }

    public TaskState getState() {
        return state;
    }

    public int getRetries() {
        return retries;
    }

    public String getWorker() {
        return worker;
    }

    public String getError() {
        return error;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getStartedAt() {
        return startedAt;
    }

    public Instant getFinishedAt() {
        return finishedAt;
    }
}
