package io.clipflow.security;

import io.clipflow.web.JsonErrorWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A VIEWER changes nothing: every request of theirs that is not a read (GET, HEAD, OPTIONS) is refused with 403, on
 * the API (JSON) and on the pages (the refusal page), whatever the controller would do. Signing out and taking a
 * one-time ticket for the live events (both only read or end the viewer's own session) are the exceptions.
 */
class ReadOnlyFilter extends OncePerRequestFilter {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    private static final Set<String> ALLOWED = Set.of("/logout", "/ui/ws-tickets", "/api/ws-tickets");

    private final JsonErrorWriter errors;

    ReadOnlyFilter(JsonErrorWriter errors) {
        this.errors = errors;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null
                && auth.getPrincipal() instanceof ClipflowUser user
                && user.role() == Role.VIEWER
                && !READS.contains(request.getMethod())
                && !ALLOWED.contains(request.getServletPath())) {
            if (request.getServletPath().startsWith("/api/")) {
                errors.write(request, response, 403, "forbidden", "a VIEWER reads and changes nothing");
            } else {
                PageRefusal.write(request, response, new AccessDeniedException("read-only"));
            }
            return;
        }
        chain.doFilter(request, response);
    }
}
