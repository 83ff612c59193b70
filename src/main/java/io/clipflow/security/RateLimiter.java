package io.clipflow.security;

import io.clipflow.config.RedisKeys;
import java.time.Duration;
import java.util.List;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * A token bucket per user and action in Redis ({@code clipflow:rate:<action>:<userId>}), refilled continuously. One Lua
 * call reads, refills, takes and writes, with the clock of the Redis server, so every node shares the bucket and clock
 * skew between nodes does not matter. Used by the rate-limit filter in front of uploads and task submissions.
 */
@Component
public class RateLimiter {

    /** Whether the request may go ahead; if not, how long until one token is back. */
    public record Decision(boolean allowed, Duration retryAfter) {}

    // KEYS[1] bucket; ARGV[1] capacity; ARGV[2] milliseconds per token. Returns {allowed 0|1, wait ms}.
    private static final RedisScript<List> TAKE = new DefaultRedisScript<>(
            """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local capacity = tonumber(ARGV[1])
            local interval = tonumber(ARGV[2])
            local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
            local tokens = tonumber(state[1])
            local ts = tonumber(state[2])
            if tokens == nil or ts == nil then
              tokens = capacity
              ts = now
            end
            if now > ts then
              tokens = math.min(capacity, tokens + (now - ts) / interval)
              ts = now
            end
            local allowed = 0
            local wait = 0
            if tokens >= 1 then
              tokens = tokens - 1
              allowed = 1
            else
              wait = math.ceil((1 - tokens) * interval)
            end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(ts))
            redis.call('PEXPIRE', KEYS[1], math.ceil(capacity * interval) + 1000)
            return {allowed, wait}
            """,
            List.class);

    private final StringRedisTemplate redis;
    private final RedisKeys keys;

    RateLimiter(StringRedisTemplate redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Takes one token from {@code user}'s {@code action} bucket holding {@code burst}, refilled one per {@code every}. */
    public Decision take(String action, long userId, int burst, Duration every) {
        List<?> reply = redis.execute(
                TAKE,
                List.of(keys.rateLimit(action, userId)),
                Integer.toString(burst),
                Long.toString(Math.max(1, every.toMillis())));
        boolean allowed = reply != null && ((Number) reply.get(0)).longValue() == 1;
        long waitMillis = reply == null ? 0 : ((Number) reply.get(1)).longValue();
        return new Decision(allowed, Duration.ofMillis(waitMillis));
    }
}
