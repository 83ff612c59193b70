package io.clipflow.security;

import io.clipflow.config.RedisKeys;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Service;

/**
 * One-time tickets for browsers, which cannot put a bearer token on a WebSocket handshake or an {@code EventSource}:
 * {@code clipflow:ticket:<sha256 of the ticket>} holds the user name for a few seconds and is deleted by the first use
 * (GETDEL), on whichever node that is. 256 random bits; only the hash is stored, as for API tokens.
 */
@Service
public class TicketService {

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final TokenService tokens;
    private final SecurityProperties properties;
    private final SecureRandom random = new SecureRandom();

    TicketService(StringRedisTemplate redis, RedisKeys keys, TokenService tokens, SecurityProperties properties) {
        this.redis = redis;
        this.keys = keys;
        this.tokens = tokens;
        this.properties = properties;
    }

    /** A new ticket for the user, valid once within {@code clipflow.security.ws-ticket-lifetime}. */
    public String issue(ClipflowUser user) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String ticket = "wst_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        redis.opsForValue().set(keys.ticket(TokenService.hash(ticket)), user.username(), properties.wsTicketLifetime());
        return ticket;
    }

    /** The ticket's user, and the ticket is gone; empty when it is unknown, used or expired. */
    public Optional<ClipflowUser> consume(String ticket) {
        if (ticket == null || !ticket.matches("wst_[A-Za-z0-9_-]{43}")) {
            return Optional.empty();
        }
        String username = redis.opsForValue().getAndDelete(keys.ticket(TokenService.hash(ticket)));
        return username == null ? Optional.empty() : tokens.findUser(username);
    }

    public long lifetimeSeconds() {
        return properties.wsTicketLifetime().toSeconds();
    }
}
