package io.clipflow.queue;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure that knows more about its retry than its class name says: a provider's 429 with {@code Retry-After}, or a
 * stage whose own retry budget is spent. {@link RetryPolicy} reads it anywhere in the cause chain; the task's own
 * settings still cap the number of retries.
 */
public interface RetryHint {

    /** False when retrying cannot help, whatever the task's settings say. */
    boolean retryable();

    /** The earliest the retry may run (the provider's {@code Retry-After}); the backoff applies when it is longer. */
    default Optional<Duration> retryAfter() {
        return Optional.empty();
    }

    /** The first hint in {@code failure}'s cause chain. */
    static Optional<RetryHint> of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetryHint hint) {
                return Optional.of(hint);
            }
        }
        return Optional.empty();
    }
}
