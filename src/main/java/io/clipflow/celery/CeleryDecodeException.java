package io.clipflow.celery;

/**
 * A Redis value that is not a message (or result) we will act on. The message is the reason recorded with the dead
 * letter, so it is written for an operator: what was wrong, never a stack trace.
 */
public class CeleryDecodeException extends RuntimeException {

    public CeleryDecodeException(String reason) {
        super(reason);
    }

    public CeleryDecodeException(String reason, Throwable cause) {
        super(reason, cause);
    }

    public String reason() {
        return getMessage();
    }
}
