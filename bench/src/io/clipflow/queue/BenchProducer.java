package io.clipflow.queue;

import io.clipflow.celery.CeleryMessage;
import io.clipflow.celery.CeleryMessageCodec;
import io.clipflow.celery.TaskOptions;

import io.clipflow.config.ClipflowProperties;
import io.clipflow.config.RedisKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Clipflow's own Java producer outside a running node, for the enqueue benchmark: the same codec and the same
 * {@link ReliableQueue} publish calls a node's {@code celery:} producer, {@code POST /api/tasks} and
 * {@code POST /api/groups} use (LPUSH plus the kombu binding in one script; a batch in one pipeline).
 */
public final class BenchProducer implements AutoCloseable {

    private final LettuceConnectionFactory factory;
    private final ReliableQueue queue;
    private final CeleryMessageCodec codec = new CeleryMessageCodec();

    public BenchProducer(String host, int port) {
        factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(host, port));
        factory.afterPropertiesSet();
        factory.start();
        RedisKeys keys = new RedisKeys(
                new ClipflowProperties(Path.of("."), "bench", new ClipflowProperties.Redis("", "never", Duration.ZERO)));
        queue = new ReliableQueue(
                new StringRedisTemplate(factory),
                new io.clipflow.config.AsyncRedis(factory),
                new io.clipflow.config.WorkerConnections(factory),
                keys);
    }

    /** One {@code send_task}: a new message, encoded and LPUSHed, one round trip. */
    public void send(String queueName, String task, List<?> args) {
        CeleryMessage m = codec.newTask(task, args, null, queueName, TaskOptions.none());
        queue.publish(queueName, m.priority(), codec.encode(m));
    }

    /** {@code count} tasks in one pipeline. */
    public void sendBatch(String queueName, String task, int first, int count) {
        List<CeleryMessage> messages = new ArrayList<>(count);
        for (int i = first; i < first + count; i++) {
            messages.add(codec.newTask(task, List.of(i), null, queueName, TaskOptions.none()));
        }
        queue.publishAll(queueName, messages, codec);
    }

    @Override
    public void close() {
        factory.destroy();
    }
}
