package io.clipflow.media;

import java.time.Duration;

/**
 * How an external process ended.
 *
 * @param exitCode the exit code; 143/137 after SIGTERM/SIGKILL
 * @param timedOut the process was killed because it exceeded its time limit
 * @param stderrTail the last ~4 KB of standard error, starting at a line boundary
 * @param elapsed wall time from start to exit
 * @param timeout the time limit it ran under
 */
public record ProcessResult(int exitCode, boolean timedOut, String stderrTail, Duration elapsed, Duration timeout) {

    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }

    /**
     * Why the process did not succeed, in words for task results: {@code "<what> timed out after 2h"} or {@code
     * "<what> failed (exit 1): <the last three stderr lines>"}; null when it succeeded.
     */
    public String failure(String what) {
        if (timedOut) {
            return what + " timed out after " + Durations.human(timeout);
        }
        if (exitCode != 0) {
            return what + " failed (exit " + exitCode + "): " + FfmpegErrors.lastLines(stderrTail, 3);
        }
        return null;
    }
}
