package io.clipflow.security;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;

/** An API token; only its SHA-256 is stored, the token itself is shown once when issued. */
@Entity
@Table(name = "api_token")
class ApiToken {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @ManyToOne(fetch = FetchType.EAGER, optional = false)
    @JoinColumn(name = "user_id")
    private UserAccount user;

    @Column(nullable = false)
    private String name;

    @Column(name = "token_hash", nullable = false, unique = true)
    private String tokenHash;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "last_used_at")
    private Instant lastUsedAt;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    protected ApiToken() {}

    ApiToken(UserAccount user, String name, String tokenHash, Instant now) {
        this.user = user;
        this.name = name;
        this.tokenHash = tokenHash;
        this.createdAt = now;
    }

    Long getId() {
        return id;
    }

    UserAccount getUser() {
        return user;
    }

    String getTokenHash() {
        return tokenHash;
    }

    String getName() {
        return name;
    }

    Instant getCreatedAt() {
        return createdAt;
    }

    Instant getLastUsedAt() {
        return lastUsedAt;
    }

    boolean isRevoked() {
        return revokedAt != null;
    }

    void used(Instant now) {
        lastUsedAt = now;
    }

    void revoke(Instant now) {
        revokedAt = now;
    }
}
