package io.clipflow.queue;

import io.clipflow.celery.TaskCall;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;

/** Turns a {@link TaskCall} body into a Celery message on the endpoint's queue; the reply body is the task id. */
class CeleryProducer extends DefaultProducer {

    private final CeleryEndpoint endpoint;

    CeleryProducer(CeleryEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        TaskCall call = exchange.getIn().getMandatoryBody(TaskCall.class);
        String taskId = endpoint.getComponent().node().send(call, endpoint.getQueueName());
        exchange.getMessage().setBody(taskId);
    }
}
