package io.clipflow.queue;

import io.clipflow.celery.CeleryMessage;
import io.clipflow.media.RunningProcesses;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The tasks running on this node and the reasons one may be stopped early: soft and hard time limits, revoke with
 * terminate, shutdown. Stopping signals the task's FFmpeg process tree (SIGTERM, or SIGKILL for the hard limit), never
 * the thread, so database and Redis I/O are not cut mid-call. Routes' failure handlers ask {@link #willRunAgain} (video
 * steps: route video-process).
 */
@Component("taskSupervisor")
public class TaskSupervisor implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(TaskSupervisor.class);

    /** Why a task was stopped from outside. */
    public enum StopReason {
        SOFT_TIME_LIMIT,
        TIME_LIMIT,
        REVOKED,
        SHUTDOWN
    }

    /** One task in flight on this node. */
    public static final class Running {
        private final CeleryMessage message;
        private final RunningProcesses.Scope processes;
        private final Duration soft;
        private final Duration hard;
        private final java.time.Instant started = java.time.Instant.now();
        private volatile StopReason stop;
        private ScheduledFuture<?> softTimer;
        private ScheduledFuture<?> hardTimer;

        Running(CeleryMessage message, RunningProcesses.Scope processes, Duration soft, Duration hard) {
            this.message = message;
            this.processes = processes;
            this.soft = soft;
            this.hard = hard;
        }

        public CeleryMessage message() {
            return message;
        }

        public StopReason stopReason() {
            return stop;
        }

        java.time.Instant started() {
            return started;
        }
    }

    /** Time limits set at run time for a task name ({@code celery control time_limit}); either may be null: none. */
    private record Limits(Duration soft, Duration hard) {}

    private final RunningProcesses processes;
    private final RetryPolicy retry;
    private final TaskPolicies policies;
    private final Map<String, Running> byTask = new ConcurrentHashMap<>();
    private final Map<String, Limits> limitsByTask = new ConcurrentHashMap<>();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "task-watchdog");
        t.setDaemon(true);
        return t;
    });

    TaskSupervisor(RunningProcesses processes, RetryPolicy retry, TaskPolicies policies) {
        this.processes = processes;
        this.retry = retry;
        this.policies = policies;
    }

    /** Registers the task the calling thread is about to run and arms its time limits. */
    Running begin(CeleryMessage message) {
        TaskSettings settings = policies.forTask(message.taskName());
        Limits set = limitsByTask.get(message.taskName());
        Duration soft = limit(message.timeLimitSoft(), set != null ? set.soft() : settings.softTimeLimit());
        Duration hard = limit(message.timeLimitHard(), set != null ? set.hard() : settings.timeLimit());
        Running running = new Running(message, processes.open(), soft, hard);
        byTask.put(message.taskId(), running);
        if (soft != null) {
            running.softTimer = watchdog.schedule(
                    () -> stop(running, StopReason.SOFT_TIME_LIMIT), soft.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (hard != null) {
            running.hardTimer = watchdog.schedule(
                    () -> stop(running, StopReason.TIME_LIMIT), hard.toMillis(), TimeUnit.MILLISECONDS);
        }
        return running;
    }

    void end(Running running) {
        if (running.softTimer != null) {
            running.softTimer.cancel(false);
        }
        if (running.hardTimer != null) {
            running.hardTimer.cancel(false);
        }
        byTask.remove(running.message.taskId(), running);
        running.processes.close();
    }

    /** Revoke with terminate: stops the task if it runs on this node. */
    public boolean terminate(String taskId) {
        return terminate(taskId, false);
    }

    /** Revoke with terminate, its FFmpeg process tree getting SIGKILL when {@code kill}, else SIGTERM. */
    boolean terminate(String taskId, boolean kill) {
        Running running = byTask.get(taskId);
        if (running == null) {
            return false;
        }
        stop(running, StopReason.REVOKED, kill);
        return true;
    }

    /**
     * Replaces the configured time limits of {@code task} on this node until it stops (a message's own
     * {@code timelimit} still wins); a null limit is none. For tasks that start from now on.
     */
    void timeLimits(String task, Duration soft, Duration hard) {
        limitsByTask.put(task, new Limits(soft, hard));
    }

    /** The tasks running on this node now. */
    java.util.Collection<Running> running() {
        return java.util.List.copyOf(byTask.values());
    }

    /** Stops every running task for shutdown; they will be handed back to their queues. */
    void stopAll(StopReason reason) {
        byTask.values().forEach(r -> stop(r, reason));
    }

    int runningCount() {
        return byTask.size();
    }

    /** Consumer threads per queue on this node, as started (for the heartbeat and GET /api/ops/workers). */
    private final Map<String, Integer> consumers = new ConcurrentHashMap<>();

    void consuming(String queue, int concurrency) {
        consumers.put(queue, concurrency);
    }

    void stoppedConsuming(String queue) {
        consumers.remove(queue);
    }

    public Map<String, Integer> concurrency() {
        return Map.copyOf(consumers);
    }

    /** The tasks running on this node now, like {@code celery inspect active}. */
    public java.util.List<Map<String, Object>> active() {
        java.time.Instant now = java.time.Instant.now();
        return byTask.values().stream()
                .map(r -> {
                    Map<String, Object> task = new java.util.LinkedHashMap<>();
                    task.put("id", r.message.taskId());
                    task.put("name", r.message.taskName());
                    task.put("queue", r.message.queue());
                    String args = String.valueOf(r.message.args());
                    task.put("args", args.length() > 200 ? args.substring(0, 200) + "…" : args);
                    task.put("started", r.started.toString());
                    task.put(
                            "runtime_seconds",
                            java.time.Duration.between(r.started, now).toMillis() / 1000.0);
                    return task;
                })
                .toList();
    }

    /**
     * For a route's failure handler: will this task run again after this failure (a retry, or a hand-back on
     * shutdown)? When true, the subject (a video) must stay in progress rather than be marked failed.
     */
    public boolean willRunAgain(String taskId, Throwable failure) {
        Running running = byTask.get(taskId);
        if (running == null) {
            return false;
        }
        if (running.stop == StopReason.SHUTDOWN) {
            return true;
        }
        if (running.stop == StopReason.REVOKED) {
            return false;
        }
        CeleryMessage message = running.message;
        return retry.willRetry(message.taskName(), message.retries(), effectiveFailure(taskId, failure));
    }

    /** The failure as results should name it: the stop reason when the task was stopped, else the failure itself. */
    public Throwable effectiveFailure(String taskId, Throwable failure) {
        Running running = byTask.get(taskId);
        StopReason stop = running == null ? null : running.stop;
        if (stop == null) {
            return failure;
        }
        return switch (stop) {
            case SOFT_TIME_LIMIT -> new TaskFailure(
                    "SoftTimeLimitExceeded", "soft time limit (" + seconds(running.soft) + " s) exceeded");
            case TIME_LIMIT -> new TaskFailure(
                    "TimeLimitExceeded", "hard time limit (" + seconds(running.hard) + " s) exceeded");
            case REVOKED -> new TaskFailure("TaskRevokedError", "revoked");
            case SHUTDOWN -> new TaskFailure("WorkerShutdown", "stopped by worker shutdown; handed back to its queue");
        };
    }

    public Optional<StopReason> stopReason(String taskId) {
        return Optional.ofNullable(byTask.get(taskId)).map(r -> r.stop);
    }

    private void stop(Running running, StopReason reason) {
        stop(running, reason, reason == StopReason.TIME_LIMIT);
    }

    private void stop(Running running, StopReason reason, boolean kill) {
        synchronized (running) {
            // the hard limit outranks everything; otherwise the first reason stands
            if (running.stop != null && reason != StopReason.TIME_LIMIT) {
                return;
            }
            running.stop = reason;
        }
        boolean signalled = kill ? running.processes.kill() : running.processes.terminate();
        log.warn(
                "task {} ({}) stopped: {}{}",
                running.message.taskId(),
                running.message.taskName(),
                reason,
                signalled ? "" : " (no process running now; the next one it starts is stopped at once)");
    }

    private static Duration limit(Double fromMessage, Duration configured) {
        if (fromMessage != null && fromMessage > 0) {
            return Duration.ofMillis(Math.round(fromMessage * 1000));
        }
        return configured;
    }

    private static String seconds(Duration d) {
        return d == null ? "?" : Long.toString(Math.max(1, Math.round(d.toMillis() / 1000.0)));
    }

    @Override
    public void destroy() {
        watchdog.shutdownNow();
    }
}
