package io.clipflow.media;

/**
 * Receives transcode progress. Called on the thread that reads ffmpeg's output, so it must return quickly:
 * while it blocks, ffmpeg's progress pipe is not drained.
 */
@FunctionalInterface
public interface TranscodeProgress {

    TranscodeProgress NONE = fraction -> {};

    /** @param fraction done, from 0 to 1; never decreases, and 1.0 is reported once, after the output is verified */
    void onProgress(double fraction);
}
