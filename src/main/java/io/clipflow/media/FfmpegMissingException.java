package io.clipflow.media;

/** ffmpeg or ffprobe is not installed where configured; the node cannot do media work and should not start. */
public class FfmpegMissingException extends IllegalStateException {

    public FfmpegMissingException(String message) {
        super(message);
    }
}
