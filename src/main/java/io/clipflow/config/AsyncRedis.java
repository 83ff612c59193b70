package io.clipflow.config;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Scripts sent without waiting for their reply (Lettuce's async API on the shared connection): for writes nobody
 * waits on, like a live event. They reach Redis in the order they were sent, after everything the same thread sent
 * before on the shared connection (every non-blocking command of {@code StringRedisTemplate}); a worker thread calls
 * {@link #awaitSent()} before it writes on its own connection, so a task's events never land after its result.
 * Failures are logged, not thrown.
 */
@Component
public class AsyncRedis {

    private static final Logger log = LoggerFactory.getLogger(AsyncRedis.class);

    private final RedisConnectionFactory factory;
    private final Map<String, String> loaded = new ConcurrentHashMap<>();
    /** The last script each thread sent without waiting, for {@link #awaitSent()}. */
    private final ThreadLocal<CompletableFuture<?>> lastSent = new ThreadLocal<>();

    public AsyncRedis(RedisConnectionFactory factory) {
        this.factory = factory;
    }

    /**
     * Runs {@code script} on the shared connection (by its SHA1, loaded on first use; EVAL when Redis lost it) and
     * returns its reply without waiting.
     */
    private CompletableFuture<List<Object>> call(String script, byte[][] keys, byte[][] args) {
        CompletableFuture<List<Object>> reply = new CompletableFuture<>();
        try (RedisConnection connection = factory.getConnection()) {
            @SuppressWarnings("unchecked")
            RedisClusterAsyncCommands<byte[], byte[]> async =
                    (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
            String sha = loaded.computeIfAbsent(
                    script, s -> connection.scriptingCommands().scriptLoad(bytes(s)));
            RedisFuture<List<Object>> sent = async.evalsha(sha, ScriptOutputType.MULTI, keys, args);
            sent.whenComplete((value, e) -> {
                if (e == null) {
                    reply.complete(value);
                } else if (String.valueOf(e.getMessage()).contains("NOSCRIPT")) {
                    // Redis restarted or was flushed: send the text once more (it is cached again under its SHA1)
                    async.<List<Object>>eval(bytes(script), ScriptOutputType.MULTI, keys, args)
                            .whenComplete((again, e2) -> {
                                if (e2 == null) {
                                    reply.complete(again);
                                } else {
                                    reply.completeExceptionally(e2);
                                }
                            });
                } else {
                    reply.completeExceptionally(e);
                }
            });
        }
        return reply;
    }

    /** How long a caller waits for a reply before it gives up: {@code spring.data.redis.timeout}. */
    private Duration commandTimeout() {
        return factory instanceof LettuceConnectionFactory lettuce
                ? lettuce.getClientConfiguration().getCommandTimeout()
                : Duration.ofSeconds(60);
    }

    /**
     * Runs {@code script} (by its SHA1, loaded on first use; EVAL when Redis lost it), reply ignored.
     */
    public void fire(String script, List<String> keys, String... args) {
        byte[][] k = new byte[keys.size()][];
        for (int i = 0; i < k.length; i++) {
            k[i] = keys.get(i).getBytes(StandardCharsets.UTF_8);
        }
        byte[][] a = new byte[args.length][];
        for (int i = 0; i < a.length; i++) {
            a[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        try {
            lastSent.set(call(script, k, a).exceptionally(AsyncRedis::failed));
        } catch (RuntimeException e) {
            log.warn("asynchronous Redis write not sent: {}", e.getMessage());
        }
    }

    /**
     * Waits until what the calling thread sent with {@link #fire} has been applied (or failed), for a thread about to
     * write on a connection of its own ({@link WorkerConnections}) something that must come after it. Usually there is
     * nothing to wait for: the reply came while the thread worked.
     */
    public void awaitSent() {
        CompletableFuture<?> last = lastSent.get();
        if (last == null) {
            return;
        }
        lastSent.remove();
        if (!last.isDone()) {
            try {
                last.get(commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                log.warn("asynchronous Redis write still unanswered: {}", e.toString());
            }
        }
    }

    private static List<Object> failed(Throwable e) {
        log.warn("asynchronous Redis write failed: {}", e.getMessage());
        return null;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
