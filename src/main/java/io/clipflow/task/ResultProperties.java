package io.clipflow.task;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Result backend settings.
 *
 * @param expires how long {@code celery-task-meta-<id>} lives (Celery's {@code result_expires}, default one day)
 * @param extended also write {@code name, args, kwargs, worker, retries, queue} (Celery's {@code result_extended})
 */
@ConfigurationProperties("clipflow.results")
public record ResultProperties(@DefaultValue("1d") Duration expires, @DefaultValue("true") boolean extended) {}
