package io.clipflow.queue;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.support.DefaultEndpoint;

/** One Celery queue on Redis; see {@link CeleryComponent} for its options. */
@UriEndpoint(
        firstVersion = "0.1.0",
        scheme = "celery",
        title = "Celery queue on Redis",
        syntax = "celery:queue",
        category = {Category.MESSAGING})
public class CeleryEndpoint extends DefaultEndpoint {

    private final String queueName;
    private String task = "";
    private int concurrency = 1;
    private long pollTimeoutMillis = 1000;
    private boolean events = true;

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
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1 on " + getEndpointUri());
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

    public String getTask() {
        return task;
    }

    public void setTask(String task) {
        this.task = task == null ? "" : task;
    }

    public int getConcurrency() {
        return concurrency;
    }

    public void setConcurrency(int concurrency) {
        this.concurrency = concurrency;
    }

    /** Publish each task's lifecycle as live events (off for routes that publish their own). */
    public boolean isEvents() {
        return events;
    }

    public void setEvents(boolean events) {
        this.events = events;
    }

    public long getPollTimeoutMillis() {
        return pollTimeoutMillis;
    }

    public void setPollTimeoutMillis(long pollTimeoutMillis) {
        this.pollTimeoutMillis = pollTimeoutMillis;
    }
}
