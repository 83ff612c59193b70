package io.clipflow.queue;

import io.clipflow.config.AsyncRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Group commit for the finish scripts of one queue's worker threads on one node: a finishing task joins a waiting
 * list, and a script goes to Redis carrying every finish that waited (at most {@link #MAX_JOBS}; at most
 * {@link #IN_FLIGHT} scripts on their way). Under
 * load the worker threads finish while a script is on its way, so Redis runs one script for several tasks instead of
 * one each; an idle worker's finish goes out at once, alone. Each task keeps its own guarantees (result before ack,
 * never over a SUCCESS, its own next message), because the script applies the same steps to each task in turn.
 *
 * <p>Scripts are sent from worker threads only, never from Redis's reply thread: a thread's earlier commands on the
 * shared connection (a STARTED sent by {@link StartNotices}) are queued for writing before any batch holding its
 * finish, so they reach Redis first.
 */
final class FinishBatch {

    /** Most finishes in one script: bounds the script's time in Redis and the size of one request. */
    static final int MAX_JOBS = 32;

    /**
     * Scripts on their way at once: with two, the next batch is already in Redis's socket while it runs one, so Redis
     * does not wait for a worker thread to wake between batches (one in flight measured ~10% slower).
     */
    static final int IN_FLIGHT = 2;

    /** How often a waiting thread checks that its finish is on its way (only matters when a reply was lost). */
    private static final long NUDGE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** One task's finish: its script arguments, result keys, and the reply it waits for. */
    static final class Job {
        final byte[][] keys;
        final byte[][] args;
        final CompletableFuture<ReliableQueue.Taken> done = new CompletableFuture<>();
        volatile CompletableFuture<List<Object>> batch;

        Job(byte[][] keys, byte[][] args) {
            this.keys = keys;
            this.args = args;
        }
    }

    private final AsyncRedis redis;
    private final String script;
    private final byte[][] sharedKeys;
    private final ConcurrentLinkedQueue<Job> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sending = new AtomicInteger();
    private final LongAdder scripts = new LongAdder();

    /** @param sharedKeys the script's first KEYS, the same for every task of this queue and node */
    FinishBatch(AsyncRedis redis, String script, byte[][] sharedKeys) {
        this.redis = redis;
        this.script = script;
        this.sharedKeys = sharedKeys;
    }

    /**
     * Finishes one task (with whatever others wait) and returns the next message its thread took along, or null.
     * {@code perScriptArgs} gives the script's first ARGV (e.g. the time), made when the script is sent; each job's own
     * follow.
     *
     * @throws IllegalStateException when Redis did not answer within {@code timeout} or refused the script; the
     *     message then stays in the processing list, as with any failed ack
     */
    ReliableQueue.Taken finish(Job job, Supplier<byte[][]> perScriptArgs, Duration timeout) {
        waiting.add(job);
        send(perScriptArgs);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("no reply from Redis within " + timeout);
                }
                try {
                    ReliableQueue.Taken next = job.done.get(Math.min(left, NUDGE_NANOS), TimeUnit.NANOSECONDS);
                    // this thread was woken anyway: it sends what gathered meanwhile
                    send(perScriptArgs);
                    return next;
                } catch (TimeoutException stillWaiting) {
                    send(perScriptArgs);
                }
            }
        } catch (TimeoutException e) {
            if (!waiting.remove(job)) {
                CompletableFuture<List<Object>> sent = job.batch;
                if (sent != null) {
                    sent.cancel(true);
                }
            }
            throw new IllegalStateException(e.getMessage(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("finish script failed: " + e.getCause(), e.getCause());
        } catch (CancellationException e) {
            throw new IllegalStateException("finish script cancelled (Redis did not answer in time)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while finishing a task", e);
        }
    }

    /**
     * Sends the waiting finishes as one script, unless {@link #IN_FLIGHT} are already on their way (then a thread
     * woken by a reply sends them).
     */
    private void send(Supplier<byte[][]> perScriptArgs) {
        while (!waiting.isEmpty() && reserve()) {
            List<Job> jobs = new ArrayList<>();
            Job job;
            while (jobs.size() < MAX_JOBS && (job = waiting.poll()) != null) {
                jobs.add(job);
            }
            if (jobs.isEmpty()) {
                sending.decrementAndGet();
                continue;
            }
            CompletableFuture<List<Object>> reply;
            try {
                reply = redis.call(script, concat(sharedKeys, jobs, true), concat(perScriptArgs.get(), jobs, false));
            } catch (RuntimeException e) {
                sending.decrementAndGet();
                jobs.forEach(j -> j.done.completeExceptionally(e));
                continue;
            }
            scripts.increment();
            jobs.forEach(j -> j.batch = reply);
            reply.whenComplete((replies, e) -> {
                // free first: a thread woken below may send the next script straight away
                sending.decrementAndGet();
                for (int i = 0; i < jobs.size(); i++) {
                    if (e != null) {
                        jobs.get(i).done.completeExceptionally(e);
                    } else {
                        jobs.get(i).done.complete(taken(replies.get(i)));
                    }
                }
            });
            return;
        }
    }

    /** Scripts sent so far. */
    long scripts() {
        return scripts.sum();
    }

    private boolean reserve() {
        int n;
        do {
            n = sending.get();
            if (n >= IN_FLIGHT) {
                return false;
            }
        } while (!sending.compareAndSet(n, n + 1));
        return true;
    }

    private static byte[][] concat(byte[][] head, List<Job> jobs, boolean keys) {
        int n = head.length;
        for (Job j : jobs) {
            n += keys ? j.keys.length : j.args.length;
        }
        byte[][] all = new byte[n][];
        System.arraycopy(head, 0, all, 0, head.length);
        int at = head.length;
        for (Job j : jobs) {
            byte[][] part = keys ? j.keys : j.args;
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /** A job's reply: 0 when it took nothing, else {message, task id or '', status}. */
    private static ReliableQueue.Taken taken(Object reply) {
        if (!(reply instanceof List<?> taken) || taken.size() != 3) {
            return null;
        }
        String id = text(taken.get(1));
        return new ReliableQueue.Taken(
                text(taken.get(0)),
                id.isEmpty() ? null : id,
                ReliableQueue.TaskStatus.of(((Number) taken.get(2)).longValue()));
    }

    private static String text(Object bulk) {
        return bulk instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(bulk);
    }

    /** Redis's view of a Java string, for script keys and arguments. */
    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
