package io.clipflow.stage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;

/**
 * One request to the provider, which the worker, a time limit, an idle check or a revoke can stop at any point: before
 * the answer (the request is cancelled) or mid-stream (the connection is closed, so the provider sees the client go
 * and stops generating). Remembers when bytes last arrived, for the idle check.
 */
final class ProviderCall {

    /** Why a call was stopped from outside. */
    enum Stop {
        SOFT_TIME_LIMIT,
        TIME_LIMIT,
        IDLE,
        TASK_STOPPED
    }

    private volatile long lastActivityNanos = System.nanoTime();
    private volatile Stop stop;
    private CompletableFuture<?> request;
    private InputStream body;
    private boolean closed;

    synchronized void sending(CompletableFuture<?> sent) {
        request = sent;
        if (closed) {
            sent.cancel(true);
        }
    }

    /** The answer's body, seen byte by byte for the idle check. */
    synchronized InputStream reading(InputStream stream) throws IOException {
        lastActivityNanos = System.nanoTime();
        body = new FilterInputStream(stream) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                lastActivityNanos = System.nanoTime();
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                lastActivityNanos = System.nanoTime();
                return n;
            }
        };
        if (closed) {
            body.close();
        }
        return body;
    }

    long idleNanos() {
        return System.nanoTime() - lastActivityNanos;
    }

    /** Stops the call for {@code reason}; the first reason stands. Never blocks on the network. */
    void stop(Stop reason) {
        synchronized (this) {
            if (stop == null) {
                stop = reason;
            }
        }
        close();
    }

    Stop stopReason() {
        return stop;
    }

    /** Ends the request and the connection, if still open. */
    void close() {
        CompletableFuture<?> r;
        InputStream b;
        synchronized (this) {
            closed = true;
            r = request;
            b = body;
        }
        if (r != null) {
            r.cancel(true);
        }
        if (b != null) {
            // closing the body before its end makes the JDK client drop the connection
            Thread closer = new Thread(
                    () -> {
                        try {
                            b.close();
                        } catch (IOException e) {
                            // the connection is gone either way
                        }
                    },
                    "llm-call-close");
            closer.setDaemon(true);
            closer.start();
        }
    }
}
