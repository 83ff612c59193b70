package io.clipflow.celery;

import java.util.concurrent.atomic.AtomicLong;

/**
 * kombu's {@code LamportClock}: the logical clock every Celery node carries in its events ({@code clock}) and pidbox
 * replies ({@code headers.clock}), forwarded on each one sent and adjusted by each one received, so monitors can order
 * events of one node across nodes. Thread-safe.
 */
public final class LamportClock {

    private final AtomicLong value = new AtomicLong();

    /** The next value, for something this node sends. */
    public long forward() {
        return value.incrementAndGet();
    }

    /** Takes in another node's clock: the new value is past both. */
    public long adjust(long other) {
        return value.updateAndGet(mine -> Math.max(mine, other) + 1);
    }

    public long value() {
        return value.get();
    }
}
