package io.clipflow.task;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Result backend settings.
 *
 * @param expires how long {@code celery-task-meta-<id>} lives (Celery's {@code result_expires}, default one day)
 * @param extended also write {@code name, args, kwargs, worker, retries, queue} (Celery's {@code result_extended})
 * @param history which tasks get a row in the history table: {@code all}, or {@code owned-and-failed} (tasks sent
 *     through the API or an upload, and any task that retried, failed, was revoked or skipped): for queues of many
 *     small anonymous tasks, whose results live in Redis like Celery's, a row each is the main cost of the worker
 */
@ConfigurationProperties("clipflow.results")
public record ResultProperties(
        @DefaultValue("1d") Duration expires,
        @DefaultValue("true") boolean extended,
        @DefaultValue("all") History history) {

    public enum History {
        ALL,
        OWNED_AND_FAILED
    }
}
