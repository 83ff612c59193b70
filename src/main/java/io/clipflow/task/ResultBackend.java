package io.clipflow.task;

import io.clipflow.celery.CeleryResult;
import io.clipflow.celery.CeleryResultCodec;
import io.clipflow.config.LuaScripts;
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
     * Check-and-write in one atomic step (lua/store-result.lua with the result functions of lua/result.lua, which other
     * scripts writing a result use too): Celery refuses to overwrite SUCCESS, a late duplicate must not replace a good
     * result, and doing the check in Lua closes the race between two writers.
     */
    private static final RedisScript<Long> STORE = LuaScripts.script("store-result", Long.class);

    /** A result ready to be written: its key, its JSON and its time to live in seconds. */
    public record Write(String key, String json, String ttlSeconds) {}

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
        return store(prepare(result));
    }

    /** Stores a prepared result unless a SUCCESS is already there; returns whether it was written. */
    public boolean store(Write w) {
        Long written = redis.execute(STORE, List.of(w.key()), w.json(), w.ttlSeconds());
        return written != null && written == 1;
    }

    /** The key, JSON and TTL a result is written with; for a caller that writes it together with something else. */
    public Write prepare(CeleryResult result) {
        return new Write(
                keys.result(result.taskId()),
                codec.encode(result),
                String.valueOf(Math.max(1, properties.expires().toSeconds())));
    }

    public Optional<CeleryResult> get(String taskId) {
        String raw = redis.opsForValue().get(keys.result(taskId));
        return raw == null ? Optional.empty() : Optional.of(codec.decode(raw));
    }
}
