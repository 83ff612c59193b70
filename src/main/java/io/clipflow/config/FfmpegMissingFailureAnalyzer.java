package io.clipflow.config;

import io.clipflow.media.FfmpegMissingException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a missing FFmpeg into Spring Boot's short "APPLICATION FAILED TO START" text instead of a bean stack. */
class FfmpegMissingFailureAnalyzer extends AbstractFailureAnalyzer<FfmpegMissingException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, FfmpegMissingException cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Install FFmpeg (Debian/Ubuntu: apt-get install -y ffmpeg) or set clipflow.media.ffmpeg and "
                        + "clipflow.media.ffprobe to the executables, then start Clipflow again.",
                cause);
    }
}
