package io.clipflow.queue;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * One Celery queue on Redis. Options that a route leaves out come from {@code clipflow.queues.<queue>.*}
 * ({@link QueueProperties}).
 */
@UriEndpoint(
        firstVersion = "0.1.0",
        scheme = "celery",
        title = "Celery queue on Redis",
        syntax = "celery:queueName",
        category = {Category.MESSAGING})
public class CeleryEndpoint extends DefaultEndpoint {

    @UriPath(description = "The Celery queue: the Redis list kombu names after it, and its priority sub-lists")
    @Metadata(required = true)
    private final String queueName;

    @UriParam(
            label = "consumer",
            description = "Comma-separated task names the consumer runs; a message for another task is dead-lettered"
                    + " as NotRegistered. Empty: any task on the queue")
    private String task = "";

    @UriParam(
            label = "consumer",
            description =
                    "Worker threads, each running one task at a time; default clipflow.queues.<queue>.concurrency")
    private Integer concurrency;

    @UriParam(
            label = "consumer",
            defaultValue = "1000",
            description = "How long one blocking take (BLMOVE) waits for a message, in milliseconds")
    private long pollTimeoutMillis = 1000;

    @UriParam(
            label = "consumer",
            description = "Publish each task's lifecycle as live events (off for routes that publish their own);"
                    + " default clipflow.queues.<queue>.events")
    private Boolean events;

    CeleryEndpoint(String uri, CeleryComponent component, String queueName) {
        super(uri, component);
        this.queueName = queueName;
    }

    @Override
    public Producer createProducer() {
        return new CeleryProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        if (threads() < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1 on " + getEndpointUri());
        }
        int ceiling = getComponent().node().ceiling(queueName);
        if (threads() > ceiling) {
            throw new IllegalArgumentException("concurrency " + threads() + " on " + getEndpointUri()
                    + " is above the queue's ceiling of " + ceiling + " (clipflow.queues." + queueName
                    + ".max-concurrency)");
        }
        CeleryConsumer consumer = new CeleryConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public CeleryComponent getComponent() {
        return (CeleryComponent) super.getComponent();
    }

    public String getQueueName() {
        return queueName;
    }

    Set<String> taskNames() {
        return Arrays.stream(task.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
    }

    /** The worker threads: this endpoint's option, else the queue's configured concurrency. */
    int threads() {
        return concurrency != null
                ? concurrency
                : getComponent().node().settings(queueName).concurrency();
    }

    /** Whether task lifecycle events are sent: this endpoint's option, else the queue's configuration. */
    boolean sendsEvents() {
        return events != null
                ? events
                : getComponent().node().settings(queueName).events();
    }

    public String getTask() {
        return task;
    }

    public void setTask(String task) {
        this.task = task == null ? "" : task;
    }

    public Integer getConcurrency() {
        return concurrency;
    }

    public void setConcurrency(Integer concurrency) {
        this.concurrency = concurrency;
    }

    public Boolean getEvents() {
        return events;
    }

    public void setEvents(Boolean events) {
        this.events = events;
    }

    public long getPollTimeoutMillis() {
        return pollTimeoutMillis;
    }

    public void setPollTimeoutMillis(long pollTimeoutMillis) {
        this.pollTimeoutMillis = pollTimeoutMillis;
    }
}
