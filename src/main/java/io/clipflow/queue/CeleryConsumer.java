package io.clipflow.queue;

import io.clipflow.task.TaskTracker;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker threads for one Celery queue. Each thread takes one message at a time (no prefetch), so a free thread is the
 * only thing that pulls work off Redis. A message is acked only after its result is stored; one that cannot run is
 * dead-lettered with the reason and the thread goes on.
 */
class CeleryConsumer extends DefaultConsumer {

    private static final Logger log = LoggerFactory.getLogger(CeleryConsumer.class);
    private static final Duration REDIS_DOWN_BACKOFF = Duration.ofSeconds(1);

    private final CeleryEndpoint endpoint;
    private final Set<String> taskNames;
    private ExecutorService workers;

    CeleryConsumer(CeleryEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.taskNames = endpoint.taskNames();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        int n = endpoint.getConcurrency();
        workers = getEndpoint()
                .getCamelContext()
                .getExecutorServiceManager()
                .newFixedThreadPool(this, "celery-" + endpoint.getQueueName(), n);
        for (int i = 0; i < n; i++) {
            workers.submit(this::work);
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (workers != null) {
            // running tasks finish; the loops see isRunAllowed() go false after their current message
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(workers);
            workers = null;
        }
        super.doStop();
    }

    private void work() {
        CeleryComponent component = endpoint.getComponent();
        Duration poll = Duration.ofMillis(endpoint.getPollTimeoutMillis());
        while (isRunAllowed() && !isSuspendingOrSuspended()) {
            String raw;
            try {
                raw = component.queue.take(endpoint.getQueueName(), component.nodeName, poll);
            } catch (RuntimeException e) {
                if (!isRunAllowed()) {
                    return;
                }
                log.warn(
                        "celery:{} cannot fetch from Redis ({}); retrying in {}",
                        endpoint.getQueueName(),
                        e.getMessage(),
                        REDIS_DOWN_BACKOFF);
                sleepQuietly(REDIS_DOWN_BACKOFF);
                continue;
            }
            if (raw != null) {
                handle(component, raw);
            }
        }
    }

    private void handle(CeleryComponent component, String raw) {
        String queueName = endpoint.getQueueName();
        TaskTracker tracker = component.tracker;
        String worker = "celery@" + component.nodeName;
        CeleryMessage message;
        try {
            message = component.codec.decode(raw);
        } catch (CeleryDecodeException e) {
            log.warn("celery:{} dead-lettered an undecodable message: {}", queueName, e.getMessage());
            component.queue.deadLetter(queueName, raw, e.getMessage(), 0);
            component.queue.ack(component.nodeName, raw);
            return;
        }
        if (!taskNames.isEmpty() && !taskNames.contains(message.taskName())) {
            String reason = "unknown task " + message.taskName() + " on queue " + queueName + " (this queue runs "
                    + String.join(", ", taskNames) + ")";
            log.warn("celery:{} dead-lettered task {}: {}", queueName, message.taskId(), reason);
            tracker.failed(message, "NotRegistered", reason, worker);
            component.queue.deadLetter(queueName, raw, reason, message.retries());
            component.queue.ack(component.nodeName, raw);
            return;
        }
        if (tracker.alreadySucceeded(message.taskId())) {
            log.info(
                    "celery:{} task {} already succeeded; acking the redelivered copy without running it",
                    queueName,
                    message.taskId());
            component.queue.ack(component.nodeName, raw);
            return;
        }
        tracker.started(message, worker);
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
            if (failure != null) {
                Throwable cause = innermost(failure);
                tracker.failed(message, cause.getClass().getSimpleName(), readable(cause), worker);
            } else if (!Boolean.FALSE.equals(exchange.getVariable(TaskVariables.STORE_RESULT))) {
                tracker.succeeded(message, exchange.getMessage().getBody(), worker);
            }
            component.queue.ack(component.nodeName, raw);
        } catch (RuntimeException e) {
            // the result could not be stored (Redis or DB down): leave the message in the processing list for recovery
            log.error(
                    "celery:{} could not finish task {}; it stays in {}'s processing list",
                    queueName,
                    message.taskId(),
                    component.nodeName,
                    e);
        } finally {
            releaseExchange(exchange, false);
        }
    }

    static String readable(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    static Throwable innermost(Throwable failure) {
        Throwable t = failure;
        // Camel wraps bean and exec failures; the innermost message is the one a person can act on
        while (t.getCause() != null
                && t.getCause() != t
                && (t instanceof org.apache.camel.CamelExecutionException
                        || t instanceof org.apache.camel.RuntimeCamelException
                        || t instanceof java.lang.reflect.InvocationTargetException)) {
            t = t.getCause();
        }
        return t;
    }

    private static void sleepQuietly(Duration d) {
        try {
            TimeUnit.MILLISECONDS.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
