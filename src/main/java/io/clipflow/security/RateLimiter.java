package io.clipflow.security;

import io.clipflow.config.LuaScripts;
import io.clipflow.config.RedisKeys;
import java.time.Duration;
import java.util.List;
import org.springframework.data.redis.core.StringRedisTemplate;
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

    /** Read, refill, take and write in one call (lua/rate-limit-take.lua): {allowed 0|1, wait ms}. */
    private static final RedisScript<List> TAKE = LuaScripts.script("rate-limit-take", List.class);

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
