package io.clipflow.queue;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many remote-control commands this node takes off the pidbox channel: a token bucket of {@code perSecond}
 * tokens refilled at {@code perSecond} a second. What finds it empty is dropped unread, and the drops are reported in
 * one warning a minute at most, so a flood costs neither the control thread nor the log.
 */
final class ControlRate {

    private static final Logger log = LoggerFactory.getLogger(ControlRate.class);
    private static final long WARN_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

    private final int perSecond;
    private final LongSupplier nanoTime;
    private double tokens;
    private long refilledAt;
    private long dropped;
    private long droppedTotal;
    private long warnedAt;
    private boolean warnedOnce;

    ControlRate(int perSecond) {
        this(perSecond, System::nanoTime);
    }

    ControlRate(int perSecond, LongSupplier nanoTime) {
        this.perSecond = perSecond;
        this.nanoTime = nanoTime;
        this.tokens = perSecond;
        this.refilledAt = nanoTime.getAsLong();
    }

    /** Whether one more command may be taken now; false counts it as dropped. */
    synchronized boolean take() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(perSecond, tokens + (now - refilledAt) * perSecond / 1e9);
        refilledAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        drop(now, "more than " + perSecond + " a second arrive (clipflow.celery.control.max-rate)");
        return false;
    }

    /** Counts a command dropped for another reason (the inbox is full). */
    synchronized void dropped(String why) {
        drop(nanoTime.getAsLong(), why);
    }

    /** Commands dropped since this node started. */
    synchronized long droppedTotal() {
        return droppedTotal;
    }

    private void drop(long now, String why) {
        dropped++;
        droppedTotal++;
        if (!warnedOnce || now - warnedAt >= WARN_EVERY_NANOS) {
            log.warn(
                    "remote control: dropped {} command(s) {}: {}",
                    dropped,
                    warnedOnce ? "in the last minute" : "unread",
                    why);
            warnedOnce = true;
            warnedAt = now;
            dropped = 0;
        }
    }
}
