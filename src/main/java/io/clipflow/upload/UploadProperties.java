package io.clipflow.upload;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Upload limits ({@code clipflow.upload.*}); {@code spring.servlet.multipart.max-*} read {@code max-size} too, so a
 * chunked body without Content-Length meets the same limit while it is being read.
 *
 * @param maxSize largest upload request; a larger Content-Length is refused with 413 before any byte is stored
 * @param maxPendingVideos videos one user may have waiting or in processing (UPLOADED, QUEUED, PROCESSING) at once;
 *     more uploads are refused with 429 until some finish
 * @param tusExpiration how long an unfinished resumable upload is kept after its last PATCH (tus Upload-Expires); the
 *     cleanup schedule removes it then
 */
@Validated
@ConfigurationProperties("clipflow.upload")
record UploadProperties(
        @DefaultValue("2GB") DataSize maxSize,
        @DefaultValue("5") @Min(1) int maxPendingVideos,
        @DefaultValue("24h") Duration tusExpiration) {}
