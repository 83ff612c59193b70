package io.clipflow.queue;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs remote-control commands one after another on a few threads of its own, waiting for each at most a deadline:
 * a command that overruns goes on in the background (it is not interrupted halfway through a change) and the next one
 * starts. With every thread taken by overrunning commands, the next is refused at once.
 */
final class DeadlineRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeadlineRunner.class);

    private final Duration deadline;
    private final ThreadPoolExecutor threads;

    /**
     * One permit per thread, taken before a command is handed over and given back when it ends. Counting here rather
     * than relying on the pool's own refusal: a thread that just finished a command is not back at its queue yet, and
     * a pool without a queue would refuse the next command although nothing overruns.
     */
    private final Semaphore free;

    DeadlineRunner(String name, int threads, Duration deadline) {
        this.deadline = deadline;
        this.free = new Semaphore(threads);
        AtomicInteger n = new AtomicInteger();
        this.threads =
                new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.threads.allowCoreThreadTimeOut(true);
    }

    /**
     * Runs {@code command} and waits for it until the deadline.
     *
     * @param what names the command in the log (asked only when something is logged)
     * @return whether it ended within the deadline
     */
    boolean run(Runnable command, Supplier<String> what) {
        if (!free.tryAcquire()) {
            log.warn(
                    "remote control: dropped {}: {} earlier commands still run past their deadline",
                    what.get(),
                    threads.getMaximumPoolSize());
            return false;
        }
        Future<?> done;
        try {
            done = threads.submit(() -> {
                try {
                    command.run();
                } finally {
                    free.release();
                }
            });
        } catch (RejectedExecutionException e) {
            free.release();
            log.warn("remote control: dropped {}: the runner is closed", what.get());
            return false;
        }
        try {
            done.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            log.warn("remote control: {} still runs after {}; the next command goes ahead", what.get(), deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.warn("remote control: {} failed", what.get(), e.getCause());
        }
        return false;
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
