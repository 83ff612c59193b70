package io.clipflow.media;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * What an input may be before any decoding starts ({@code clipflow.media.limits.*}), judged from ffprobe's report.
 *
 * @param maxDuration longest accepted video
 * @param maxWidth widest accepted picture in pixels (coded or displayed, whichever is larger)
 * @param maxHeight tallest accepted picture in pixels (coded or displayed, whichever is larger)
 * @param maxFrameRate highest accepted average frame rate in frames per second
 * @param maxStreams most streams (video, audio, subtitle, data) one container may hold
 * @param formats the only demuxers ffprobe may open ({@code -format_whitelist}); playlists (hls), concat lists, image
 *     sequences and other demuxers that open further files are not in it, so they fail before reading anything else
 */
@Validated
@ConfigurationProperties("clipflow.media.limits")
public record ProbeLimitsProperties(
        @DefaultValue("4h") @DurationMin(seconds = 1) Duration maxDuration,
        @DefaultValue("4096") @Min(16) int maxWidth,
        @DefaultValue("4096") @Min(16) int maxHeight,
        @DefaultValue("120") @Min(1) double maxFrameRate,
        @DefaultValue("8") @Min(1) int maxStreams,
        List<String> formats) {

    /** Container demuxers ffprobe may open when {@code formats} is not configured. */
    public static final List<String> DEFAULT_FORMATS = List.of(
            "mov",
            "matroska",
            "avi",
            "mpeg",
            "mpegts",
            "flv",
            "asf",
            "ogg",
            "h264",
            "hevc",
            "m4v",
            "mpegvideo",
            "dv",
            "mxf",
            "3gp");

    public ProbeLimitsProperties {
        formats = formats == null || formats.isEmpty() ? DEFAULT_FORMATS : List.copyOf(formats);
    }

    /** The values Spring binds when nothing is configured; for code and tests that run without Spring. */
    public static ProbeLimitsProperties defaults() {
        return new ProbeLimitsProperties(Duration.ofHours(4), 4096, 4096, 120, 8, DEFAULT_FORMATS);
    }
}
