package io.clipflow.stage;

/** A model's answer that is not what the stage's schema asks for; retryable, since sampling may do better. */
public class MalformedOutputException extends RuntimeException {
    public MalformedOutputException(String reason) {
        super("malformed answer: " + reason);
    }
}
