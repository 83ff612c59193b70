package io.clipflow.task;

import io.clipflow.config.RedisKeys;
import java.util.List;
import java.util.Optional;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Celery's Redis result backend: {@code celery-task-meta-<id>} written with SETEX and announced with PUBLISH on a
 * channel of the same name, exactly as Celery's {@code RedisBackend} does, so {@code AsyncResult.get()} works.
 */
@Component("resultBackend")
public class ResultBackend {

    /**
     * Check-and-write in one atomic step: Celery refuses to overwrite SUCCESS (a late duplicate must not replace a good
     * result), and doing the check in Lua closes the race between two writers.
     */
    private static final RedisScript<Long> STORE = RedisScript.of(
            """
            local current = redis.call('GET', KEYS[1])
            if current then
              local ok, meta = pcall(cjson.decode, current)
              if ok and type(meta) == 'table' and meta['status'] == 'SUCCESS' then return 0 end
            end
            redis.call('SETEX', KEYS[1], ARGV[2], ARGV[1])
            redis.call('PUBLISH', KEYS[1], ARGV[1])
            return 1
            """,
            Long.class);

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final CeleryResultCodec codec;
    private final ResultProperties properties;

    ResultBackend(StringRedisTemplate redis, RedisKeys keys, CeleryResultCodec codec, ResultProperties properties) {
        this.redis = redis;
        this.keys = keys;
        this.codec = codec;
        this.properties = properties;
    }

    /** Stores a result unless a SUCCESS is already there; returns whether it was written. */
    public boolean store(CeleryResult result) {
        Long written = redis.execute(
                STORE,
                List.of(keys.result(result.taskId())),
                codec.encode(result),
                String.valueOf(Math.max(1, properties.expires().toSeconds())));
        return written != null && written == 1;
    }

    public Optional<CeleryResult> get(String taskId) {
        String raw = redis.opsForValue().get(keys.result(taskId));
        return raw == null ? Optional.empty() : Optional.of(codec.decode(raw));
    }
}
