package io.clipflow.security;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "app_user")
class UserAccount {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, unique = true)
    private String username;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Role role;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    /** The JWT subject of an SSO user; null for local users, whose name an SSO login can never take over. */
    @Column(name = "sso_subject")
    private String ssoSubject;

    /** Spring Security's encoded form ({@code {bcrypt}$2a$...}); null when the user cannot sign in with a password. */
    @Column(name = "password_hash")
    private String passwordHash;

    protected UserAccount() {}

    static UserAccount fromSso(String username, Role role, String subject, Instant now) {
        UserAccount user = new UserAccount(username, role, now);
        user.ssoSubject = subject;
        return user;
    }

    void passwordHash(String encoded) {
        this.passwordHash = encoded;
    }

    String getSsoSubject() {
        return ssoSubject;
    }

    String getPasswordHash() {
        return passwordHash;
    }

    void role(Role role) {
        this.role = role;
    }

    UserAccount(String username, Role role, Instant now) {
        this.username = username;
        this.role = role;
        this.createdAt = now;
    }

    Long getId() {
        return id;
    }

    String getUsername() {
        return username;
    }

    Role getRole() {
        return role;
    }

    Instant getCreatedAt() {
        return createdAt;
    }

    ClipflowUser toPrincipal() {
        return new ClipflowUser(id, username, role);
    }
}
