package io.clipflow.security;

/** The signed-in user as controllers see it ({@code @AuthenticationPrincipal}). */
public record ClipflowUser(long id, String username, Role role) {
    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** The owner filter for queries: null (everything) for an admin, the user's id otherwise. */
    public Long ownerScope() {
        return isAdmin() ? null : id;
    }
}
