package io.clipflow.schedule;

import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The periodic jobs (routes {@code schedule-*}), all Quartz cron expressions (seconds first) so each route reads its
 * timing from here and tests shorten it by configuration.
 *
 * @param pendingScanCron the outbox scan (the seeds' 15 s pending-task scan)
 * @param orphanCheckCron orphan recovery from the scheduler, besides each node's own heartbeat timer
 * @param cleanupCron the daily cleanup (03:00)
 * @param monitoringCron the monitoring snapshot (every minute)
 * @param pendingGrace an unfinished video untouched this long, with no message anywhere and no live lease, is
 *     enqueued again; longer than the worst wait between a commit and its LPUSH, and than a Python producer's
 *     queue wait for rows it created without a task id
 * @param pendingBatch most videos claimed per scan
 * @param deletedMediaRetention media of a video DELETED longer ago than this is removed
 * @param uploadSessionRetention staged upload files older than this belong to no live request and are removed
 * @param taskHistoryRetention finished task history rows older than this are removed
 * @param monitoringTtl how long a monitoring snapshot stays in the Redis cache namespace
 * @param runsKept how many recent runs per job are kept in Redis for GET /api/ops/schedules
 */
@Validated
@ConfigurationProperties("clipflow.schedule")
public record ScheduleProperties(
        @NotBlank @DefaultValue("0/15 * * * * ?") String pendingScanCron,
        @NotBlank @DefaultValue("0/30 * * * * ?") String orphanCheckCron,
        @NotBlank @DefaultValue("0 0 3 * * ?") String cleanupCron,
        @NotBlank @DefaultValue("0 * * * * ?") String monitoringCron,
        @DefaultValue("2m") Duration pendingGrace,
        @DefaultValue("100") int pendingBatch,
        @DefaultValue("7d") Duration deletedMediaRetention,
        @DefaultValue("1d") Duration uploadSessionRetention,
        @DefaultValue("30d") Duration taskHistoryRetention,
        @DefaultValue("10m") Duration monitoringTtl,
        @DefaultValue("200") int runsKept) {}
