package io.clipflow.notify;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's subscription to one topic, with its own bounded outbox. Callers only enqueue; one sender thread at
 * a time drains the outbox in order, so a client that stops reading blocks at most that thread (for at most the send
 * time limit) and is closed once its outbox is over the byte limit. Events that arrive while the history is being
 * replayed wait, then go out after it without duplicates, so ids (and progress) reach the client in order.
 */
final class Subscriber {

    private static final Logger log = LoggerFactory.getLogger(Subscriber.class);

    private interface Send {
        void run() throws IOException;
    }

    private record Item(Send send, int bytes) {}

    private final String topic;
    private final Sink sink;
    private final Executor senders;
    private final long byteLimit;
    private final ArrayDeque<Item> outbox = new ArrayDeque<>();
    private final List<Event> heldDuringReplay = new ArrayList<>();
    private long queuedBytes;
    private boolean draining;
    private boolean replaying = true;
    private boolean closed;
    private String lastId;

    Subscriber(String topic, Sink sink, Executor senders, long byteLimit) {
        this.topic = topic;
        this.sink = sink;
        this.senders = senders;
        this.byteLimit = byteLimit;
    }

    String topic() {
        return topic;
    }

    Sink sink() {
        return sink;
    }

    /** A live event from the hub. */
    synchronized void live(Event event) {
        if (replaying) {
            heldDuringReplay.add(event);
        } else {
            deliver(event);
        }
    }

    /** Sends {@code history} (oldest first), then what arrived live meanwhile, and goes live. */
    synchronized void replayed(List<Event> history) {
        history.forEach(this::deliver);
        heldDuringReplay.forEach(this::deliver);
        heldDuringReplay.clear();
        replaying = false;
    }

    synchronized void control(String json) {
        enqueue(() -> sink.control(json), json.length());
    }

    synchronized void heartbeat() {
        enqueue(sink::heartbeat, 16);
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** Closes without sending what is still queued. */
    void close(String reason) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            outbox.clear();
            queuedBytes = 0;
        }
        try {
            senders.execute(() -> sink.close(reason));
        } catch (RejectedExecutionException e) {
            // the node is shutting down
            sink.close(reason);
        }
    }

    private void deliver(Event event) {
        if (event.id() != null) {
            if (lastId != null && Event.compareIds(event.id(), lastId) <= 0) {
                return;
            }
            lastId = event.id();
        }
        enqueue(() -> sink.event(event), event.json().length());
    }

    private void enqueue(Send send, int bytes) {
        if (closed) {
            return;
        }
        if (queuedBytes + bytes > byteLimit) {
            log.info("closing a subscriber of {}: more than {} bytes waiting to be sent", topic, byteLimit);
            close("too slow: send buffer full");
            return;
        }
        outbox.add(new Item(send, bytes));
        queuedBytes += bytes;
        if (!draining) {
            draining = true;
            try {
                senders.execute(this::drain);
            } catch (RejectedExecutionException e) {
                // the node is shutting down: nothing will be sent any more
                draining = false;
                closed = true;
            }
        }
    }

    private void drain() {
        while (true) {
            Item item;
            synchronized (this) {
                item = closed ? null : outbox.poll();
                if (item == null) {
                    draining = false;
                    return;
                }
                queuedBytes -= item.bytes();
            }
            try {
                item.send().run();
            } catch (IOException | RuntimeException e) {
                log.debug("send to a subscriber of {} failed: {}", topic, e.toString());
                synchronized (this) {
                    draining = false;
                }
                close("send failed");
                return;
            }
        }
    }
}
