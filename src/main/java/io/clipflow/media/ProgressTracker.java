package io.clipflow.media;

import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns ffmpeg's {@code -progress} key=value lines into throttled, monotonic fractions of the duration. It reads the
 * lines as they arrive, on the thread that reads the process's stdout ({@link HlsLadder#progress}).
 */
public final class ProgressTracker implements Consumer<String> {

    static final long MIN_INTERVAL_NANOS = 250_000_000L;
    // 1.0 means "done and verified", so live values stop just short of it
    static final double LIVE_CAP = 0.99;
    private static final Logger log = LoggerFactory.getLogger(ProgressTracker.class);

    private final double durationMicros;
    private final TranscodeProgress target;
    private final LongSupplier nanoClock;
    private long outTimeMicros = -1;
    private double reported = -1;
    private long reportedAtNanos;

    ProgressTracker(double durationSeconds, TranscodeProgress target) {
        this(durationSeconds, target, System::nanoTime);
    }

    ProgressTracker(double durationSeconds, TranscodeProgress target, LongSupplier nanoClock) {
        this.durationMicros = durationSeconds * 1_000_000;
        this.target = target;
        this.nanoClock = nanoClock;
    }

    /** One stdout line of ffmpeg. */
    @Override
    public void accept(String line) {
        onLine(line);
    }

    void onLine(String line) {
        // ffmpeg 5.1's out_time_ms is in microseconds as well (a long-standing naming bug), so both keys agree
        if (line.startsWith("out_time_us=") || line.startsWith("out_time_ms=")) {
            try {
                outTimeMicros = Math.max(
                        outTimeMicros,
                        Long.parseLong(line.substring(line.indexOf('=') + 1).strip()));
            } catch (NumberFormatException e) {
                // "N/A" before the first frame is written
            }
        } else if (line.startsWith("progress=")) {
            maybeReport();
        }
    }

    /** Reports 1.0, once: call it after the output was verified. */
    public void finish() {
        if (reported < 1.0) {
            report(1.0);
        }
    }

    private void maybeReport() {
        if (outTimeMicros < 0 || durationMicros <= 0) {
            return;
        }
        double fraction = Math.min(LIVE_CAP, outTimeMicros / durationMicros);
        long now = nanoClock.getAsLong();
        boolean due = reported < 0 || now - reportedAtNanos >= MIN_INTERVAL_NANOS;
        if (fraction > reported && due) {
            reportedAtNanos = now;
            report(fraction);
        }
    }

    private void report(double fraction) {
        reported = fraction;
        try {
            target.onProgress(fraction);
        } catch (RuntimeException e) {
            // progress is advisory: a failing listener must not fail or stall the transcode
            log.warn("progress listener failed: {}", e.toString());
        }
    }
}
