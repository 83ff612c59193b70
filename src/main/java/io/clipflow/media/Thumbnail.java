package io.clipflow.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * One JPEG frame of a video as its thumbnail (at most 640 px wide): the argv of route video-process's thumbnail step and
 * the check of what it wrote.
 */
@Component("thumbnail")
public class Thumbnail {

    static final int MAX_WIDTH = 640;

    private final FfmpegTools tools;
    private final MediaProperties properties;

    public Thumbnail(FfmpegTools tools, MediaProperties properties) {
        this.tools = tools;
        this.properties = properties;
    }

    /** The ffmpeg argv writing the frame at {@code thumbnailPosition} of the duration to {@code output}. */
    public List<String> command(Path input, Path output, ProbeResult probe) {
        int width = HlsLadder.even(Math.min(MAX_WIDTH, probe.width()));
        int height = HlsLadder.even((double) width * probe.height() / probe.width());
        double position = properties.thumbnailPosition() * probe.durationSeconds();
        return List.of(
                tools.ffmpegPath(),
                "-nostdin",
                "-hide_banner",
                "-v",
                "error",
                "-protocol_whitelist",
                "file",
                // before -i: seek in the container (fast), then decode only up to the exact frame
                "-ss",
                String.format(Locale.ROOT, "%.3f", position),
                "-i",
                VideoProbe.fileUrl(input),
                "-map",
                "0:V:0",
                "-frames:v",
                "1",
                "-vf",
                "scale=" + width + ":" + height + ",setsar=1",
                "-q:v",
                "3",
                "-f",
                "image2",
                // one picture at a literal path: '%' in the name is not a frame-number pattern
                "-update",
                "1",
                "-y",
                output.toAbsolutePath().normalize().toString());
    }

    /**
     * Checks how a run of {@link #command} ended.
     *
     * @return {@code output}
     * @throws MediaException "thumbnail timed out after ...", or as {@link #verify(Path, int, String)}
     */
    public Path verify(Path output, ProcessResult run) {
        if (run.timedOut()) {
            throw new MediaException(run.failure("thumbnail"));
        }
        return verify(output, run.exitCode(), run.stderrTail());
    }

    /**
     * Checks the result of {@link #command}.
     *
     * @return {@code output}
     * @throws MediaException "thumbnail failed: ..." when ffmpeg failed or wrote nothing
     */
    public Path verify(Path output, int exitCode, String stderr) {
        if (exitCode != 0) {
            throw new MediaException("thumbnail failed (exit " + exitCode + "): " + FfmpegErrors.lastLines(stderr, 3));
        }
        try {
            if (!Files.isRegularFile(output) || Files.size(output) == 0) {
                throw new MediaException("thumbnail failed: ffmpeg wrote no picture"
                        + (stderr == null || stderr.isBlank() ? "" : ": " + FfmpegErrors.lastLines(stderr, 3)));
            }
        } catch (IOException e) {
            throw new MediaException(
                    "thumbnail failed: cannot read " + output.getFileName() + ": " + e.getMessage(), e);
        }
        return output;
    }
}
