package io.clipflow.media;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * FFmpeg settings for probing, thumbnails and the HLS ladder ({@code clipflow.media.*}).
 *
 * @param ffmpeg ffmpeg executable: a bare name searched on {@code PATH}, or a path
 * @param ffprobe ffprobe executable: a bare name searched on {@code PATH}, or a path
 * @param ladder HLS renditions; a rung's {@code height} is the shorter side of the picture, so a portrait
 *     720p rendition is 720 px wide. Sources are never upscaled. Defaults to 720p/480p/360p.
 * @param segmentDuration HLS segment length; keyframes are forced on this grid so every segment starts with one
 * @param preset libx264 preset (speed against size)
 * @param thumbnailPosition where the thumbnail is taken, as a fraction of the duration, in [0, 1)
 * @param timeouts how long one run of each FFmpeg stage may take
 */
@ConfigurationProperties("clipflow.media")
@Validated
public record MediaProperties(
        @DefaultValue("ffmpeg") @NotBlank String ffmpeg,
        @DefaultValue("ffprobe") @NotBlank String ffprobe,
        @NotEmpty List<@Valid @NotNull Rung> ladder,
        @DefaultValue("4s") @NotNull @DurationMin(seconds = 1) Duration segmentDuration,
        @DefaultValue("veryfast")
                @Pattern(regexp = "ultrafast|superfast|veryfast|faster|fast|medium|slow|slower|veryslow")
                String preset,
        @DefaultValue("0.1") @DecimalMin("0.0") @DecimalMax(value = "1.0", inclusive = false) double thumbnailPosition,
        @DefaultValue @Valid @NotNull Timeouts timeouts) {

    /** The default ladder; {@code @DefaultValue} cannot express a list of records without a custom converter. */
    public static final List<Rung> DEFAULT_LADDER =
            List.of(new Rung("720p", 720, 2800, 128), new Rung("480p", 480, 1400, 128), new Rung("360p", 360, 800, 96));

    public MediaProperties {
        ladder = ladder == null ? DEFAULT_LADDER : List.copyOf(ladder);
    }

    /** The same values Spring binds when nothing is configured; for code and tests that run without Spring. */
    public static MediaProperties defaults() {
        return new MediaProperties(
                "ffmpeg", "ffprobe", DEFAULT_LADDER, Duration.ofSeconds(4), "veryfast", 0.1, Timeouts.defaults());
    }

    /** Rung names become directory names and {@code -var_stream_map} entries, so they must not repeat. */
    @AssertTrue(message = "ladder rung names must be unique")
    public boolean isLadderNamesUnique() {
        return ladder.stream().map(Rung::name).allMatch(new HashSet<String>()::add);
    }

    /**
     * The time limit of each FFmpeg stage of route video-process; its exec steps read them as {@code
     * {{clipflow.media.timeouts.*}}} placeholders. On timeout the process tree gets SIGTERM, then SIGKILL after 5 s, and
     * the stage fails ("thumbnail timed out after 1m"). The task's soft and hard time limits can stop a stage earlier.
     *
     * @param probe one ffprobe run (also the {@code ffmpeg -version} check at startup)
     * @param thumbnail one thumbnail run
     * @param transcode one HLS transcode, every rendition in one process
     */
    public record Timeouts(
            @DefaultValue("60s") @NotNull @DurationMin(seconds = 1) Duration probe,
            @DefaultValue("60s") @NotNull @DurationMin(seconds = 1) Duration thumbnail,
            @DefaultValue("2h") @NotNull @DurationMin(seconds = 1) Duration transcode) {

        /** The values Spring binds when nothing is configured. */
        public static Timeouts defaults() {
            return new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofHours(2));
        }
    }

    /**
     * One rendition of the ladder.
     *
     * @param name directory and variant name, e.g. {@code 720p}
     * @param height the shorter side in pixels (rounded down to even)
     * @param videoBitrateKbps target H.264 bitrate in kbit/s
     * @param audioBitrateKbps AAC bitrate in kbit/s
     */
    public record Rung(
            // the name ends up in a path and in ffmpeg's -var_stream_map, where ',', ':' and spaces are syntax
            @NotBlank @Pattern(regexp = "[A-Za-z0-9_-]{1,32}") String name,
            @Min(16) @Max(4320) int height,
            @Min(50) @Max(100_000) int videoBitrateKbps,
            @Min(16) @Max(512) int audioBitrateKbps) {}
}
