package io.clipflow.task;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Result backend settings.
 *
 * @param expires how long {@code celery-task-meta-<id>} lives (Celery's {@code result_expires}, default one day)
 * @param extended also write {@code name, args, kwargs, worker, retries, queue} (Celery's {@code result_extended})
 * @param history which tasks get a row in the history table: {@code owned-and-failed} (tasks sent through the API
 *     or an upload, whose owners list them, and any task that retried, failed, was revoked or skipped, which
 *     operations look for), or {@code all}. An anonymous success (a Python client's, a built-in's) keeps its result
 *     in Redis, as Celery does; a row each for those costs ~12% of a no-op drain and, at thousands of tasks a
 *     second, makes a table of billions of rows within the 30-day retention
 * @param startedAfter how long a task runs before its STARTED result and started event are sent (Celery's {@code
 *     task_track_started}, on). A task done sooner sends its started event together with its result, in one script,
 *     and no STARTED result: a SUCCESS would replace it within the same few milliseconds, and skipping it saves a
 *     Redis script per short task. A poller sees PENDING for that long; 0 sends STARTED as each task begins
 */
@ConfigurationProperties("clipflow.results")
public record ResultProperties(
        @DefaultValue("1d") Duration expires,
        @DefaultValue("true") boolean extended,
        @DefaultValue("owned-and-failed") History history,
        @DefaultValue("10ms") Duration startedAfter) {

    public enum History {
        ALL,
        OWNED_AND_FAILED
    }
}
