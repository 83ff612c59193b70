package io.clipflow.security;

import io.clipflow.config.RedisKeys;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * One-time tickets for browsers, which cannot set an Authorization header on a WebSocket or EventSource: a signed-in
 * client asks {@code POST /api/stream-tickets} for one and puts it in the stream URL; the stream handshake
 * ({@code notify/}) redeems it with {@link #redeem}. A ticket is 256 random bits, lives in Redis (shared by every
 * node) for {@link #LIFETIME}, and works once.
 */
@Component
public class StreamTickets {

    static final Duration LIFETIME = Duration.ofSeconds(30);

    // GET and DEL in one step, so two nodes can never both redeem the same ticket
    private static final RedisScript<String> TAKE = new DefaultRedisScript<>(
            "local v = redis.call('GET', KEYS[1]); if v then redis.call('DEL', KEYS[1]) end; return v", String.class);

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final TokenService tokens;
    private final SecureRandom random = new SecureRandom();

    StreamTickets(StringRedisTemplate redis, RedisKeys keys, TokenService tokens) {
        this.redis = redis;
        this.keys = keys;
        this.tokens = tokens;
    }

    /** A new ticket for {@code user}. */
    public String issue(ClipflowUser user) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String ticket = "cft_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        redis.opsForValue().set(key(ticket), Long.toString(user.id()), LIFETIME);
        return ticket;
    }

    /** The user the ticket was issued to, once; empty when unknown, expired or already used. */
    public Optional<ClipflowUser> redeem(String ticket) {
        if (ticket == null || !ticket.matches("cft_[A-Za-z0-9_-]{43}")) {
            return Optional.empty();
        }
        String userId = redis.execute(TAKE, List.of(key(ticket)));
        return userId == null ? Optional.empty() : tokens.findUser(Long.parseLong(userId));
    }

    private String key(String ticket) {
        return keys.streamTicket(TokenService.hash(ticket));
    }
}
