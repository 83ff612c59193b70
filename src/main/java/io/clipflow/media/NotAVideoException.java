package io.clipflow.media;

/** The input is readable but is not a video we can process; retrying will not help. */
public class NotAVideoException extends MediaException {

    public NotAVideoException(String reason) {
        super("not a video: " + reason);
    }
}
