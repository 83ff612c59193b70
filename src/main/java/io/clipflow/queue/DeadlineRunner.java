package io.clipflow.queue;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
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

    DeadlineRunner(String name, int threads, Duration deadline) {
        this.deadline = deadline;
        AtomicInteger n = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(0, threads, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code command} and waits for it until the deadline.
     *
     * @param what names the command in the log (asked only when something is logged)
     * @return whether it ended within the deadline
     */
    boolean run(Runnable command, Supplier<String> what) {
        Future<?> done;
        try {
            done = threads.submit(command);
        } catch (RejectedExecutionException e) {
            log.warn(
                    "remote control: dropped {}: {} earlier commands still run past their deadline",
                    what.get(),
                    threads.getMaximumPoolSize());
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
