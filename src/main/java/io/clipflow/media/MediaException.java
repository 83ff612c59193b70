package io.clipflow.media;

/** A media step failed; the message is meant for the task result and the user, never file contents. */
public class MediaException extends RuntimeException {

    public MediaException(String message) {
        super(message);
    }

    public MediaException(String message, Throwable cause) {
        super(message, cause);
    }
}
