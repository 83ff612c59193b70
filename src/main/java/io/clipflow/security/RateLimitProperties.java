package io.clipflow.security;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Per-user token buckets in Redis, shared by every node ({@code clipflow.rate-limits.*}). A bucket holds at most
 * {@code burst} requests and gains one back every {@code every}; an empty bucket answers 429 with Retry-After.
 *
 * @param enabled off only for benchmarks or trusted single-user setups
 * @param uploadBurst uploads ({@code POST /api/videos}) a user may send at once
 * @param uploadEvery one more upload per this interval
 * @param taskBurst task submissions ({@code POST /api/tasks/**}, {@code POST /api/videos/{id}/...}) at once
 * @param taskEvery one more task submission per this interval
 */
@Validated
@ConfigurationProperties("clipflow.rate-limits")
record RateLimitProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("10") @Min(1) int uploadBurst,
        @DefaultValue("6s") @DurationMin(millis = 1) Duration uploadEvery,
        @DefaultValue("30") @Min(1) int taskBurst,
        @DefaultValue("2s") @DurationMin(millis = 1) Duration taskEvery) {}
