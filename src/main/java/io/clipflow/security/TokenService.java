package io.clipflow.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Users and their API tokens: 256-bit random tokens, stored as SHA-256 only. */
@Service
public class TokenService {

    /** last_used_at is a hint, not an audit log: write it at most this often per token. */
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    private final UserAccountRepository users;
    private final ApiTokenRepository tokens;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    TokenService(UserAccountRepository users, ApiTokenRepository tokens, Clock clock) {
        this.users = users;
        this.tokens = tokens;
        this.clock = clock;
    }

    /** A new token for the user; the only time the plain token exists. */
    public record IssuedToken(long tokenId, long userId, String username, Role role, String token) {}

    @Transactional
    public ClipflowUser createUser(String username, Role role) {
        if (users.findByUsername(username).isPresent()) {
            throw new IllegalArgumentException("user " + username + " already exists");
        }
        return users.save(new UserAccount(username, role, clock.instant())).toPrincipal();
    }

    @Transactional
    public IssuedToken issue(long userId, String name) {
        UserAccount user = users.findById(userId).orElseThrow(() -> new IllegalArgumentException("no user " + userId));
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = "cf_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return store(user, name, token);
    }

    /** Makes {@code token} (e.g. from CLIPFLOW_ADMIN_TOKEN) valid for the user, if it is not already. */
    @Transactional
    public void ensure(long userId, String name, String token) {
        if (tokens.findByTokenHash(hash(token)).isEmpty()) {
            store(users.findById(userId).orElseThrow(), name, token);
        }
    }

    @Transactional
    public Optional<ClipflowUser> authenticate(String token) {
        if (token == null || token.isBlank() || token.length() > 512) {
            return Optional.empty();
        }
        return tokens.findByTokenHash(hash(token)).filter(t -> !t.isRevoked()).map(t -> {
            Instant now = clock.instant();
            if (t.getLastUsedAt() == null
                    || t.getLastUsedAt().plus(LAST_USED_RESOLUTION).isBefore(now)) {
                t.used(now);
            }
            return t.getUser().toPrincipal();
        });
    }

    @Transactional(readOnly = true)
    public Optional<ClipflowUser> findUser(String username) {
        return users.findByUsername(username).map(UserAccount::toPrincipal);
    }

    private IssuedToken store(UserAccount user, String name, String token) {
        ApiToken saved = tokens.save(new ApiToken(user, name, hash(token), clock.instant()));
        return new IssuedToken(saved.getId(), user.getId(), user.getUsername(), user.getRole(), token);
    }

    static String hash(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
