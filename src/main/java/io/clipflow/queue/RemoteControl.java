package io.clipflow.queue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipflow.celery.CeleryDecodeException;
import io.clipflow.celery.Kombu;
import io.clipflow.celery.PidboxCodec;
import io.clipflow.celery.PidboxRequest;
import io.clipflow.config.RedisKeys;
import io.clipflow.config.Roles;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.TaskExecutor;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * This worker node's Celery mailbox (kombu's pidbox {@code Node} on the Redis transport): it binds
 * {@code <hostname>.celery.pidbox} to the {@code celery.pidbox} exchange as kombu does ({@code _kombu.binding.celery.pidbox}),
 * listens on the exchange's fanout channel ({@code [prefix]/<db>.celery.pidbox}), runs the commands addressed to it
 * ({@link ControlPanel}) one at a time in arrival order, and answers a call as kombu does: LPUSH onto each queue bound
 * to {@code reply.celery.pidbox} with the caller's routing key, the request's ticket in the headers. Runs on nodes
 * with the worker role while {@code clipflow.celery.remote-control} is on.
 */
@Component
class RemoteControl implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RemoteControl.class);

    private final RedisConnectionFactory connections;
    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final PidboxCodec codec;
    private final ControlPanel panel;
    private final CeleryWorkerState state;
    private final CeleryWorkerProperties properties;
    private final Roles roles;
    private RedisMessageListenerContainer container;
    private ExecutorService commands;
    private volatile boolean running;

    RemoteControl(
            RedisConnectionFactory connections,
            StringRedisTemplate redis,
            RedisKeys keys,
            PidboxCodec codec,
            ControlPanel panel,
            CeleryWorkerState state,
            CeleryWorkerProperties properties,
            Roles roles) {
        this.connections = connections;
        this.redis = redis;
        this.keys = keys;
        this.codec = codec;
        this.panel = panel;
        this.state = state;
        this.properties = properties;
        this.roles = roles;
    }

    /** The pub/sub channel commands arrive on. */
    String channel() {
        return state.fanout(PidboxCodec.EXCHANGE, "");
    }

    @Override
    public void start() {
        running = true;
        if (!properties.remoteControl() || !roles.isWorker()) {
            return;
        }
        redis.opsForSet().add(keys.binding(PidboxCodec.EXCHANGE), mailboxBinding());
        commands = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "celery-pidbox");
            t.setDaemon(true);
            return t;
        });
        container = new RedisMessageListenerContainer();
        container.setConnectionFactory(connections);
        container.setTaskExecutor((TaskExecutor) commands::execute);
        container.addMessageListener(
                (message, pattern) -> handle(new String(message.getBody(), StandardCharsets.UTF_8)),
                new ChannelTopic(channel()));
        container.afterPropertiesSet();
        container.start();
        log.info("Celery remote control: {} listens on {}", state.hostname(), channel());
    }

    @Override
    public void stop() {
        running = false;
        if (container == null) {
            return;
        }
        try {
            container.stop();
            container.destroy();
        } catch (Exception e) {
            log.warn("pidbox listener did not stop cleanly: {}", e.toString());
        }
        commands.shutdown();
        container = null;
        try {
            // kombu removes an auto-delete queue's binding when its channel closes
            redis.opsForSet().remove(keys.binding(PidboxCodec.EXCHANGE), mailboxBinding());
        } catch (RuntimeException e) {
            log.warn("pidbox binding of {} not removed: {}", state.hostname(), e.getMessage());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // below Camel, like NodeLiveness: answers from before the consumers start until after they stopped
        return 0;
    }

    private String mailboxBinding() {
        return Kombu.bindingMember("", PidboxCodec.queueName(state.hostname()));
    }

    void handle(String raw) {
        PidboxRequest request;
        try {
            request = codec.decode(raw);
        } catch (CeleryDecodeException e) {
            log.warn("pidbox: ignored a message that is not a command: {}", e.getMessage());
            return;
        }
        // Celery's worker forwards its clock on every pidbox message; kombu's node adjusts it by the sender's
        state.clock().adjust(request.clock());
        if (!request.addressedTo(state.hostname())) {
            return;
        }
        JsonNode reply = panel.dispatch(request);
        if (request.wantsReply()) {
            reply(request, reply);
        }
    }

    /** kombu's direct exchange on Redis: every queue in the exchange's binding set with the routing key gets it. */
    private void reply(PidboxRequest request, JsonNode reply) {
        try {
            String text = codec.encodeReply(
                    state.hostname(), reply, request, state.clock().forward());
            Set<String> bindings = redis.opsForSet().members(keys.binding(request.replyExchange()));
            if (bindings == null) {
                return;
            }
            for (String member : bindings) {
                String[] parts = member.split(Kombu.SEPARATOR, -1);
                if (parts.length == 3 && parts[0].equals(request.replyRoutingKey())) {
                    redis.opsForList().leftPush(keys.queue(parts[2]), text);
                }
            }
        } catch (RuntimeException e) {
            log.warn("pidbox: no reply to {} sent: {}", request.method(), e.toString());
        }
    }
}
