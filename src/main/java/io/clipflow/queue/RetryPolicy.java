package io.clipflow.queue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.stereotype.Component;

/**
 * Decides whether a failed attempt is retried and when. The celery consumer and the routes' failure handlers both ask
 * here, so a video stays PROCESSING exactly when its task will run again.
 */
@Component("retryPolicy")
public class RetryPolicy {

    private final TaskPolicies policies;

    RetryPolicy(TaskPolicies policies) {
        this.policies = policies;
    }

    /** True when this failure of attempt {@code retries} (0 = first run) will be retried. */
    public boolean willRetry(String taskName, int retries, Throwable failure) {
        TaskSettings settings = policies.forTask(taskName);
        return retries < settings.maxRetries() && retryable(settings, failure);
    }

    /** {@link #backoff(String, int)}, or the failure's {@link RetryHint#retryAfter} when that is later. */
    public Duration backoff(String taskName, int retries, Throwable failure) {
        Duration backoff = backoff(taskName, retries);
        return RetryHint.of(failure)
                .flatMap(RetryHint::retryAfter)
                .filter(after -> after.compareTo(backoff) > 0)
                .orElse(backoff);
    }

    /** The delay before retry number {@code retries + 1}: exponential from the base, capped, with jitter. */
    public Duration backoff(String taskName, int retries) {
        TaskSettings settings = policies.forTask(taskName);
        long base = Math.max(1, settings.retryBackoff().toMillis());
        long cap = Math.max(base, settings.retryBackoffMax().toMillis());
        long delay = retries >= 30 ? cap : Math.min(cap, base << retries);
        if (settings.retryJitter()) {
            delay = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
        }
        return Duration.ofMillis(delay);
    }

    public int maxRetries(String taskName) {
        return policies.forTask(taskName).maxRetries();
    }

    /** Whether this kind of failure is retried at all for the task (regardless of attempts left). */
    static boolean retryable(RetryPolicy policy, String taskName, Throwable failure) {
        return retryable(policy.policies.forTask(taskName), failure);
    }

    static boolean retryable(TaskSettings settings, Throwable failure) {
        if (RetryHint.of(failure).map(hint -> !hint.retryable()).orElse(false)) {
            return false;
        }
        Set<String> names = hierarchy(failure);
        if (settings.dontRetryFor().stream().anyMatch(names::contains)) {
            return false;
        }
        return settings.retryFor().isEmpty() || settings.retryFor().stream().anyMatch(names::contains);
    }

    private static Set<String> hierarchy(Throwable failure) {
        Set<String> names = new HashSet<>();
        for (Class<?> c = failure.getClass(); c != null; c = c.getSuperclass()) {
            names.add(c.getSimpleName());
        }
        if (failure instanceof TaskFailure t) {
            names.add(t.excType());
        }
        return names;
    }
}
