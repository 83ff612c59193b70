package io.clipflow.queue;

import io.clipflow.task.ResultProperties;
import jakarta.annotation.PreDestroy;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sends a running task's STARTED (result and live event) once it has run {@code clipflow.results.started-after}. A task
 * done sooner never sends it on its own: its worker withholds it and sends the started event in the same script as
 * the result (so subscribers still get started, then done) and its STARTED result, which the SUCCESS would overwrite
 * within a millisecond, is not written. That saves a Redis script per short task.
 */
@Component
public class StartNotices {

    private static final Logger log = LoggerFactory.getLogger(StartNotices.class);

    private final long delayNanos;
    /** Notices in the order they were announced, hence of their due times; withheld ones leave at the next tick. */
    private final ConcurrentLinkedQueue<Notice> pending = new ConcurrentLinkedQueue<>();
    /** Notices in {@link #pending}; the ticker sleeps without a deadline while there are none. */
    private final AtomicInteger count = new AtomicInteger();

    private final Thread ticker;
    private volatile boolean running = true;

    StartNotices(ResultProperties properties) {
        this.delayNanos = properties.startedAfter().toNanos();
        // one thread that looks every quarter of the delay: announcing a task costs a queue insertion, not a timer
        // entry and a wake-up of the timer thread each
        this.ticker = new Thread(this::tick, "clipflow-started");
        this.ticker.setDaemon(true);
        if (delayNanos > 0) {
            this.ticker.start();
        }
    }

    /**
     * A notice that sends {@code send} (on the ticker thread, so it should be quick) once the delay has passed (within
     * a quarter of it more), unless withheld or flushed first.
     */
    public Notice announce(Runnable send) {
        Notice notice = new Notice(send, System.nanoTime() + delayNanos);
        if (delayNanos <= 0) {
            notice.flush();
        } else {
            pending.add(notice);
            if (count.getAndIncrement() == 0) {
                LockSupport.unpark(ticker);
            }
        }
        return notice;
    }

    private void tick() {
        long period = Math.max(delayNanos / 4, 1_000_000L);
        while (running) {
            if (count.get() == 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, period);
            }
            long now = System.nanoTime();
            Notice head;
            while ((head = pending.peek()) != null && (head.isSettled() || now - head.due >= 0)) {
                pending.poll(); // the ticker is the only thread that takes from the queue
                count.decrementAndGet();
                head.flush();
            }
        }
    }

    @PreDestroy
    void close() {
        running = false;
        LockSupport.unpark(ticker);
    }

    /**
     * One task's STARTED. Sending happens under the notice's lock and waits for Redis, so once {@link #withhold} or
     * {@link #flush} returns, a STARTED that was sent is stored, before whatever the worker sends next on any
     * connection.
     */
    public static final class Notice {

        private final Runnable send;
        private final long due;
        private boolean sent;
        private volatile boolean settled;

        private Notice(Runnable send, long due) {
            this.send = send;
            this.due = due;
        }

        boolean isSettled() {
            return settled;
        }

        /** Sends it now unless it was sent or withheld; for every ending but the plain success. */
        public synchronized void flush() {
            if (!settled) {
                settled = true;
                sent = true;
                try {
                    send.run();
                } catch (RuntimeException e) {
                    log.warn("STARTED not sent: {}", e.toString());
                }
            }
        }

        /** Keeps it from being sent from now on; returns whether it already was. */
        public synchronized boolean withhold() {
            settled = true;
            return sent;
        }
    }
}
