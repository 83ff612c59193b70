package io.clipflow.security;

import java.io.Serializable;
import java.util.List;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** The signed-in user as controllers see it ({@code @AuthenticationPrincipal}); kept in a dashboard session. */
public record ClipflowUser(long id, String username, Role role) implements Serializable {
    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** Reads everyone's videos, tasks, queues and nodes: an ADMIN, or a read-only VIEWER. */
    public boolean seesEverything() {
        return role == Role.ADMIN || role == Role.VIEWER;
    }

    /** The owner filter for queries: null (everything) for an admin or viewer, the user's id otherwise. */
    public Long ownerScope() {
        return seesEverything() ? null : id;
    }

    /** The Spring Security authorities of this user's role ({@code ROLE_ADMIN}, ...). */
    public List<GrantedAuthority> authorities() {
        return List.of(new SimpleGrantedAuthority("ROLE_" + role.name()));
    }
}
