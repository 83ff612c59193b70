package io.clipflow.video;

/** A status move the lifecycle forbids, e.g. processing a DELETED video. */
public class IllegalVideoTransitionException extends IllegalStateException {
    public IllegalVideoTransitionException(Long id, VideoStatus from, VideoStatus to) {
        super("video " + id + " is " + from + " and cannot become " + to);
    }
}
