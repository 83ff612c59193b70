package io.clipflow.media;

/** The input is a video but over a configured limit (size, length, frame rate, streams); it is never decoded. */
public class ProbeLimitException extends MediaException {

    public ProbeLimitException(String reason) {
        super("over the limits: " + reason);
    }
}
