package io.clipflow.security;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Dashboard passwords, stored only as Spring Security's delegating encoding (bcrypt today, {@code {bcrypt}...}, so a
 * later switch to argon2 re-encodes on the next sign-in instead of breaking old hashes).
 */
@Service
public class Passwords {

    /** At least this many characters: a sign-in page is guessed at, throttling only slows that down. */
    public static final int MIN_LENGTH = 12;

    /** bcrypt reads at most 72 bytes; a longer password would be refused by the encoder, so it is refused here first. */
    public static final int MAX_BYTES = 72;

    private final UserAccountRepository users;
    private final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
    private final SecureRandom random = new SecureRandom();

    /** Compared against when the user does not exist, so an unknown name costs as long as a wrong password. */
    private final String decoy;

    Passwords(UserAccountRepository users) {
        this.users = users;
        this.decoy = encoder.encode(generate());
    }

    /** Why {@code raw} cannot be a password, or empty when it can. */
    public static Optional<String> problem(String raw) {
        if (raw == null || raw.codePointCount(0, raw.length()) < MIN_LENGTH) {
            return Optional.of("a password needs at least " + MIN_LENGTH + " characters");
        }
        if (raw.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return Optional.of("a password may have at most " + MAX_BYTES + " bytes (UTF-8)");
        }
        if (raw.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("a password may not contain control characters");
        }
        return Optional.empty();
    }

    /** A new random password (24 URL-safe characters, 144 bits). */
    public String generate() {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Sets the user's password; IllegalArgumentException with the {@link #problem} when it is not acceptable. */
    @Transactional
    public void set(long userId, String raw) {
        problem(raw).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        UserAccount user = users.findById(userId).orElseThrow(() -> new IllegalArgumentException("no user " + userId));
        user.passwordHash(encoder.encode(raw));
    }

    /** Sets the password unless it already is {@code raw} (a restart with the same CLIPFLOW_ADMIN_PASSWORD). */
    @Transactional
    public void ensure(long userId, String raw) {
        UserAccount user = users.findById(userId).orElseThrow(() -> new IllegalArgumentException("no user " + userId));
        if (user.getPasswordHash() == null || !encoder.matches(raw, user.getPasswordHash())) {
            set(userId, raw);
        }
    }

    @Transactional(readOnly = true)
    public boolean hasPassword(long userId) {
        return users.findById(userId).map(u -> u.getPasswordHash() != null).orElse(false);
    }

    /** The user whose password {@code raw} is; empty for a wrong password, an unknown user or one without a password. */
    @Transactional
    public Optional<ClipflowUser> verify(String username, String raw) {
        if (username == null
                || raw == null
                || username.length() > 100
                || problem(raw).isPresent()) {
            encoder.matches("", decoy);
            return Optional.empty();
        }
        Optional<UserAccount> user = users.findByUsername(username).filter(u -> u.getPasswordHash() != null);
        if (user.isEmpty()) {
            encoder.matches(raw, decoy);
            return Optional.empty();
        }
        UserAccount account = user.get();
        if (!encoder.matches(raw, account.getPasswordHash())) {
            return Optional.empty();
        }
        if (encoder.upgradeEncoding(account.getPasswordHash())) {
            account.passwordHash(encoder.encode(raw));
        }
        return Optional.of(account.toPrincipal());
    }
}
