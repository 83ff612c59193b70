package io.clipflow.queue;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Delivery settings of one task name ({@code clipflow.tasks."[videos.tasks.process_video]".max-retries: 3}).
 *
 * @param maxRetries attempts after the first (Celery's {@code max_retries}); then the message is dead-lettered
 * @param retryBackoff delay before the first retry; doubles every retry (Celery's {@code retry_backoff})
 * @param retryBackoffMax cap on the delay (Celery's {@code retry_backoff_max})
 * @param retryJitter spread each delay randomly over [delay/2, delay] so retries of many tasks do not align
 * @param softTimeLimit the task's FFmpeg gets SIGTERM and the task fails with SoftTimeLimitExceeded; null: none
 * @param timeLimit hard limit: the process tree is killed and the task fails with TimeLimitExceeded; null: none
 * @param retryFor exception class names (simple, matched on the whole class hierarchy) that are retried; empty:
 *     every exception not in {@code dontRetryFor}
 * @param dontRetryFor exception class names that are final at once (bad input is not fixed by retrying)
 * @param queue for a task served by another worker (e.g. Python): the queue to send it to; tasks run here get their
 *     queue from their route's {@code celery:} endpoint
 */
public record TaskSettings(
        @DefaultValue("3") int maxRetries,
        @DefaultValue("2s") Duration retryBackoff,
        @DefaultValue("10m") Duration retryBackoffMax,
        @DefaultValue("true") boolean retryJitter,
        Duration softTimeLimit,
        Duration timeLimit,
        List<String> retryFor,
        List<String> dontRetryFor,
        String queue) {

    /** Failures that retrying cannot fix: bad input, a missing subject, the hard limit, a revoke. */
    public static final List<String> DEFAULT_DONT_RETRY_FOR = List.of(
            "NotAVideoException",
            "IllegalArgumentException",
            "VideoNotFoundException",
            "IllegalVideoTransitionException",
            "TimeLimitExceeded",
            "TaskRevokedError");

    public TaskSettings {
        retryFor = retryFor == null ? List.of() : List.copyOf(retryFor);
        dontRetryFor = dontRetryFor == null ? DEFAULT_DONT_RETRY_FOR : List.copyOf(dontRetryFor);
    }

    public static TaskSettings defaults() {
        return new TaskSettings(
                3,
                Duration.ofSeconds(2),
                Duration.ofMinutes(10),
                true,
                null,
                null,
                List.of(),
                DEFAULT_DONT_RETRY_FOR,
                null);
    }
}
