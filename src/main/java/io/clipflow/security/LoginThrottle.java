package io.clipflow.security;

import io.clipflow.config.RedisKeys;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Throttles password guessing: failed sign-ins are counted per user name and per client address in Redis (shared by
 * every node) over a fixed window; once either count reaches its limit, sign-ins for that name or from that address
 * are refused, right password or not, until the window ends. A success clears the name's count.
 */
@Component
class LoginThrottle {

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final SecurityProperties.Login limits;

    LoginThrottle(StringRedisTemplate redis, RedisKeys keys, SecurityProperties properties) {
        this.redis = redis;
        this.keys = keys;
        this.limits = properties.login();
    }

    /** How long sign-ins as {@code username} or from {@code address} are refused; empty when they are not. */
    Optional<Duration> refusal(String username, String address) {
        Optional<Duration> byName = refusal(userKey(username), limits.maxFailuresPerUser());
        return byName.isPresent() ? byName : refusal(addressKey(address), limits.maxFailuresPerAddress());
    }

    void failed(String username, String address) {
        count(userKey(username));
        count(addressKey(address));
    }

    void succeeded(String username) {
        redis.delete(userKey(username));
    }

    private Optional<Duration> refusal(String key, int limit) {
        String count = redis.opsForValue().get(key);
        if (count == null || Long.parseLong(count) < limit) {
            return Optional.empty();
        }
        Long ttl = redis.getExpire(key);
        return Optional.of(ttl == null || ttl < 1 ? Duration.ofSeconds(1) : Duration.ofSeconds(ttl));
    }

    private void count(String key) {
        Long count = redis.opsForValue().increment(key);
        if (count != null && count == 1) {
            redis.expire(key, limits.failureWindow());
        }
    }

    private String userKey(String username) {
        String name = username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
        return keys.loginFailures("user", TokenService.hash(name));
    }

    private String addressKey(String address) {
        return keys.loginFailures("address", address == null ? "unknown" : TokenService.hash(address));
    }
}
