package io.clipflow.queue;

import io.clipflow.notify.TaskEvents;
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
        CeleryComponent component = endpoint.getComponent();
        TaskOptions options =
                call.taskId() == null ? call.options() : call.options().withTaskId(call.taskId());
        CeleryMessage message =
                component.codec.newTask(call.name(), call.args(), call.kwargs(), endpoint.getQueueName(), options);
        if (call.ownerId() != null) {
            message = message.withHeader(TaskEvents.OWNER_HEADER, call.ownerId());
        }
        component.queue.publish(endpoint.getQueueName(), message.priority(), component.codec.encode(message));
        exchange.getMessage().setBody(message.taskId());
    }
}
