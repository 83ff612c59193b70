package io.clipflow.video;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The video pipeline's queue wiring; routes read the same keys as placeholders.
 *
 * @param queue Redis list (Celery queue) that upload publishes to and video-process consumes
 * @param task Celery task name of the processing task, as Django code calls it
 */
@Validated
@ConfigurationProperties("clipflow.video")
public record VideoProperties(
        @DefaultValue("video") @NotBlank String queue,
        @DefaultValue("videos.tasks.process_video") @NotBlank String task) {}
