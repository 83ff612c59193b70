package io.clipflow.queue;

import io.clipflow.task.ResultProperties;
import jakarta.annotation.PreDestroy;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
    private final ScheduledThreadPoolExecutor timer;

    StartNotices(ResultProperties properties) {
        this.delayNanos = properties.startedAfter().toNanos();
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "clipflow-started");
            t.setDaemon(true);
            return t;
        });
        // a withheld notice leaves the queue at once instead of waiting there for its time
        timer.setRemoveOnCancelPolicy(true);
    }

    /** A notice that sends {@code send} (which must not block) after the delay, unless withheld or flushed first. */
    public Notice announce(Runnable send) {
        Notice notice = new Notice(send);
        if (delayNanos <= 0) {
            notice.flush();
        } else {
            notice.future = timer.schedule(notice::flush, delayNanos, TimeUnit.NANOSECONDS);
        }
        return notice;
    }

    @PreDestroy
    void close() {
        timer.shutdownNow();
    }

    /**
     * One task's STARTED. Sending happens under the notice's lock, so once {@link #withhold} or {@link #flush} returns,
     * a STARTED that was sent has been handed to the shared connection and reaches Redis before whatever the worker
     * sends next.
     */
    public static final class Notice {

        private final Runnable send;
        private volatile ScheduledFuture<?> future;
        private boolean sent;
        private boolean settled;

        private Notice(Runnable send) {
            this.send = send;
        }

        /** Sends it now unless it was sent or withheld; for every ending but the plain success. */
        public synchronized void flush() {
            if (!settled) {
                settled = true;
                sent = true;
                cancel();
                try {
                    send.run();
                } catch (RuntimeException e) {
                    log.warn("STARTED not sent: {}", e.toString());
                }
            }
        }

        /** Keeps it from being sent from now on; returns whether it already was. */
        public synchronized boolean withhold() {
            if (!settled) {
                settled = true;
                cancel();
            }
            return sent;
        }

        private void cancel() {
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }
    }
}
