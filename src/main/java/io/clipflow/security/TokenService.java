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
import java.util.List;
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

    /** A user as the users page lists them. */
    public record UserInfo(long id, String username, Role role, Instant createdAt, boolean sso, boolean hasPassword) {}

    /** Every user, oldest first (the admin's users page). */
    @Transactional(readOnly = true)
    public List<UserInfo> users() {
        return users.findAll(org.springframework.data.domain.Sort.by("id")).stream()
                .map(u -> new UserInfo(
                        u.getId(),
                        u.getUsername(),
                        u.getRole(),
                        u.getCreatedAt(),
                        u.getSsoSubject() != null,
                        u.getPasswordHash() != null))
                .toList();
    }

    /** What a user may see of their tokens: never the token, never its hash. */
    public record TokenInfo(long id, String name, Instant createdAt, Instant lastUsedAt, boolean revoked) {}

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

    /**
     * Makes {@code token} (e.g. from CLIPFLOW_ADMIN_TOKEN) valid for the user, and revokes the user's other tokens of
     * that name: changing the variable and restarting retires the old token. A token someone revoked stays revoked.
     */
    @Transactional
    public void ensure(long userId, String name, String token) {
        String hash = hash(token);
        Instant now = clock.instant();
        tokens.findByUserIdOrderById(userId).stream()
                .filter(t -> name.equals(t.getName()) && !t.isRevoked() && !hash.equals(t.getTokenHash()))
                .forEach(t -> t.revoke(now));
        if (tokens.findByTokenHash(hash).isEmpty()) {
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
    public List<TokenInfo> tokensOf(long userId) {
        return tokens.findByUserIdOrderById(userId).stream()
                .map(t -> new TokenInfo(t.getId(), t.getName(), t.getCreatedAt(), t.getLastUsedAt(), t.isRevoked()))
                .toList();
    }

    /** Revokes the user's own token; false when it is not theirs, does not exist or is already revoked. */
    @Transactional
    public boolean revoke(long userId, long tokenId) {
        return tokens.findByIdAndUserId(tokenId, userId)
                .filter(t -> !t.isRevoked())
                .map(t -> {
                    t.revoke(clock.instant());
                    return true;
                })
                .orElse(false);
    }

    @Transactional(readOnly = true)
    public boolean userExists(long userId) {
        return users.existsById(userId);
    }

    /**
     * The user behind an SSO login, matched by the token's subject, created on first sight. The role follows the
     * identity provider on every login. A local user with the same name is never taken over: the new account's name
     * gets a suffix instead.
     */
    @Transactional
    public ClipflowUser ssoUser(String subject, String preferredName, Role role) {
        UserAccount user = users.findBySsoSubject(subject).orElseGet(() -> {
            String base = preferredName == null || preferredName.isBlank() ? subject : preferredName;
            base = base.length() > 80 ? base.substring(0, 80) : base;
            String name = base;
            if (users.findByUsername(name).isPresent()) {
                name = base + "-sso-" + hash(subject).substring(0, 8);
            }
            return users.save(UserAccount.fromSso(name, role, subject, clock.instant()));
        });
        if (user.getRole() != role) {
            user.role(role);
        }
        return user.toPrincipal();
    }

    @Transactional(readOnly = true)
    public Optional<ClipflowUser> findUser(long userId) {
        return users.findById(userId).map(UserAccount::toPrincipal);
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
