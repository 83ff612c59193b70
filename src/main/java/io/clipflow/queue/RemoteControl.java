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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * This worker node's Celery mailbox (kombu's pidbox {@code Node} on the Redis transport): it binds
 * {@code <hostname>.celery.pidbox} to the {@code celery.pidbox} exchange as kombu does ({@code _kombu.binding.celery.pidbox}),
 * listens on the exchange's fanout channel ({@code [prefix]/<db>.celery.pidbox}), runs the commands addressed to it
 * ({@link ControlPanel}) in arrival order, and answers a call as kombu does: LPUSH onto each queue bound to
 * {@code reply.celery.pidbox} with the caller's routing key, the request's ticket in the headers. Runs on nodes with
 * the worker role while {@code clipflow.celery.remote-control} is on.
 *
 * <p>The control plane never stalls: messages beyond {@code clipflow.celery.control.max-rate} are dropped where they
 * arrive, unread ({@link ControlRate}); the rest wait in a bounded inbox for the control thread, which hands each to a
 * small pool of runners and waits for it at most {@code clipflow.celery.control.deadline}. A command still running
 * then goes on in the background while the next one goes ahead, and its answer, which would come after Celery's
 * clients stop listening (1 s by default), is dropped with a warning rather than sent.
 */
@Component
class RemoteControl implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RemoteControl.class);

    /** Commands taken but not yet run; beyond it they are dropped as over the rate. */
    static final int INBOX = 256;

    /** Commands that may run at once: one in order, the others past their deadline. */
    static final int RUNNERS = 4;

    private final RedisConnectionFactory connections;
    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final PidboxCodec codec;
    private final ControlPanel panel;
    private final CeleryWorkerState state;
    private final CeleryWorkerProperties properties;
    private final Roles roles;
    private RedisMessageListenerContainer container;
    private ControlRate rate;
    private BlockingQueue<String> inbox;
    private Thread dispatcher;
    private DeadlineRunner runner;
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
        rate = new ControlRate(properties.control().maxRate());
        inbox = new ArrayBlockingQueue<>(INBOX);
        runner = new DeadlineRunner(
                "celery-pidbox-run", RUNNERS, properties.control().deadline());
        dispatcher = new Thread(this::dispatchLoop, "celery-pidbox");
        dispatcher.setDaemon(true);
        dispatcher.start();
        container = new RedisMessageListenerContainer();
        container.setConnectionFactory(connections);
        // the listener only counts and queues, so it runs where the message arrives
        container.setTaskExecutor(Runnable::run);
        container.addMessageListener(
                (message, pattern) -> arrived(new String(message.getBody(), StandardCharsets.UTF_8)),
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
        container = null;
        dispatcher.interrupt();
        runner.close();
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

    /** A message on the channel: taken into the inbox if the rate allows and there is room, else dropped unread. */
    void arrived(String raw) {
        if (rate.take() && !inbox.offer(raw)) {
            rate.dropped("the inbox holds " + INBOX + " commands not yet run");
        }
    }

    private void dispatchLoop() {
        while (running && !Thread.currentThread().isInterrupted()) {
            String raw;
            try {
                raw = inbox.take();
            } catch (InterruptedException e) {
                return;
            }
            dispatch(raw, System.nanoTime());
        }
    }

    /** Runs one message's command, waiting for it at most the deadline. */
    void dispatch(String raw, long takenNanos) {
        Call call = new Call(raw, takenNanos + properties.control().deadline().toNanos());
        runner.run(call, () -> call.method);
    }

    /** One message: decoded, run if addressed here, answered if the caller still listens. */
    private final class Call implements Runnable {
        private final String raw;
        private final long deadlineNanos;
        private volatile String method = "a command";

        Call(String raw, long deadlineNanos) {
            this.raw = raw;
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public void run() {
            PidboxRequest request;
            try {
                request = codec.decode(raw);
            } catch (CeleryDecodeException e) {
                log.warn("pidbox: ignored a message that is not a command: {}", e.getMessage());
                return;
            }
            method = request.method();
            // Celery's worker forwards its clock on every pidbox message; kombu's node adjusts it by the sender's
            state.clock().adjust(request.clock());
            if (!request.addressedTo(state.hostname())) {
                return;
            }
            JsonNode reply = panel.dispatch(request);
            if (!request.wantsReply()) {
                return;
            }
            long late = System.nanoTime() - deadlineNanos;
            if (late > 0) {
                log.warn(
                        "remote control: answer to {} dropped: it came {} ms after the deadline"
                                + " (clipflow.celery.control.deadline)",
                        method,
                        TimeUnit.NANOSECONDS.toMillis(late));
                return;
            }
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
