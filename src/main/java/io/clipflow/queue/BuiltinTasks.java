package io.clipflow.queue;

import io.clipflow.celery.CeleryMessage;
import org.apache.camel.Body;
import org.springframework.stereotype.Component;

/** clipflow.ping and clipflow.noop, called by route builtin-tasks. */
@Component("builtinTasks")
public class BuiltinTasks {

    /** {@code ping()} → "pong"; {@code noop(x)} → x (null without args). */
    public Object run(@Body CeleryMessage message) {
        if ("clipflow.ping".equals(message.taskName())) {
            return "pong";
        }
        return message.args().isEmpty() ? null : message.args().get(0);
    }
}
