package io.clipflow.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Refuses inputs whose ffprobe report is over the configured limits, before any frame is decoded: a small file that
 * declares a huge picture (a decompression bomb) would otherwise make the thumbnail and ladder steps allocate
 * gigabytes. Called by route video-process-run right after the probe.
 */
@Component("probeLimits")
public class ProbeLimits {

    private final ProbeLimitsProperties limits;

    public ProbeLimits(ProbeLimitsProperties limits) {
        this.limits = limits;
    }

    /**
     * @throws ProbeLimitException naming every limit the input is over
     */
    public void check(ProbeResult probe) {
        List<String> over = new ArrayList<>();
        int width = Math.max(probe.width(), probe.codedWidth());
        int height = Math.max(probe.height(), probe.codedHeight());
        // rotation swaps the displayed sides, so compare the larger side with the larger limit, and the smaller too
        int longSide = Math.max(width, height);
        int shortSide = Math.min(width, height);
        if (longSide > Math.max(limits.maxWidth(), limits.maxHeight())
                || shortSide > Math.min(limits.maxWidth(), limits.maxHeight())) {
            over.add("resolution %dx%d exceeds %dx%d".formatted(width, height, limits.maxWidth(), limits.maxHeight()));
        }
        if (probe.durationSeconds() > limits.maxDuration().toMillis() / 1000.0) {
            over.add(String.format(
                    Locale.ROOT,
                    "duration %.1f s exceeds %d s",
                    probe.durationSeconds(),
                    limits.maxDuration().toSeconds()));
        }
        if (probe.frameRate() > limits.maxFrameRate()) {
            over.add(String.format(
                    Locale.ROOT, "frame rate %.2f fps exceeds %.2f fps", probe.frameRate(), limits.maxFrameRate()));
        }
        if (probe.streamCount() > limits.maxStreams()) {
            over.add("%d streams exceed %d".formatted(probe.streamCount(), limits.maxStreams()));
        }
        if (!over.isEmpty()) {
            throw new ProbeLimitException(String.join("; ", over));
        }
    }
}
