package io.clipflow.stage;

import io.clipflow.queue.RetryHint;
import io.clipflow.queue.TaskFailure;
import java.time.Duration;
import java.util.Optional;

/**
 * A stage that failed for a reason it can judge itself: the provider's status, an idle stream, its time limit, a
 * missing setting, its own retry budget spent. The consumer reads the hint ({@link RetryHint}) to retry or not, and
 * after how long; results name it by {@code excType} as Celery would. The text streamed before the failure is kept.
 */
public class StageFailure extends TaskFailure implements RetryHint {
    private final boolean retryable;
    private final Duration retryAfter;
    private final String partialText;

    StageFailure(
            String excType,
            String message,
            boolean retryable,
            Duration retryAfter,
            String partialText,
            Throwable cause) {
        super(excType, message);
        if (cause != null) {
            initCause(cause);
        }
        this.retryable = retryable;
        this.retryAfter = retryAfter;
        this.partialText = partialText;
    }

    static StageFailure fatal(String excType, String message) {
        return new StageFailure(excType, message, false, null, null, null);
    }

    static StageFailure retryable(String excType, String message, Duration retryAfter, Throwable cause) {
        return new StageFailure(excType, message, true, retryAfter, null, cause);
    }

    /** The same failure, final: the stage's own retries are spent. */
    StageFailure last() {
        return new StageFailure(excType(), getMessage(), false, null, partialText, getCause());
    }

    /** The same failure, with the text the provider streamed before it. */
    StageFailure withPartialText(String text) {
        return new StageFailure(excType(), getMessage(), retryable, retryAfter, text, getCause());
    }

    /** What the provider streamed before the failure; null when nothing was. */
    String partialText() {
        return partialText;
    }

    @Override
    public boolean retryable() {
        return retryable;
    }

    @Override
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
