package io.clipflow.media;

import java.time.Duration;

/**
 * How an external process ended.
 *
 * @param exitCode the exit code; 143/137 after SIGTERM/SIGKILL
 * @param timedOut the process was killed because it exceeded its time limit
 * @param stderrTail the last ~4 KB of standard error, starting at a line boundary
 * @param elapsed wall time from start to exit
 */
public record ProcessResult(int exitCode, boolean timedOut, String stderrTail, Duration elapsed) {

    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }
}
