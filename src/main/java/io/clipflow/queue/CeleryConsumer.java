package io.clipflow.queue;

import io.clipflow.celery.CeleryMessage;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker threads for one Celery queue. Each thread takes one message at a time (no prefetch), so a free thread is the
 * only thing that pulls work off Redis; {@link CeleryNode} decides and ends each message (see docs/architecture.md),
 * and this class runs the route for the ones that run. Remote control may add threads or retire some
 * ({@code pool_grow}, {@code pool_shrink}); a retiring thread finishes its task first.
 */
class CeleryConsumer extends DefaultConsumer implements CeleryNode.Pool {

    private static final Logger log = LoggerFactory.getLogger(CeleryConsumer.class);
    private static final Duration REDIS_DOWN_BACKOFF = Duration.ofSeconds(1);

    private final CeleryEndpoint endpoint;
    private final CeleryNode node;
    private final String queueName;
    private final Set<String> taskNames;
    private ExecutorService workers;
    /** Worker threads wanted now. */
    private final AtomicInteger size = new AtomicInteger();
    /** Threads asked to retire that have not yet. */
    private final AtomicInteger retiring = new AtomicInteger();

    CeleryConsumer(CeleryEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.node = endpoint.getComponent().node();
        this.queueName = endpoint.getQueueName();
        this.taskNames = endpoint.taskNames();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (!node.consumes(queueName)) {
            // one switch for every consumer route, including ones an operator adds in YAML
            log.info(
                    "celery:{} not consumed here: {}",
                    queueName,
                    node.roles().isWorker() ? "not in clipflow.worker.queues" : "this node has no worker role");
            return;
        }
        int n = endpoint.threads();
        size.set(n);
        retiring.set(0);
        workers = getEndpoint()
                .getCamelContext()
                .getExecutorServiceManager()
                .newFixedThreadPool(this, "celery-" + queueName, n);
        for (int i = 0; i < n; i++) {
            workers.submit(this::work);
        }
        node.consuming(queueName, this);
    }

    @Override
    public int size() {
        return size.get();
    }

    @Override
    public synchronized void resize(int delta) {
        if (workers == null || delta == 0) {
            return;
        }
        int target = size.addAndGet(delta);
        if (workers instanceof ThreadPoolExecutor pool) {
            if (delta > 0) {
                pool.setMaximumPoolSize(Math.max(pool.getMaximumPoolSize(), target));
                pool.setCorePoolSize(target);
            } else {
                // a thread over the size ends once idle, which a retired loop leaves it
                pool.setCorePoolSize(target);
                pool.setMaximumPoolSize(target);
            }
        }
        if (delta > 0) {
            int cancelled = Math.min(delta, retiring.get());
            retiring.addAndGet(-cancelled);
            for (int i = cancelled; i < delta; i++) {
                workers.submit(this::work);
            }
        } else {
            retiring.addAndGet(-delta);
        }
        log.info("celery:{} now runs {} worker thread(s)", queueName, target);
    }

    /** Whether the calling loop should end now: it takes one of the pending retirements. */
    private boolean retires() {
        return retiring.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0;
    }

    @Override
    protected void doStop() throws Exception {
        node.stoppedConsuming(queueName);
        if (workers != null) {
            // loops see isRunAllowed() go false after their current poll; running tasks get the grace period, then
            // their FFmpeg is stopped and their messages go back to the queue
            workers.shutdown();
            Duration grace = node.shutdownGrace();
            if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn(
                        "celery:{} tasks still running after {}; stopping them and handing them back",
                        queueName,
                        grace);
                node.stopAllForShutdown();
                workers.awaitTermination(30, TimeUnit.SECONDS);
            }
            workers = null;
        }
        super.doStop();
    }

    private void work() {
        Duration poll = Duration.ofMillis(endpoint.getPollTimeoutMillis());
        boolean events = endpoint.sendsEvents();
        try (WorkerConnection connection = node.connection()) {
            // the message the last task's finish took along: it is in our processing list, so it runs even when
            // this consumer is stopping
            ReliableQueue.Taken next = null;
            while (next != null || (isRunAllowed() && !isSuspendingOrSuspended() && !retires())) {
                ReliableQueue.Taken taken = next;
                next = null;
                if (taken == null) {
                    try {
                        taken = node.take(queueName, poll, connection);
                    } catch (RuntimeException e) {
                        if (!isRunAllowed()) {
                            return;
                        }
                        log.warn(
                                "celery:{} cannot fetch from Redis ({}); retrying in {}",
                                queueName,
                                e.getMessage(),
                                REDIS_DOWN_BACKOFF);
                        sleepQuietly(REDIS_DOWN_BACKOFF);
                        continue;
                    }
                }
                if (taken != null) {
                    try {
                        next = node.handle(
                                queueName, taskNames, events, taken, connection, this::runRoute, this::takesMore);
                    } catch (RuntimeException e) {
                        // the result or the ack could not be written (Redis or DB down): the message stays in the
                        // processing list and is handed back when this node restarts or is declared dead
                        log.error(
                                "celery:{} could not finish a message; it stays in {}'s processing list",
                                queueName,
                                node.nodeName(),
                                e);
                    }
                }
            }
        }
    }

    /**
     * Whether a finishing task may take the next message along: not while this consumer is stopping or a thread is
     * to retire.
     */
    private boolean takesMore() {
        return isRunAllowed() && !isSuspendingOrSuspended() && retiring.get() == 0;
    }

    /** The route's part of one run: an exchange with the message as its body and the task's variables. */
    private CeleryNode.Outcome runRoute(CeleryMessage message) {
        Exchange exchange = createExchange(false);
        try {
            exchange.getIn().setBody(message);
            exchange.setVariable(TaskVariables.TASK_ID, message.taskId());
            exchange.setVariable(TaskVariables.TASK_NAME, message.taskName());
            exchange.setVariable(TaskVariables.TASK_RETRIES, message.retries());
            try {
                getProcessor().process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            Throwable failure = exchange.getException() != null
                    ? exchange.getException()
                    : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            return new CeleryNode.Outcome(
                    exchange.getMessage().getBody(),
                    failure,
                    !Boolean.FALSE.equals(exchange.getVariable(TaskVariables.STORE_RESULT)));
        } finally {
            releaseExchange(exchange, false);
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            TimeUnit.MILLISECONDS.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
