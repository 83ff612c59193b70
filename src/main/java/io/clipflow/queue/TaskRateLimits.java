package io.clipflow.queue;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.springframework.stereotype.Component;

/**
 * Per-task rate limits on this node, set at run time by {@code celery control rate_limit <task> <rate>}: like Celery's
 * token bucket of capacity one, the first task starts at once and each next one waits until {@code 1/rate} after the
 * previous start. A task waiting for its turn holds its message (it is received, not started). With no limit set the
 * check is one empty-map read.
 */
@Component
class TaskRateLimits {

    /** Celery's {@code celery.utils.time.rate} could not read the text. */
    static final class InvalidRate extends IllegalArgumentException {
        InvalidRate(String message) {
            super(message);
        }
    }

    private static final class Bucket {
        private final String text;
        private final long intervalNanos;
        private long nextNanos = System.nanoTime();

        Bucket(String text, double perSecond) {
            this.text = text;
            this.intervalNanos = (long) (1e9 / perSecond);
        }

        /** Takes the next start slot; returns how long to wait for it. */
        synchronized long reserve() {
            long now = System.nanoTime();
            long start = Math.max(now, nextNanos);
            nextNanos = start + intervalNanos;
            return start - now;
        }
    }

    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Map<String, Bucket> limits = new ConcurrentHashMap<>();

    /**
     * Celery's {@code rate()}: {@code "10/s"}, {@code "10/m"}, {@code "10/h"} or a plain number per second, in tasks
     * per second; empty or zero for no limit.
     *
     * @throws InvalidRate when the number is not one (Celery's ValueError)
     * @throws IllegalArgumentException for a unit other than s, m, h (Celery's KeyError)
     */
    static double perSecond(String rate) {
        if (rate == null || rate.isBlank()) {
            return 0;
        }
        int slash = rate.indexOf('/');
        String ops = slash < 0 ? rate : rate.substring(0, slash);
        String unit = slash < 0 ? "" : rate.substring(slash + 1);
        double n;
        try {
            n = Double.parseDouble(ops.trim());
        } catch (NumberFormatException e) {
            throw new InvalidRate("could not convert string to float: '" + ops + "'");
        }
        return switch (unit) {
            case "", "s" -> n;
            case "m" -> n / 60.0;
            case "h" -> n / 3600.0;
            default -> throw new IllegalArgumentException(unit);
        };
    }

    /** Sets (or with an empty or zero rate, removes) the limit of {@code task}; returns whether one is set now. */
    boolean set(String task, String rate) {
        double perSecond = perSecond(rate);
        if (perSecond <= 0) {
            limits.remove(task);
            return false;
        }
        limits.put(task, new Bucket(rate, perSecond));
        return true;
    }

    /** The limit of {@code task} as it was given, or null. */
    String of(String task) {
        Bucket bucket = limits.get(task);
        return bucket == null ? null : bucket.text;
    }

    /**
     * Waits for {@code task}'s next start slot when it has a limit; stops waiting early when {@code keepWaiting} turns
     * false (the consumer is stopping: the task runs in its grace period rather than holding the shutdown).
     */
    void await(String task, BooleanSupplier keepWaiting) {
        if (limits.isEmpty()) {
            return;
        }
        Bucket bucket = limits.get(task);
        if (bucket == null) {
            return;
        }
        long deadline = System.nanoTime() + bucket.reserve();
        long left;
        while ((left = deadline - System.nanoTime()) > 0 && keepWaiting.getAsBoolean()) {
            LockSupport.parkNanos(this, Math.min(left, SLICE_NANOS));
        }
    }
}
