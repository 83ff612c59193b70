package io.clipflow.media;

/** A media step failed; the message is meant for the task result and the user, never file contents. */
public class MediaException extends RuntimeException {

    public MediaException(String message) {
        super(message);
    }

    public MediaException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The cause a person can act on: the first {@code MediaException} down {@code failure}'s chain (its message was
     * written for users), else the innermost cause; null for null.
     */
    public static Throwable readableCause(Throwable failure) {
        Throwable cause = failure;
        while (cause != null
                && cause.getCause() != null
                && cause.getCause() != cause
                && !(cause instanceof MediaException)) {
            cause = cause.getCause();
        }
        return cause;
    }
}
